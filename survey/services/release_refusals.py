"""Why a release is not made: the refusals of ``releases.publish`` (re-exported there)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

if TYPE_CHECKING:
    from ..models import Release


class PublishRefused(ValueError):
    """A release that cannot be made: an unknown area or round."""


class StalePreview(PublishRefused):
    """The data changed after the preview, so the release would not be what was previewed."""


class Unchanged(PublishRefused):
    """Nothing changed since the round's last release, whose figures it would show: none is
    made."""

    def __init__(self, previous: Release) -> None:
        super().__init__(
            f"nothing to publish: the public figures would be those of release {previous.id}"
            f" (number {previous.sequence} of its round)"
        )
        self.previous = previous


class Unresolved(PublishRefused):
    """The disclosure audit leaves hidden figures that can still be worked out (its
    ``unresolved``), even with their figures hidden everywhere: none is made."""

    def __init__(self, cells: list[str]) -> None:
        super().__init__(unresolved_text(cells))
        self.cells = cells


def unresolved_text(cells: list[str]) -> str:
    return _(
        "Publishing is stopped. Even with more figures hidden, some hidden figures can be worked"
        " out from this release together with the earlier ones (%(cells)s), which could give"
        " away what individual people answered. Nothing is published. Try again when more"
        " answers have come in.",
        cells=", ".join(cells),
    )
