"""The disclosure audit of a release, with the added questionnaire items' cells modelled."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from .disclosure_audit import audit_release
from .disclosure_items import embed_items, strip_items


def audit_with_items(
    picture: dict[str, Any], earlier: Sequence[dict[str, Any]], threshold: int, min_width: float
) -> dict[str, Any]:
    """``disclosure_audit.audit_release`` with each added item's cells as figures of its units.

    The earlier releases are copied; the picture gets back the form it came in, with the
    audit's hidden cells hidden in ``items`` too.
    """
    earlier = [copy.deepcopy(release) for release in earlier]
    for release in [*earlier, picture]:
        embed_items(release)
    try:
        return audit_release(picture, earlier, threshold, min_width)
    finally:
        strip_items(picture)
