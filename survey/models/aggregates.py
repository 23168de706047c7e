"""Counts of answers per place, round, day or month, gender and age band (a cell), by item and
value: the SQL that keeps them (survey.models.count_tables has the tables).

The situation picture reads these counts instead of the answers. They are kept by database
triggers on ``response`` and ``item_answer`` (created by migrations 0015 and 0016 from
``trigger_ddl``), so every write of answers, whichever code makes it (web, paper, import,
erasure, retention, held and released bursts, corrections), changes the counts of both grains
in the same statement and transaction: they cannot disagree with the answers.
``trygghet db rebuild-aggregates`` recomputes them from the answers anyway. An answer held back
from the figures counts nowhere.

Two tables per grain:

- ``response_count`` (``_month``): one row per cell, with the number of answers and one column
  per value of each of version 1's choice items (``COUNT_COLUMNS``): a single-row upsert per
  answer. ``reported`` is counted only when ``victim`` is ``yes`` (as its figure counts it);
  ``police_priority`` per option ticked, and as ``any`` when any was.
- ``answer_count`` (``_month``): for items added by later versions (``item_answer``), one row
  per cell, item code and value: ``(code, value)`` per option, ``(code, number)`` for a number
  (as text), ``(code, "")`` for a text, and ``(code, "*")`` once per answer that has any row of
  the code (for multiple choice, those who answered).

Free texts are never counted by value. A missing round is stored as 0, a missing gender or age
band as "" (key columns are never NULL, so an upsert finds them).
"""

# ruff: noqa: S608 (the SQL is built from item codes and values of the shipped questionnaire,
# never from input)
from __future__ import annotations

from collections.abc import Sequence

from .count_tables import (
    CHOICES,
    COUNT_COLUMNS,
    DAY,
    GRAINS,
    MONTH,
    MULTI,
    Grain,
    answer_count,
    answer_count_month,
    response_count,
    response_count_month,
)

__all__ = [
    "COUNT_COLUMNS",
    "DAY",
    "GRAINS",
    "MONTH",
    "Grain",
    "add_batch_sql",
    "answer_count",
    "answer_count_month",
    "drop_ddl",
    "rebuild_sql",
    "response_count",
    "response_count_month",
    "trigger_ddl",
]

ITEM_KEY = ("code", "value")


def _indicator(row: str, code: str, value: str, amount: int = 1) -> str:
    """``amount`` when the response row counts for this value, else 0."""
    if value == "*":
        condition = f"{row}.{code} <> ''"
    elif code == MULTI:
        condition = f"';' || {row}.{code} || ';' LIKE '%;{value};%'"
    elif code == "reported":
        condition = f"{row}.victim = 'yes' AND {row}.reported = '{value}'"
    else:
        condition = f"{row}.{code} = '{value}'"
    return f"CASE WHEN {condition} THEN {amount} ELSE 0 END"


_WIDE = ["answers", *(name for name, _c, _v in COUNT_COLUMNS)]
_SUMS = ", ".join(["count(*)", *(f"SUM({_indicator('r', c, v)})" for _n, c, v in COUNT_COLUMNS)])


def _cell_parts(row: str, g: Grain, dialect: str) -> list[str]:
    return [
        f"{row}.place_id",
        f"COALESCE({row}.round_id, 0)",
        g.of(f"{row}.submitted_on", dialect),
        f"COALESCE({row}.gender, '')",
        f"COALESCE({row}.age_band, '')",
    ]


def _cell(row: str, g: Grain, dialect: str) -> str:
    return ", ".join(_cell_parts(row, g, dialect))


def _cell_match(row: str, g: Grain, dialect: str) -> str:
    return (
        f"place_id = {row}.place_id AND round_key = COALESCE({row}.round_id, 0)"
        f" AND {g.period} = {g.of(f'{row}.submitted_on', dialect)}"
        f" AND gender = COALESCE({row}.gender, '') AND age_band = COALESCE({row}.age_band, '')"
    )


def _wide_upsert(g: Grain) -> str:
    sets = ", ".join(f"{n} = {g.wide}.{n} + excluded.{n}" for n in _WIDE)
    return f"ON CONFLICT ({', '.join(g.cell())}) DO UPDATE SET {sets}"  # nosec B608


def _wide_insert(g: Grain) -> str:
    return f"INSERT INTO {g.wide} ({', '.join(g.cell())}, {', '.join(_WIDE)})"


def _wide_add(row: str, g: Grain, dialect: str) -> str:
    values = ", ".join(["1", *(_indicator(row, c, v) for _n, c, v in COUNT_COLUMNS)])
    return f"{_wide_insert(g)} VALUES ({_cell(row, g, dialect)}, {values}) {_wide_upsert(g)}"


def _wide_subtract(row: str, g: Grain, dialect: str) -> list[str]:
    sets = ", ".join(
        ["answers = answers - 1"]
        + [f"{n} = {n} - {_indicator(row, c, v)}" for n, c, v in COUNT_COLUMNS]
    )
    match = _cell_match(row, g, dialect)
    return [
        f"UPDATE {g.wide} SET {sets} WHERE {match}",  # nosec B608
        f"DELETE FROM {g.wide} WHERE {match} AND answers <= 0",  # nosec B608
    ]


#: The (code, value) entries of one response's added items (bound as :id / a column).
def _item_entries(response_id: str) -> str:
    return (
        "SELECT code, COALESCE(value, CAST(number AS VARCHAR(64)), '') AS value FROM item_answer"  # nosec B608
        f" WHERE response_id = {response_id}"
        " UNION ALL SELECT DISTINCT code, '*' FROM item_answer"
        f" WHERE response_id = {response_id}"
    )


def _columns(g: Grain) -> str:
    return ", ".join([*g.cell(), *ITEM_KEY, "count"])


def _conflict(g: Grain) -> str:
    keys = ", ".join([*g.cell(), *ITEM_KEY])
    return f"ON CONFLICT ({keys}) DO UPDATE SET count = {g.items}.count + 1"  # nosec B608


def _add(row: str, entries: str, g: Grain, dialect: str) -> str:
    # WHERE before ON CONFLICT: SQLite would read ON as a join constraint otherwise.
    return (
        f"INSERT INTO {g.items} ({_columns(g)}) SELECT {_cell(row, g, dialect)}, e.code, e.value, 1"  # nosec B608
        f" FROM ({entries}) AS e WHERE e.value IS NOT NULL {_conflict(g)}"
    )


def _subtract(row: str, entries: str, g: Grain, dialect: str) -> list[str]:
    match = _cell_match(row, g, dialect)
    return [
        f"UPDATE {g.items} SET count = count - 1 WHERE {match} AND (code, value) IN"  # nosec B608
        f" (SELECT e.code, e.value FROM ({entries}) AS e WHERE e.value IS NOT NULL)",
        f"DELETE FROM {g.items} WHERE {match} AND count <= 0",  # nosec B608
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


def _item_add(row: str, g: Grain, dialect: str) -> str:
    # The response's cell, joined: nothing when the response is held (or already gone).
    return (
        f"INSERT INTO {g.items} ({_columns(g)}) SELECT {_cell('r', g, dialect)}, e.code, e.value, 1"  # nosec B608
        f" FROM response r, ({_one_item(row)}) AS e"
        f" WHERE r.id = {row}.response_id AND NOT r.held {_conflict(g)}"
    )


def _item_subtract(row: str, g: Grain, dialect: str) -> list[str]:
    cell = (
        f"SELECT {_cell('r', g, dialect)}"  # nosec B608
        f" FROM response r WHERE r.id = {row}.response_id AND NOT r.held"
    )
    keys = ", ".join(g.cell())
    keyed = (
        f"({keys}, code, value) IN"  # nosec B608
        f" (SELECT c.*, e.code, e.value FROM ({cell}) AS c, ({_one_item(row)}) AS e)"
    )
    return [
        f"UPDATE {g.items} SET count = count - 1 WHERE {keyed}",  # nosec B608
        f"DELETE FROM {g.items} WHERE count <= 0 AND ({keys}) IN ({cell})",  # nosec B608
    ]


#: Changes to these response columns move an answer's counts.
def _watched() -> list[str]:
    codes = [code for code, _values in CHOICES]
    return ["place_id", "round_id", "submitted_on", "held", *codes, "age_band", "gender"]


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


#: A row of an imported file: the import counts its rows in grouped statements at the end
#: (``add_batch_sql``), in the same transaction, instead of one upsert per row.
_FILE_ROW = (
    "NEW.import_batch_id IS NOT NULL AND EXISTS (SELECT 1 FROM import_batch b"
    " WHERE b.id = NEW.import_batch_id AND b.kind = 'file')"
)


#: Bits of a 64-bit sum that an import's packed counts may fill: below the sign bit, one spare.
_WORD_BITS = 62


def _packed(rows: int) -> tuple[str, str]:
    """The wide counts of a file of ``rows`` answers as a few SUMs, and their reading back:
    a SUM per count (~120) was most of an import's counting, so counts share SUMs, each in a
    bit field that holds all the file's rows (as in analysis.packed; 1M rows: 3 a SUM)."""
    bits = max(1, rows.bit_length())
    per_word = max(1, _WORD_BITS // bits)
    sums, reads = [], []
    for word, start in enumerate(range(0, len(COUNT_COLUMNS), per_word)):
        fields = COUNT_COLUMNS[start : start + per_word]
        terms = " + ".join(
            _indicator("r", code, value, 1 << (i * bits))
            for i, (_name, code, value) in enumerate(fields)
        )
        sums.append(f"CAST(SUM({terms}) AS BIGINT) AS w{word}")
        reads += [f"((s.w{word} >> {i * bits}) & {(1 << bits) - 1})" for i in range(len(fields))]
    return ", ".join(sums), ", ".join(reads)


def add_batch_sql(dialect: str, rows: int, grains: Sequence[Grain] = GRAINS) -> list[str]:
    """The statements that count an imported file's answers (bound: ``:batch``), for a file
    of at most ``rows`` answers."""
    sums, reads = _packed(rows)
    statements = []
    for g in grains:
        cell = ", ".join(f"{part} AS k{i}" for i, part in enumerate(_cell_parts("r", g, dialect)))
        statements.append(
            f"{_wide_insert(g)} SELECT s.k0, s.k1, s.k2, s.k3, s.k4, s.answers, {reads}"  # nosec B608
            f" FROM (SELECT {cell}, count(*) AS answers, {sums} FROM response r"
            " WHERE r.import_batch_id = :batch AND NOT r.held GROUP BY 1, 2, 3, 4, 5) AS s"
            # SQLite needs a WHERE before an upsert's ON CONFLICT after a SELECT.
            f" WHERE true {_wide_upsert(g)}"
        )
    return statements


def trigger_ddl(dialect: str, grains: Sequence[Grain] = GRAINS) -> list[str]:
    """The statements that create the triggers keeping the counts of these grains
    (sqlite/postgresql); migration 0015 made them for the days only."""
    add_wide = [_wide_add("NEW", g, dialect) for g in grains]
    add_new = [*add_wide, *(_add("NEW", _item_entries("NEW.id"), g, dialect) for g in grains)]
    sub_old = [
        s
        for g in grains
        for s in (
            *_wide_subtract("OLD", g, dialect),
            *_subtract("OLD", _item_entries("OLD.id"), g, dialect),
        )
    ]
    item_add = [_item_add("NEW", g, dialect) for g in grains]
    item_sub = [s for g in grains for s in _item_subtract("OLD", g, dialect)]
    changed = _changed("OLD", "NEW", dialect)
    if dialect == "sqlite":

        def body(statements: list[str]) -> str:
            return "BEGIN " + " ".join(f"{s};" for s in statements) + " END"

        # SQLite triggers have no IF: an update is two triggers, each with its condition.
        return [
            "CREATE TRIGGER answer_count_response_insert AFTER INSERT ON response"
            f" WHEN NOT NEW.held AND NOT ({_FILE_ROW}) {body(add_wide)}",
            "CREATE TRIGGER answer_count_response_update AFTER UPDATE ON response"
            f" WHEN NOT OLD.held AND ({changed}) {body(sub_old)}",
            "CREATE TRIGGER answer_count_response_update_add AFTER UPDATE ON response"
            f" WHEN NOT NEW.held AND ({changed}) {body(add_new)}",
            # Before: an answer's item rows are still there (a cascade removes them after).
            "CREATE TRIGGER answer_count_response_delete BEFORE DELETE ON response"
            f" WHEN NOT OLD.held {body(sub_old)}",
            "CREATE TRIGGER answer_count_item_insert BEFORE INSERT ON item_answer"
            f" {body(item_add)}",
            "CREATE TRIGGER answer_count_item_delete BEFORE DELETE ON item_answer"
            f" {body(item_sub)}",
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
            guarded(f"NOT NEW.held AND NOT ({_FILE_ROW})", add_wide),
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
        function("answer_count_item_insert", item_add, "NEW"),
        "CREATE TRIGGER answer_count_item_insert BEFORE INSERT ON item_answer"
        " FOR EACH ROW EXECUTE FUNCTION answer_count_item_insert()",
        function("answer_count_item_delete", item_sub, "OLD"),
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


def _rebuild_days(dialect: str) -> list[str]:
    cell = _cell("r", DAY, dialect)
    joined = "FROM item_answer a JOIN response r ON r.id = a.response_id WHERE NOT r.held"
    value = "COALESCE(a.value, CAST(a.number AS VARCHAR(64)), '')"
    return [
        f"{_wide_insert(DAY)} SELECT {cell}, {_SUMS}"  # nosec B608
        " FROM response r WHERE NOT r.held GROUP BY 1, 2, 3, 4, 5",
        f"INSERT INTO {DAY.items} ({_columns(DAY)}) SELECT {cell}, a.code, {value}, count(*)"
        f" {joined} GROUP BY 1, 2, 3, 4, 5, 6, 7",
        f"INSERT INTO {DAY.items} ({_columns(DAY)})"
        f" SELECT {cell}, a.code, '*', count(DISTINCT r.id) {joined} GROUP BY 1, 2, 3, 4, 5, 6",
    ]


def _rebuild_from_days(g: Grain, dialect: str) -> list[str]:
    """Sum the day counts into the grain's periods (an answer counts in one day)."""
    period = g.of("d.day", dialect)
    cell = f"d.place_id, d.round_key, {period}, d.gender, d.age_band"
    sums = ", ".join(f"SUM(d.{n})" for n in _WIDE)
    return [
        f"{_wide_insert(g)} SELECT {cell}, {sums} FROM {DAY.wide} d GROUP BY 1, 2, 3, 4, 5",  # nosec B608
        f"INSERT INTO {g.items} ({_columns(g)}) SELECT {cell}, d.code, d.value, SUM(d.count)"  # nosec B608
        f" FROM {DAY.items} d GROUP BY 1, 2, 3, 4, 5, 6, 7",
    ]


def rebuild_sql(dialect: str, grains: Sequence[Grain] = GRAINS) -> list[str]:
    """Statements that recompute the counts of these grains: delete, then grouped inserts,
    the days from the answers, the others from the days (a repair, not a hot path)."""
    statements = [
        f"DELETE FROM {table}"  # nosec B608
        for g in grains
        for table in (g.wide, g.items)
    ]
    for g in grains:
        statements += _rebuild_days(dialect) if g == DAY else _rebuild_from_days(g, dialect)
    return statements
