"""Erasure by the resident: the receipt code finds the answer, a second post erases it."""

from __future__ import annotations

import time

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from limits import RateLimitItem
from limits import parse as parse_limit
from werkzeug.exceptions import TooManyRequests

from ..db import checkpoint
from ..extensions import db, limiter
from ..models import Response as Answer
from ..services.erasure import erase_answer, find_by_receipt
from ..services.receipts import format_code, normalize_code
from ..web.limits import client_key, forget_answer
from ..web.meetings import survey_rate_limit
from .forms import EraseForm
from .views import RECEIPT_KEY, _receipt_code, bp

#: Codes that match no answer, per client, before /radera answers 429: typos are fine,
#: guessing is not (the two steps share the count). Only misses count, and only a miss is
#: checked against it: a code that matches an answer always passes, so no one can lock a
#: resident out by trying wrong codes from the same address.
ERASE_MISS_LIMIT = parse_limit("20 per 15 minutes")
#: A page that holds a receipt code, even in a form field, is not kept in any cache.
NO_STORE = {"Cache-Control": "no-store"}


def _code_matches() -> bool:
    """Whether the posted code belongs to an answer: such a post is never refused."""
    code = normalize_code(request.form.get("code", ""))
    return code is not None and find_by_receipt(db.session, code) is not None


def _post_limit_breached(limit: RequestLimit) -> None:
    # The Retry-After header is added after the error page is made; the page needs the wait.
    g.erase_wait = max(1, int(limit.reset_at - time.time()))


#: Against floods, as on the survey; a code that matches an answer is exempt from it too.
erase_post_limit = limiter.shared_limit(
    survey_rate_limit,
    scope="receipt-erase-posts",
    methods=["POST"],
    exempt_when=_code_matches,
    on_breach=_post_limit_breached,
)


def count_miss(limit: RateLimitItem, scope: str) -> None:
    """Count a code that matched nothing (/radera, /k); past the limit, 429 with the wait."""
    if not limiter.enabled:
        return
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    key = (prefix, scope, client_key())
    try:
        if limiter.limiter.hit(limit, *key):
            return
        reset_at = limiter.limiter.get_window_stats(limit, *key).reset_time
    except Exception:  # noqa: BLE001 (counters unreachable: a resident is never refused)
        return
    g.erase_throttled = True  # the 429 page says "too many wrong codes" and the wait
    g.erase_wait = max(1, int(reset_at - time.time()))
    raise TooManyRequests(retry_after=g.erase_wait)


def _find(form: EraseForm) -> Answer | None:
    """The answer the valid form's code belongs to; one clear field error if none."""
    found = find_by_receipt(db.session, form.normalized)
    if found is None:
        count_miss(ERASE_MISS_LIMIT, "receipt-erase-miss")
        form.code.errors.append(
            _(
                "No answer has this receipt code. Check it for typing errors; an answer"
                " that has already been deleted cannot be found either."
            )
        )
    return found


def _erase_page(form: EraseForm, template: str = "public/erase.html"):
    status = 422 if form.errors else 200
    # The code as the thank-you page showed it ("22H4-QC41-93"), however it was typed.
    shown = format_code(form.normalized) if getattr(form, "normalized", None) else None
    return render_template(template, form=form, shown_code=shown), status, NO_STORE


@bp.route("/radera", methods=["GET", "POST"])
@erase_post_limit
def erase():
    # Never filled in from the session: on a shared device the next person could delete
    # the previous resident's answer. The resident types or pastes the code.
    form = EraseForm()
    if form.validate_on_submit() and _find(form) is not None:
        return _erase_page(form, "public/erase_confirm.html")
    return _erase_page(form)


@bp.post("/radera/bekrafta")
@erase_post_limit
def erase_confirm():
    form = EraseForm()
    # The code again, not the answer's id: only whoever holds the code can have it erased.
    if not form.validate_on_submit() or (found := _find(form)) is None:
        return _erase_page(form)
    place_id, round_id = found.place_id, found.round_id
    erase_answer(db.session, found, by_resident=True)
    db.session.commit()
    checkpoint(db.engine)  # the erased text leaves the -wal file too
    if _receipt_code() == form.normalized:
        session.pop(RECEIPT_KEY, None)
    flash(_("Your answer is deleted for good."), "success")
    done = redirect(url_for("public.erase"), code=303)
    if round_id is not None:
        # This browser may answer about the place again in this round (if it sent the answer).
        forget_answer(done, place_id, round_id)
    return done
