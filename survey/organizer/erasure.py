"""Admin: erase one resident's answer, found by the receipt code from its thank-you page."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, ValidationError

from ..db import checkpoint
from ..extensions import db, limiter
from ..models import Response
from ..services.erasure import erase_answer, find_by_receipt
from ..services.receipts import normalize_code
from . import admin_required, bp, menu_item

menu_item("organizer.erasure", _l("Erase an answer"), admin_only=True)

#: Codes that match no answer, per admin, before lookups get 429: typos are fine, guessing
#: is not (the lookup and the erasure share the count).
LOOKUP_LIMIT = "10 per hour"
NOT_FOUND = _l(
    "No answer has this receipt code. Check it for typing errors; an answer that has"
    " already been erased cannot be found either."
)
#: A page that holds a receipt code, even in a hidden field, is not kept in any cache.
NO_STORE = {"Cache-Control": "no-store"}


class ReceiptForm(FlaskForm):
    code = StringField(
        _l("Receipt code"),
        validators=[InputRequired(_l("Type the receipt code."))],
        description=_l(
            "10 letters and digits, like K7QM-4XTP-2B. Case, spaces and dashes do not matter."
        ),
    )

    def validate_code(self, field: StringField) -> None:
        self.normalized = normalize_code(field.data or "")
        if self.normalized is None:
            raise ValidationError(
                _l("A receipt code has 10 letters and digits, like K7QM-4XTP-2B.")
            )


def _missed(_response: object) -> bool:
    return bool(g.get("receipt_missed"))


def _admin_key() -> str:
    # Behind admin_required, so always a logged-in admin: count per account, not per address.
    return f"receipt-lookup:{current_user.get_id()}"


lookup_limit = limiter.shared_limit(
    LOOKUP_LIMIT,
    scope="receipt-lookup",
    key_func=_admin_key,
    methods=["POST"],
    deduct_when=_missed,
)


def _lookup(form: ReceiptForm) -> Response | None:
    """The answer the valid form's code belongs to; a field error if none."""
    response = find_by_receipt(db.session, form.normalized)
    if response is None:
        g.receipt_missed = True
        form.code.errors.append(NOT_FOUND)
    return response


def _page(form: ReceiptForm, found: Response | None = None) -> tuple[str, int, dict[str, Any]]:
    status = 422 if form.errors else 200
    return render_template("organizer/erasure.html", form=form, found=found), status, NO_STORE


@bp.route("/erasure", methods=["GET", "POST"])
@admin_required
@lookup_limit
def erasure():
    form = ReceiptForm()
    found = _lookup(form) if form.validate_on_submit() else None
    # The admin sees only that the code belongs to an answer: not its place, date or whether
    # it has a comment, which would let anyone holding the raw export find the requester's
    # row and words; the code alone identifies the answer.
    return _page(form, found)


@bp.post("/erasure/confirm")
@admin_required
@lookup_limit
def erasure_confirm():
    form = ReceiptForm()
    # The code again, not the answer's id: only whoever holds the code can have it erased.
    if not form.validate_on_submit() or (response := _lookup(form)) is None:
        return _page(form)
    erase_answer(db.session, response)
    db.session.commit()
    checkpoint(db.engine)  # the erased text leaves the -wal file too
    flash(_("The answer is erased."), "success")
    return redirect(url_for("organizer.erasure"), code=303)
