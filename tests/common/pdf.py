"""The area PDF report as text, read back with pypdf."""

from __future__ import annotations

import io

from flask import Flask
from pypdf import PdfReader

from analysis.survey import Filters
from survey.extensions import db
from survey.reports.pictures import build_pictures
from survey.reports.writers import write_pictures


def report_pages(app: Flask, lang: str, slug: str = "bromma", request_lang: str | None = None):
    """Each page's text of ``slug``'s PDF report in ``lang`` (as pypdf extracts it)."""
    with app.test_request_context(f"/?lang={request_lang or lang}"):
        with db.engine.connect() as conn:
            pictures = build_pictures(conn, [slug], Filters(), 10, locale=lang)
        out = io.BytesIO()
        write_pictures(pictures, "pdf", out, lang)
    return [page.extract_text() for page in PdfReader(io.BytesIO(out.getvalue())).pages]
