"""Hypothesis strategies for hostile request bodies and import files (used by test_fuzz)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

Pair = tuple[bytes, bytes]

#: Just under and well over the app's 64 KiB body limit.
HUGE_SIZES = st.sampled_from([1001, 5000, 65_000, 70_000])

#: Text a form field or a CSV cell might hold: control characters, other scripts, emoji.
ODD_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40
) | st.sampled_from(["", " ", "\x00", "a\x00b", "\r\n", "ä", "=1+1", "'; DROP TABLE x;--"])


def huge(unit: bytes) -> st.SearchStrategy[bytes]:
    return HUGE_SIZES.map(lambda n: (unit * n)[:n])


def value_bytes(choices: Sequence[str]) -> st.SearchStrategy[bytes]:
    """A field value: mostly a valid choice, else odd text, raw bytes or a huge value."""
    valid = st.sampled_from(list(choices) or [""]).map(str.encode)
    return st.one_of(
        valid,
        valid,
        ODD_TEXT.map(str.encode),
        st.binary(max_size=30),  # mostly invalid UTF-8
        st.sampled_from([b"x", "ä".encode(), b"\x00", b"\xff"]).flatmap(huge),
    )


@st.composite
def form_pairs(
    draw: st.DrawFn, fields: Mapping[str, Sequence[str]], base: Mapping[str, str | list[str]]
) -> list[Pair]:
    """Fields of a form: often a valid base, with fields dropped, repeated, added, reordered."""
    pairs: list[Pair] = []
    if draw(st.integers(0, 3)):  # three times in four: start from a valid submission
        for name, value in base.items():
            for one in value if isinstance(value, list) else [value]:
                pairs.append((name.encode(), one.encode()))
        dropped = draw(st.sets(st.integers(0, max(len(pairs) - 1, 0)), max_size=2))
        pairs = [pair for i, pair in enumerate(pairs) if i not in dropped]
    names = list(fields)
    key = st.one_of(
        st.sampled_from(names).map(str.encode),
        ODD_TEXT.map(str.encode),
        st.binary(max_size=10),
    )
    extra = draw(
        st.lists(
            key.flatmap(
                lambda k: st.tuples(
                    st.just(k), value_bytes(fields.get(k.decode(errors="replace"), ()))
                )
            ),
            max_size=6,
        )
    )
    pairs += extra
    if extra and draw(st.booleans()):
        pairs = draw(st.permutations(pairs))
    return pairs


@dataclass
class Body:
    data: bytes
    content_type: str | None
    #: The pairs the server will see as form fields (None: the body is not a parsed form).
    form: list[Pair] | None


def _urlencoded(pairs: list[Pair]) -> bytes:
    return b"&".join(
        quote_from_bytes(k, safe=b"").encode() + b"=" + quote_from_bytes(v, safe=b"").encode()
        for k, v in pairs
    )


def _multipart(pairs: list[Pair], files: set[int], boundary: bytes) -> bytes:
    out = io.BytesIO()
    for i, (key, value) in enumerate(pairs):
        out.write(b"--" + boundary + b'\r\nContent-Disposition: form-data; name="' + key + b'"')
        if i in files:
            out.write(b'; filename="x.txt"\r\nContent-Type: application/octet-stream')
        out.write(b"\r\n\r\n" + value + b"\r\n")
    out.write(b"--" + boundary + b"--\r\n")
    return out.getvalue()


def _safe_name(key: bytes) -> bool:
    # A name with a quote or line break makes a malformed part: fine to send, but then which
    # fields the server sees is not predictable here.
    return not any(c in key for c in b'"\r\n\\')


@st.composite
def bodies(
    draw: st.DrawFn, fields: Mapping[str, Sequence[str]], base: Mapping[str, str | list[str]]
) -> Body:
    """A request body in a random encoding and content type, most often a plausible form."""
    pairs = draw(form_pairs(fields, base))
    kind = draw(
        st.sampled_from(["urlencoded"] * 4 + ["multipart"] * 2 + ["raw", "json", "bare", "text"])
    )
    if kind == "urlencoded":
        charset = draw(st.sampled_from(["", "; charset=utf-8", "; charset=latin-1"]))
        return Body(_urlencoded(pairs), "application/x-www-form-urlencoded" + charset, pairs)
    if kind == "multipart":
        files = draw(st.sets(st.integers(0, max(len(pairs) - 1, 0)), max_size=2))
        boundary = b"fuzzBoundary" + str(draw(st.integers(0, 999))).encode()
        data = _multipart(pairs, files, boundary)
        if not all(_safe_name(k) and boundary not in v for k, v in pairs):
            form = None
        else:
            form = [pair for i, pair in enumerate(pairs) if i not in files]
        if draw(st.integers(0, 5)) == 0:  # the boundary left out of the header
            return Body(data, "multipart/form-data", None)
        return Body(data, f"multipart/form-data; boundary={boundary.decode()}", form)
    if kind == "json":
        document = {k.decode(errors="replace"): v.decode(errors="replace") for k, v in pairs}
        return Body(json.dumps(document).encode(), "application/json", None)
    if kind == "bare":  # a form body without any Content-Type
        return Body(_urlencoded(pairs), None, None)
    content_type = draw(
        st.sampled_from(
            [
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "text/plain",
                "application/octet-stream",
                "application/xml",
                "garbage/;;;=",
            ]
        )
    )
    if kind == "text":
        return Body(_urlencoded(pairs).replace(b"&", b"\n"), content_type, None)
    data = draw(st.binary(max_size=200) | huge(b"\xff"))
    form = None if content_type.startswith(("application/x-www", "multipart")) else []
    return Body(data, content_type, form)


def first_value(form: list[Pair] | None, name: str) -> bytes | None:
    """The value the server reads for a single-valued field: the first one sent."""
    for key, value in form or ():
        if key == name.encode():
            return value
    return None


# ---- import files ----------------------------------------------------------------------


def _csv_text(rows: list[list[str]], delimiter: str, newline: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue()


@st.composite
def csv_files(
    draw: st.DrawFn,
    columns: Sequence[str],
    cell_values: Mapping[str, st.SearchStrategy[str]],
    delimiters: str = ",",
) -> bytes:
    """A CSV file: a header of known and odd columns, rows of valid and odd cells, odd bytes."""
    header = draw(
        st.lists(st.sampled_from(list(columns)) | ODD_TEXT, min_size=1, max_size=12)
        | st.permutations(list(columns)).map(list)
    )
    odd_cell = ODD_TEXT | st.sampled_from(["x" * 2000, '"', "a;b;c", "  "])
    rows = draw(
        st.lists(
            st.tuples(*(cell_values.get(c, odd_cell) | odd_cell for c in header)).map(list)
            | st.lists(odd_cell, max_size=len(header) + 2),
            max_size=6,
        )
    )
    delimiter = draw(st.sampled_from(list(delimiters)))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    data = _csv_text([header, *rows], delimiter, newline).encode()
    damage = draw(st.sampled_from(["none"] * 5 + ["bom", "latin1", "junk", "cut", "empty"]))
    if damage == "bom":
        data = b"\xef\xbb\xbf" + data
    elif damage == "latin1":
        data = data.replace("ä".encode(), b"\xe4") + b"\xe4\n"
    elif damage == "junk":
        data = draw(st.binary(max_size=200))
    elif damage == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "empty":
        data = b""
    return data


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ODD_TEXT,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(ODD_TEXT, children, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def event_files(draw: st.DrawFn, locations: Sequence[str], datetimes: Sequence[str]) -> bytes:
    """A police event list: plausible events with odd values, or any JSON, or not JSON at all."""
    event = st.fixed_dictionaries(
        {
            "id": st.integers(0, 50) | ODD_TEXT | st.none(),
            "datetime": st.sampled_from(list(datetimes)) | ODD_TEXT | st.integers(),
            "name": ODD_TEXT,
            "type": st.sampled_from(["Stöld", "Misshandel", "Rån"]) | ODD_TEXT | st.integers(),
            "location": st.fixed_dictionaries(
                {"name": st.sampled_from(list(locations)) | ODD_TEXT, "gps": ODD_TEXT}
            )
            | JSON_VALUES,
        },
    )
    document = draw(
        st.lists(event | JSON_VALUES, max_size=6) | JSON_VALUES,
    )
    data = json.dumps(document, ensure_ascii=draw(st.booleans())).encode()
    damage = draw(st.sampled_from(["none"] * 6 + ["bom", "cut", "junk", "latin1"]))
    if damage == "bom":
        data = b"\xef\xbb\xbf" + data
    elif damage == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "junk":
        data = draw(st.binary(max_size=200))
    elif damage == "latin1":
        data = data.replace("ö".encode(), b"\xf6") + b"\xf6"
    return data
