"""Counts of answers per place, round, day, gender and age band (a cell), by item and value.

The situation picture reads these counts instead of the answers. They are kept by database
triggers on ``response`` and ``item_answer`` (created by migration 0015 from ``trigger_ddl``),
so every write of answers, whichever code makes it (web, paper, import, erasure, retention,
held and released bursts, corrections), changes the counts in the same statement and
transaction: they cannot disagree with the answers. ``trygghet db rebuild-aggregates``
recomputes them from the answers anyway. An answer held back from the figures counts nowhere.

Two tables:

- ``response_count``: one row per cell, with the number of answers and one column per value
  of each of version 1's choice items (``COUNT_COLUMNS``): a single-row upsert per answer,
  and at most one row per cell however many answers it holds, so that an area's figures sum a
  few thousand rows at 1,000 answers or at 1,000,000. ``reported`` is counted only when
  ``victim`` is ``yes`` (as its figure counts it); ``police_priority`` per option ticked, and
  as ``any`` when any was.
- ``answer_count``: for items added by later versions (``item_answer``), one row per cell,
  item code and value: ``(code, value)`` per option, ``(code, number)`` for a number (as
  text), ``(code, "")`` for a text, and ``(code, "*")`` once per answer that has any row of
  the code (for multiple choice, those who answered).

Free texts are never counted by value. A missing round is stored as 0, a missing gender or age
band as "" (key columns are never NULL, so an upsert finds them).
"""

# ruff: noqa: S608 (the SQL is built from item codes and values of the shipped questionnaire,
# never from input)
from __future__ import annotations

from sqlalchemy import Column, Date, Integer, PrimaryKeyConstraint, String, Table

from ..questionnaire import builtin
from .base import Base

answer_count = Table(
    "answer_count",
    Base.metadata,
    Column("place_id", Integer, nullable=False),
    #: The survey round's id, 0 for answers outside any round.
    Column("round_key", Integer, nullable=False),
    Column("day", Date, nullable=False),
    #: The answer's gender and age band, "" when not given.
    Column("gender", String(16), nullable=False),
    Column("age_band", String(16), nullable=False),
    #: An item code, or "*" for the answer itself.
    Column("code", String(40), nullable=False),
    #: An option value (or a number as text); "" for a text; "*" for "answered" (see above).
    Column("value", String(64), nullable=False),
    Column("count", Integer, nullable=False),
    # The picture selects by place, then round and days, and sums per cell: the key covers it.
    PrimaryKeyConstraint(
        "place_id",
        "round_key",
        "day",
        "gender",
        "age_band",
        "code",
        "value",
        name="pk_answer_count",
    ),
    sqlite_with_rowid=False,
)

KEY = ("place_id", "round_key", "day", "gender", "age_band", "code", "value")
CELL = ("place_id", "round_key", "day", "gender", "age_band")


def _count_columns() -> list[tuple[str, str, str]]:
    """(column, item code, value) of every counted value of version 1's choice items."""
    found: list[tuple[str, str, str]] = []
    for item in builtin(1).items:
        if item.type == "single" and item.code not in ("gender", "age_band"):
            found += [(f"n_{item.code}_{v}", item.code, v) for v in item.values]
        elif item.type == "multi":
            found.append((f"n_{item.code}_any", item.code, "*"))
            found += [(f"n_{item.code}_{v}", item.code, v) for v in item.values]
    return found


#: (column, item code, value) per counted value; value "*" of a multi-choice item: any ticked.
COUNT_COLUMNS = _count_columns()

response_count = Table(
    "response_count",
    Base.metadata,
    Column("place_id", Integer, nullable=False),
    Column("round_key", Integer, nullable=False),
    Column("day", Date, nullable=False),
    Column("gender", String(16), nullable=False),
    Column("age_band", String(16), nullable=False),
    #: The answers in the cell.
    Column("answers", Integer, nullable=False),
    *(Column(name, Integer, nullable=False) for name, _code, _value in COUNT_COLUMNS),
    PrimaryKeyConstraint(*CELL, name="pk_response_count"),
    sqlite_with_rowid=False,
)


def _indicator(row: str, code: str, value: str) -> str:
    """1 when the response row counts for this value, else 0."""
    if value == "*":
        return f"CASE WHEN {row}.{code} <> '' THEN 1 ELSE 0 END"
    if code == "police_priority":
        return f"CASE WHEN ';' || {row}.{code} || ';' LIKE '%;{value};%' THEN 1 ELSE 0 END"
    if code == "reported":
        return f"CASE WHEN {row}.victim = 'yes' AND {row}.reported = '{value}' THEN 1 ELSE 0 END"
    return f"CASE WHEN {row}.{code} = '{value}' THEN 1 ELSE 0 END"


_WIDE = ", ".join(["answers", *(name for name, _c, _v in COUNT_COLUMNS)])


def _wide_add(row: str) -> str:
    values = ", ".join(["1", *(_indicator(row, c, v) for _n, c, v in COUNT_COLUMNS)])
    sets = ", ".join(f"{n} = response_count.{n} + excluded.{n}" for n in _WIDE.split(", "))
    return (
        f"INSERT INTO response_count ({', '.join(CELL)}, {_WIDE}) VALUES ({_cell(row)}, {values})"  # nosec B608
        f" ON CONFLICT ({', '.join(CELL)}) DO UPDATE SET {sets}"
    )


def _wide_subtract(row: str) -> list[str]:
    sets = ", ".join(
        ["answers = answers - 1"]
        + [f"{n} = {n} - {_indicator(row, c, v)}" for n, c, v in COUNT_COLUMNS]
    )
    match = _cell_match(row)
    return [
        f"UPDATE response_count SET {sets} WHERE {match}",  # nosec B608
        f"DELETE FROM response_count WHERE {match} AND answers <= 0",  # nosec B608
    ]


#: The (code, value) entries of one response's added items (bound as :id / a column).
def _item_entries(response_id: str) -> str:
    return (
        "SELECT code, COALESCE(value, CAST(number AS VARCHAR(64)), '') AS value FROM item_answer"  # nosec B608
        f" WHERE response_id = {response_id}"
        " UNION ALL SELECT DISTINCT code, '*' FROM item_answer"
        f" WHERE response_id = {response_id}"
    )


def _cell(row: str) -> str:
    return (
        f"{row}.place_id, COALESCE({row}.round_id, 0), {row}.submitted_on,"
        f" COALESCE({row}.gender, ''), COALESCE({row}.age_band, '')"
    )


def _cell_match(row: str) -> str:
    return (
        f"place_id = {row}.place_id AND round_key = COALESCE({row}.round_id, 0)"
        f" AND day = {row}.submitted_on AND gender = COALESCE({row}.gender, '')"
        f" AND age_band = COALESCE({row}.age_band, '')"
    )


_COLUMNS = "place_id, round_key, day, gender, age_band, code, value, count"
_CONFLICT = f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET count = answer_count.count + 1"  # nosec B608


def _add(row: str, entries: str) -> str:
    # WHERE before ON CONFLICT: SQLite would read ON as a join constraint otherwise.
    return (
        f"INSERT INTO answer_count ({_COLUMNS}) SELECT {_cell(row)}, e.code, e.value, 1"  # nosec B608
        f" FROM ({entries}) AS e WHERE e.value IS NOT NULL {_CONFLICT}"
    )


def _subtract(row: str, entries: str) -> list[str]:
    match = _cell_match(row)
    return [
        f"UPDATE answer_count SET count = count - 1 WHERE {match} AND (code, value) IN"  # nosec B608
        f" (SELECT e.code, e.value FROM ({entries}) AS e WHERE e.value IS NOT NULL)",
        f"DELETE FROM answer_count WHERE {match} AND count <= 0",  # nosec B608
    ]


def _one_item(row: str) -> str:
    """The entries one item_answer row adds to its response's cell: its value, and "*" when
    it is the first row of its code for the response (checked before it is inserted)."""
    return (
        f"SELECT {row}.code AS code,"  # nosec B608
        f" COALESCE({row}.value, CAST({row}.number AS VARCHAR(64)), '') AS value"
        f" UNION ALL SELECT {row}.code, '*' WHERE NOT EXISTS (SELECT 1 FROM item_answer o"
        f" WHERE o.response_id = {row}.response_id AND o.code = {row}.code"
        f" AND o.id <> {row}.id)"
    )


def _item_add(row: str) -> str:
    # The response's cell, joined: nothing when the response is held (or already gone).
    return (
        f"INSERT INTO answer_count ({_COLUMNS}) SELECT {_cell('r')}, e.code, e.value, 1"  # nosec B608
        f" FROM response r, ({_one_item(row)}) AS e"
        f" WHERE r.id = {row}.response_id AND NOT r.held {_CONFLICT}"
    )


def _item_subtract(row: str) -> list[str]:
    cell = (
        "SELECT r.place_id, COALESCE(r.round_id, 0) AS round_key, r.submitted_on AS day,"  # nosec B608
        " COALESCE(r.gender, '') AS gender, COALESCE(r.age_band, '') AS age_band"
        f" FROM response r WHERE r.id = {row}.response_id AND NOT r.held"
    )
    keyed = (
        "(place_id, round_key, day, gender, age_band, code, value) IN"  # nosec B608
        f" (SELECT c.place_id, c.round_key, c.day, c.gender, c.age_band, e.code, e.value"
        f" FROM ({cell}) AS c, ({_one_item(row)}) AS e)"
    )
    return [
        f"UPDATE answer_count SET count = count - 1 WHERE {keyed}",  # nosec B608
        f"DELETE FROM answer_count WHERE count <= 0 AND (place_id, round_key, day, gender,"  # nosec B608
        f" age_band) IN ({cell})",
    ]


#: Changes to these response columns move an answer's counts.
def _watched() -> list[str]:
    codes = [i.code for i in builtin(1).items if i.type in ("single", "multi")]
    return ["place_id", "round_id", "submitted_on", "held", *codes]


def _changed(old: str, new: str, dialect: str) -> str:
    differs = "IS NOT" if dialect == "sqlite" else "IS DISTINCT FROM"
    return " OR ".join(f"{old}.{c} {differs} {new}.{c}" for c in _watched())


TRIGGERS = (
    "answer_count_response_insert",
    "answer_count_response_update",
    "answer_count_response_delete",
    "answer_count_item_insert",
    "answer_count_item_delete",
)


#: A row of an imported file: the import counts its rows in one grouped statement at the end
#: (``add_batch_sql``), in the same transaction, instead of one upsert per row.
_FILE_ROW = (
    "NEW.import_batch_id IS NOT NULL AND EXISTS (SELECT 1 FROM import_batch b"
    " WHERE b.id = NEW.import_batch_id AND b.kind = 'file')"
)


def add_batch_sql() -> str:
    """The statement that counts an imported file's answers (bound: ``:batch``)."""
    sums = ", ".join(["count(*)", *(f"SUM({_indicator('r', c, v)})" for _n, c, v in COUNT_COLUMNS)])
    sets = ", ".join(f"{n} = response_count.{n} + excluded.{n}" for n in _WIDE.split(", "))
    return (
        f"INSERT INTO response_count ({', '.join(CELL)}, {_WIDE}) SELECT {_cell('r')}, {sums}"  # nosec B608
        " FROM response r WHERE r.import_batch_id = :batch AND NOT r.held"
        f" GROUP BY 1, 2, 3, 4, 5 ON CONFLICT ({', '.join(CELL)}) DO UPDATE SET {sets}"
    )


def trigger_ddl(dialect: str) -> list[str]:
    """The statements that create the triggers keeping ``answer_count`` (sqlite/postgresql)."""
    add_new = [_wide_add("NEW"), _add("NEW", _item_entries("NEW.id"))]
    sub_old = [*_wide_subtract("OLD"), *_subtract("OLD", _item_entries("OLD.id"))]
    changed = _changed("OLD", "NEW", dialect)
    if dialect == "sqlite":

        def body(statements: list[str]) -> str:
            return "BEGIN " + " ".join(f"{s};" for s in statements) + " END"

        # SQLite triggers have no IF: an update is two triggers, each with its condition.
        return [
            "CREATE TRIGGER answer_count_response_insert AFTER INSERT ON response"
            f" WHEN NOT NEW.held AND NOT ({_FILE_ROW}) {body([add_new[0]])}",
            "CREATE TRIGGER answer_count_response_update AFTER UPDATE ON response"
            f" WHEN NOT OLD.held AND ({changed}) {body(sub_old)}",
            "CREATE TRIGGER answer_count_response_update_add AFTER UPDATE ON response"
            f" WHEN NOT NEW.held AND ({changed}) {body(add_new)}",
            # Before: an answer's item rows are still there (a cascade removes them after).
            "CREATE TRIGGER answer_count_response_delete BEFORE DELETE ON response"
            f" WHEN NOT OLD.held {body(sub_old)}",
            "CREATE TRIGGER answer_count_item_insert BEFORE INSERT ON item_answer"
            f" {body([_item_add('NEW')])}",
            "CREATE TRIGGER answer_count_item_delete BEFORE DELETE ON item_answer"
            f" {body(_item_subtract('OLD'))}",
        ]

    def function(name: str, statements: list[str], returns: str) -> str:
        return (
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            + " ".join(f"{s};" for s in statements)
            + f" RETURN {returns}; END $$"
        )

    def guarded(condition: str, statements: list[str]) -> list[str]:
        return [f"IF {condition} THEN " + " ".join(f"{s};" for s in statements) + " END IF"]

    return [
        function(
            "answer_count_response_insert",
            guarded(f"NOT NEW.held AND NOT ({_FILE_ROW})", [add_new[0]]),
            "NULL",
        ),
        "CREATE TRIGGER answer_count_response_insert AFTER INSERT ON response"
        " FOR EACH ROW EXECUTE FUNCTION answer_count_response_insert()",
        function(
            "answer_count_response_update",
            guarded(
                changed,
                [*guarded("NOT OLD.held", sub_old), *guarded("NOT NEW.held", add_new)],
            ),
            "NULL",
        ),
        "CREATE TRIGGER answer_count_response_update AFTER UPDATE ON response"
        " FOR EACH ROW EXECUTE FUNCTION answer_count_response_update()",
        function("answer_count_response_delete", guarded("NOT OLD.held", sub_old), "OLD"),
        "CREATE TRIGGER answer_count_response_delete BEFORE DELETE ON response"
        " FOR EACH ROW EXECUTE FUNCTION answer_count_response_delete()",
        function("answer_count_item_insert", [_item_add("NEW")], "NEW"),
        "CREATE TRIGGER answer_count_item_insert BEFORE INSERT ON item_answer"
        " FOR EACH ROW EXECUTE FUNCTION answer_count_item_insert()",
        function("answer_count_item_delete", _item_subtract("OLD"), "OLD"),
        "CREATE TRIGGER answer_count_item_delete BEFORE DELETE ON item_answer"
        " FOR EACH ROW EXECUTE FUNCTION answer_count_item_delete()",
    ]


def drop_ddl(dialect: str) -> list[str]:
    """The statements that remove the triggers (and on PostgreSQL their functions)."""
    if dialect == "sqlite":
        names = (*TRIGGERS, "answer_count_response_update_add")
        return [f"DROP TRIGGER IF EXISTS {name}" for name in names]
    tables = ("response",) * 3 + ("item_answer",) * 2
    return [
        s
        for name, table in zip(TRIGGERS, tables, strict=True)
        for s in (f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()")
    ]


def rebuild_sql() -> list[str]:
    """Statements that recompute every count from the answers: delete, then grouped inserts
    (a repair, not a hot path)."""
    cell = _cell("r")
    sums = ", ".join(["count(*)", *(f"SUM({_indicator('r', c, v)})" for _n, c, v in COUNT_COLUMNS)])
    joined = "FROM item_answer a JOIN response r ON r.id = a.response_id WHERE NOT r.held"
    value = "COALESCE(a.value, CAST(a.number AS VARCHAR(64)), '')"
    return [
        "DELETE FROM response_count",
        "DELETE FROM answer_count",
        f"INSERT INTO response_count ({', '.join(CELL)}, {_WIDE}) SELECT {cell}, {sums}"  # nosec B608
        " FROM response r WHERE NOT r.held GROUP BY 1, 2, 3, 4, 5",
        f"INSERT INTO answer_count ({_COLUMNS}) SELECT {cell}, a.code, {value}, count(*)"
        f" {joined} GROUP BY 1, 2, 3, 4, 5, 6, 7",
        f"INSERT INTO answer_count ({_COLUMNS})"
        f" SELECT {cell}, a.code, '*', count(DISTINCT r.id) {joined} GROUP BY 1, 2, 3, 4, 5, 6",
    ]
