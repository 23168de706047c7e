"""Invitation rounds in tests: the default round made "by invitation", codes made for it, and
the QR codes of printed letters read back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image

from survey.extensions import db
from survey.services.invitations import create_codes
from tests.common import factories
from tests.common.apps import SECRET_KEY


def invitation_round(app, area: str = "bromma", count: int = 3) -> tuple[int, list[str]]:
    """Make the default (open) round by invitation and ``count`` codes for ``area``."""
    with app.app_context():
        survey_round = factories.default_round()
        survey_round.by_invitation = True
        letters = create_codes(
            db.session, SECRET_KEY, survey_round, factories.find_area(area), count
        )
        db.session.commit()
        return survey_round.id, [letter.code for letter in letters]


def qr_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    """What the QR code on each page of a PDF says, read from the printed page (pdftoppm)."""
    tool = shutil.which("pdftoppm")
    assert tool, "pdftoppm (poppler-utils) is needed"
    source = tmp_path / "qr-pages.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603 (a fixed tool, our own file)
        [tool, "-r", "100", "-gray", "-png", str(source), str(tmp_path / "qr-page")], check=True
    )
    texts = []
    for page in sorted(tmp_path.glob("qr-page*.png")):
        [code] = zxingcpp.read_barcodes(Image.open(page))
        texts.append(code.text)
    return texts
