"""The disclosure audit of a release, with the added questionnaire items' cells modelled."""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from .disclosure_audit import audit_release
from .disclosure_items import embed_items, strip_items

#: Audits done lately, by a hash of everything they read: the preview and the "Publicera"
#: after it audit the same figures, and the audit gives the same answer for the same figures.
_DONE: OrderedDict[str, tuple[dict[str, Any], dict[str, Any]]] = OrderedDict()
_KEEP = 8
#: A server's threads share the cache: one at a time reads or changes it.
_DONE_LOCK = threading.Lock()


def fingerprint(
    picture: dict[str, Any], earlier: Sequence[dict[str, Any]], threshold: int, min_width: float
) -> str:
    """A hash of exactly what the audit reads: the picture, the earlier releases, the rule."""
    text = json.dumps([picture, list(earlier), threshold, min_width], sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def audit_with_items(
    picture: dict[str, Any], earlier: Sequence[dict[str, Any]], threshold: int, min_width: float
) -> dict[str, Any]:
    """``disclosure_audit.audit_release`` with each added item's cells as figures of its units.

    The earlier releases are copied; the picture gets back the form it came in, with the
    audit's hidden cells hidden in ``items`` too. The same figures audited lately (a preview,
    then publishing it) get that audit's result again, marked ``reused``.
    """
    key = fingerprint(picture, earlier, threshold, min_width)
    with _DONE_LOCK:
        done = _DONE.get(key)
    if done is not None:
        audited, summary = copy.deepcopy(done)
        picture.clear()
        picture.update(audited)
        return summary | {"reused": True}
    earlier = [copy.deepcopy(release) for release in earlier]
    for release in [*earlier, picture]:
        embed_items(release)
    try:
        summary = audit_release(picture, earlier, threshold, min_width)
    finally:
        strip_items(picture)
    kept = copy.deepcopy((picture, summary))
    with _DONE_LOCK:
        _DONE[key] = kept
        while len(_DONE) > _KEEP:  # the oldest first
            _DONE.popitem(last=False)
    return summary
