"""Write situation pictures in the format asked for."""

from __future__ import annotations

import json
from typing import IO, Any

from .files import write_csv, write_xlsx
from .html import render_html
from .pdf import write_pdf


def write_pictures(pictures: list[dict[str, Any]], fmt: str, stream: IO[Any], locale: str) -> None:
    """JSON: one object for one area, a list for several; the rest as their writers say."""
    if fmt == "json":
        data: Any = pictures[0] if len(pictures) == 1 else pictures
        stream.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        write_csv(pictures, stream)
    elif fmt == "xlsx":
        write_xlsx(pictures, stream)
    elif fmt == "html":
        stream.write(render_html(pictures, locale))
    elif fmt == "pdf":
        write_pdf(pictures, stream, locale)
    else:
        raise ValueError(f"unknown format {fmt!r}")
