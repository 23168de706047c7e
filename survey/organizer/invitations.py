"""An invitation round's letters: make codes and download their letters, reminders, numbers.

The letters PDF is the response to the form that makes the codes: the codes exist in clear only
in it. An address file uploaded with it is read in memory for printing and kept nowhere.
"""

from __future__ import annotations

import csv
import io
import re

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import LazyString, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired, ValidationError

from ..extensions import db
from ..i18n import format_number, language_links, questionnaire_languages
from ..imports.addresses import Address, AddressError, read_addresses
from ..models import SurveyRound
from ..reports.letters import code_url, sender_for, write_letters, write_reminders
from ..services.invitations import (
    MAX_COUNT,
    MAX_NUMBER,
    InvitationError,
    code_counts,
    create_codes,
    invitation_area,
    reseal,
    unused_numbers,
    withdraw_codes,
)
from ..services.responses import live_questionnaire
from ..web.fields import INVALID_CHOICE, REQUIRED, WholeNumberField, in_range
from . import admin_required, bp, organizer_required

#: Letters in one download. The PDF is the answer to the form's own request, which must be done
#: well before a proxy in front of the app gives up (often after 60 s). bench/letters.py, on a
#: shared 2-core machine at load 7: 290 Swedish and 81 Arabic letters a second (wall), so 3,000
#: take 10 and 37 s. More (up to MAX_COUNT at once) with `trygghet invitations create`.
LETTERS_PER_DOWNLOAD = 3_000


def _per_download(_form: FlaskForm, field: WholeNumberField) -> None:
    """From 1 to LETTERS_PER_DOWNLOAD, saying how to make more."""
    if field.data is not None and not 1 <= field.data <= LETTERS_PER_DOWNLOAD:
        raise ValidationError(
            _(
                "Enter a number from 1 to %(max)s: at most %(max)s letters a download, so that"
                " the file is ready in time. For more, make several batches: each goes on from"
                " the last letter number.",
                max=format_number(LETTERS_PER_DOWNLOAD),
            )
        )


class LettersForm(FlaskForm):
    area = SelectField(_l("Area"), validators=[InputRequired(REQUIRED)])
    count = WholeNumberField(
        _l("Number of letters"),
        validators=[InputRequired(REQUIRED), _per_download],
        description=LazyString(
            lambda: _(
                "One code per letter, numbered after the letters made before. At most"
                " %(max)s a download: several batches make more.",
                max=format_number(LETTERS_PER_DOWNLOAD),
            )
        ),
    )
    lang = SelectField(_l("Language of the letters"))
    addresses = FileField(
        _l("Address file (optional)"),
        description=_l(
            "CSV with the columns name, street, postcode and city, one row per letter. It is"
            " only read to print the letters: it is not saved."
        ),
    )


class RemindersForm(FlaskForm):
    area = SelectField(_l("Area"), validators=[InputRequired(REQUIRED)])
    lang = SelectField(_l("Language of the letters"))
    addresses = FileField(
        _l("Address file with letter numbers (optional)"),
        description=_l(
            "CSV with the columns number, name, street, postcode and city. It is only read to"
            " print the reminders: it is not saved."
        ),
    )


class WithdrawForm(FlaskForm):
    area = SelectField(_l("Area"), validators=[InputRequired(REQUIRED)])
    first = WholeNumberField(
        _l("From letter number"), validators=[InputRequired(REQUIRED), in_range(1, MAX_NUMBER)]
    )
    last = WholeNumberField(
        _l("To letter number"), validators=[InputRequired(REQUIRED), in_range(1, MAX_NUMBER)]
    )


def _with_areas(form, survey_round: SurveyRound):
    form.area.choices = [SelectChoice(a.slug, a.name) for a in survey_round.areas]
    form.area.invalid_choice_message = INVALID_CHOICE
    if not hasattr(form, "lang"):
        return form
    # Every interface language, each in its own name; Arabic and Persian print right to left.
    form.lang.choices = [SelectChoice(code, name) for code, name in language_links()]
    form.lang.invalid_choice_message = INVALID_CHOICE
    return form


def _page(
    survey_round: SurveyRound, letters=None, reminders=None, withdraw=None, status: int = 200
):
    letters = letters or _with_areas(LettersForm(formdata=None), survey_round)
    reminders = reminders or _with_areas(RemindersForm(formdata=None), survey_round)
    withdraw = withdraw or _with_areas(WithdrawForm(formdata=None), survey_round)
    if not letters.lang.data:
        shown = str(get_locale())
        offered = [choice.value for choice in letters.lang.choices]
        letters.lang.data = reminders.lang.data = shown if shown in offered else "sv"
    return render_template(
        "organizer/invitations.html",
        survey_round=survey_round,
        counts=code_counts(db.session, survey_round),
        letters=letters,
        reminders=reminders,
        withdraw=withdraw,
        base_url=current_app.config.get("TRYGGHET_BASE_URL"),
    ), status


def _no_base_url(survey_round: SurveyRound):
    """The page saying why, where letters would print the address this page is browsed by
    (a test server's 127.0.0.1:8000, an internal name): mailed, they would lead nowhere.
    ``trygghet invitations letters`` refuses the same way."""
    if current_app.config.get("TRYGGHET_BASE_URL"):
        return None
    return _page(survey_round, status=409)


#: The cookie that tells the page's script its download has come (the form's random token):
#: the page then loads itself again, showing what was made. Not HttpOnly: the script reads it.
DOWNLOAD_COOKIE = "trygghet-download"
DOWNLOAD_TOKEN = re.compile(r"[A-Za-z0-9]{8,32}")


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The letters hold codes in clear: no cache on the way may keep them.
    response.headers["Cache-Control"] = "no-store"
    token = request.form.get("download", "")
    if DOWNLOAD_TOKEN.fullmatch(token):
        response.set_cookie(
            DOWNLOAD_COOKIE,
            token,
            max_age=300,
            path="/organizer/",
            secure=request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=False,  # read by the page's script: a random token, no secret
            samesite="Lax",
        )
    return response


def _addresses(form, limit: int, need_numbers: bool) -> list[Address] | None:
    upload = form.addresses.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    try:
        return read_addresses(upload.read(), limit, need_numbers=need_numbers)
    finally:
        upload.close()


def _sender(survey_round: SurveyRound, area, lang: str):
    languages = sorted(questionnaire_languages(live_questionnaire(db.session)))
    return sender_for(survey_round, area.name, languages, lang)


@bp.get("/rounds/<int:round_id>/invitations")
@organizer_required
def invitations(round_id: int):
    return _page(db.get_or_404(SurveyRound, round_id))


@bp.post("/rounds/<int:round_id>/invitations/letters")
@admin_required
def invitation_letters(round_id: int):
    survey_round = db.get_or_404(SurveyRound, round_id)
    if (refused := _no_base_url(survey_round)) is not None:
        return refused
    form = _with_areas(LettersForm(), survey_round)
    if not form.validate_on_submit():
        return _page(survey_round, letters=form, status=422)
    try:
        area = invitation_area(db.session, survey_round, form.area.data)
        addresses = _addresses(form, form.count.data, need_numbers=False)
        if addresses is not None and len(addresses) != form.count.data:
            raise AddressError(
                [
                    _(
                        "Letters asked for: %(count)d; addresses in the file: %(n)d. Each"
                        " address gets one letter: change the number or the file.",
                        n=len(addresses),
                        count=form.count.data,
                    )
                ]
            )
        letters = create_codes(
            db.session, current_app.config["SECRET_KEY"], survey_round, area, form.count.data
        )
        out = io.BytesIO()
        write_letters(
            _sender(survey_round, area, form.lang.data),
            letters,
            code_url,
            out,
            addresses,
            form.lang.data,
        )
    except AddressError as exc:
        db.session.rollback()
        form.addresses.errors = list(exc.problems)
        return _page(survey_round, letters=form, status=422)
    except InvitationError as exc:
        db.session.rollback()
        form.area.errors = [str(exc)]
        return _page(survey_round, letters=form, status=422)
    db.session.commit()
    first, last = letters[0].number, letters[-1].number
    filename = f"inbjudningar-{area.slug}-{first}-{last}.pdf"
    # Shown on the next page this browser loads (at once with JavaScript): a second click
    # on the button would make a second batch of codes.
    flash(
        ngettext(
            "Letter %(first)d for %(area)s is made and downloaded (%(file)s). Made twice by"
            " mistake? Withdraw it below before it is mailed.",
            "Letters %(first)d–%(last)d for %(area)s are made and downloaded (%(file)s). Made"
            " twice by mistake? Withdraw them below before they are mailed.",
            len(letters),
            first=first,
            last=last,
            area=area.name,
            file=filename,
        ),
        "success",
    )
    return _pdf(out.getvalue(), filename)


@bp.post("/rounds/<int:round_id>/invitations/reminders")
@organizer_required
def invitation_reminders(round_id: int):
    survey_round = db.get_or_404(SurveyRound, round_id)
    if (refused := _no_base_url(survey_round)) is not None:
        return refused
    form = _with_areas(RemindersForm(), survey_round)
    if not form.validate_on_submit():
        return _page(survey_round, reminders=form, status=422)
    try:
        area = invitation_area(db.session, survey_round, form.area.data)
        numbers = unused_numbers(db.session, survey_round.id, area.id)
        addresses = _addresses(form, MAX_COUNT, need_numbers=True)
        by_number = {a.number: a for a in addresses if a.number} if addresses else None
        if by_number is not None and (missing := [n for n in numbers if n not in by_number]):
            raise AddressError(
                [
                    _(
                        "no address for %(k)d unused letter numbers: %(numbers)s",
                        k=len(missing),
                        numbers=", ".join(str(n) for n in missing[:10]),
                    )
                ]
            )
        out = io.BytesIO()
        write_reminders(
            _sender(survey_round, area, form.lang.data), numbers, out, by_number, form.lang.data
        )
    except AddressError as exc:
        form.addresses.errors = list(exc.problems)
        return _page(survey_round, reminders=form, status=422)
    except InvitationError as exc:
        form.area.errors = [str(exc)]
        return _page(survey_round, reminders=form, status=422)
    reseal(db.session, survey_round.id)
    db.session.commit()
    filename = f"paminnelser-{area.slug}.pdf"
    flash(
        ngettext(
            "%(num)d reminder for %(area)s is downloaded (%(file)s).",
            "%(num)d reminders for %(area)s are downloaded (%(file)s).",
            len(numbers),
            area=area.name,
            file=filename,
        ),
        "success",
    )
    return _pdf(out.getvalue(), filename)


@bp.post("/rounds/<int:round_id>/invitations/withdraw")
@admin_required
def invitation_withdraw(round_id: int):
    survey_round = db.get_or_404(SurveyRound, round_id)
    form = _with_areas(WithdrawForm(), survey_round)
    if not form.validate_on_submit():
        return _page(survey_round, withdraw=form, status=422)
    try:
        area = invitation_area(db.session, survey_round, form.area.data)
    except InvitationError as exc:
        form.area.errors = [str(exc)]
        return _page(survey_round, withdraw=form, status=422)
    try:
        withdrawn = withdraw_codes(db.session, survey_round, area, form.first.data, form.last.data)
    except InvitationError as exc:
        db.session.rollback()
        form.last.errors = [str(exc)]
        return _page(survey_round, withdraw=form, status=422)
    db.session.commit()
    flash(
        ngettext(
            "%(num)d letter withdrawn in %(area)s (numbers %(first)d–%(last)d): its code no"
            " longer works, and it no longer counts among the letters sent.",
            "%(num)d letters withdrawn in %(area)s (numbers %(first)d–%(last)d): their codes no"
            " longer work, and they no longer count among the letters sent.",
            withdrawn,
            area=area.name,
            first=form.first.data,
            last=form.last.data,
        ),
        "success",
    )
    return redirect(url_for("organizer.invitations", round_id=round_id), code=303)


@bp.get("/rounds/<int:round_id>/invitations/unused.csv")
@organizer_required
def invitation_unused(round_id: int):
    survey_round = db.get_or_404(SurveyRound, round_id)
    try:
        area = invitation_area(db.session, survey_round, request.args.get("area", ""))
    except InvitationError as exc:
        return Response(str(exc) + "\n", status=400, content_type="text/plain; charset=utf-8")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["round", "area", "number"])
    writer.writerows(
        [survey_round.id, area.slug, n]
        for n in unused_numbers(db.session, survey_round.id, area.id)
    )
    response = Response(out.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="ej-besvarade-{area.slug}-{survey_round.id}.csv"'
    )
    return response
