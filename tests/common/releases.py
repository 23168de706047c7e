"""Publishing in tests: the public side serves releases only, so tests publish first."""

from __future__ import annotations

from typing import Any

from flask import Flask

from survey import clock
from survey.extensions import db
from survey.services import releases


def publish(app: Flask, area: str = "bromma", round_id: int | None = None, **kwargs: Any) -> int:
    """Publish a release of the area (and round) as the CLI does; its id."""
    with app.app_context():
        release = releases.publish(
            db.session,
            area,
            round_id,
            app.config["TRYGGHET_SUPPRESS_BELOW"],
            clock.today(),
            **kwargs,
        )
        db.session.commit()
        return release.id
