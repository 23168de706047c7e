"""Residents' free-text comments: a filtered list, topic tags, and counts by topic."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from survey.db import or_404
from survey.extensions import db
from survey.services.comments import (
    TagError,
    add_tag,
    comment_by_ref,
    comment_page,
    comment_ref,
    filter_choices,
    normalize_tag,
    remove_tag,
    topic_counts,
    topic_label,
)

from .. import admin_required, bp, menu_item, organizer_required
from ..auth.views import safe_next
from .forms import FILTER_KEYS, CommentFilterForm, NextForm, TagForm

menu_item("organizer.comments", _l("Comments"))


def _filter_args() -> dict[str, str]:
    """The filter parameters of this request that are set, to keep in links."""
    return {key: request.args[key] for key in FILTER_KEYS if request.args.get(key)}


def _list_url(page: int = 1, **changes: Any) -> str:
    args: dict[str, Any] = _filter_args() | changes
    args = {key: value for key, value in args.items() if value not in (None, "")}
    if page > 1:
        args["page"] = page
    return url_for("organizer.comments", **args)


def _page_number() -> int:
    page = request.args.get("page", "1")
    return min(int(page), 10**6) if page.isdecimal() else 1


def _ref(response_id: int) -> str:
    return comment_ref(current_app.config["SECRET_KEY"], response_id)


def _comment(ref: str):
    return or_404(comment_by_ref(db.session, current_app.config["SECRET_KEY"], ref))


def _tag_form(ref: str, locale: str, **kwargs: Any) -> TagForm:
    # One form per comment on the page: the prefix keeps field names and ids apart.
    return TagForm(locale, prefix=f"tag-{ref}", **kwargs)


def _back_to_list(target: str | None, ref: str):
    path = safe_next(target) or url_for("organizer.comments")
    return redirect(path.split("#", 1)[0] + f"#comment-{ref}", code=303)


@bp.get("/comments")
@organizer_required
def comments():
    locale = str(get_locale())
    form = CommentFilterForm(request.args, filter_choices(db.session), locale)
    valid = form.validate()
    filters = form.filters()
    # Comment text is for admins only: an organizer sees how many comments there are per
    # topic, not what they say, and cannot search the text (counts of matches would spell
    # it out).
    reader = current_user.is_admin
    if not reader:
        filters = dataclasses.replace(filters, search=None)
    page = comment_page(db.session, filters, _page_number()) if reader else None
    counts, untagged = topic_counts(db.session, filters)
    here = _list_url(page.page if page else 1)
    return render_template(
        "organizer/comments/list.html",
        form=form,
        page=page,
        counts=counts,
        untagged=untagged,
        tag_forms={c.id: _tag_form(_ref(c.id), locale, next=here) for c in page.comments}
        if page
        else {},
        ref=_ref,
        remove_form=NextForm(next=here),
        label=lambda tag: topic_label(tag, locale),
        list_url=_list_url,
    ), (200 if valid else 422)


@bp.post("/comments/<ref>/tags")
@admin_required
def add_comment_tag(ref: str):
    response = _comment(ref)
    locale = str(get_locale())
    form = _tag_form(ref, locale)
    if not form.validate_on_submit():
        back = safe_next(form.next.data) or url_for("organizer.comments")
        return render_template(
            "organizer/comments/tag.html",
            response=response,
            form=form,
            back=back,
            label=lambda tag: topic_label(tag, locale),
            ref=_ref,
        ), 422
    messages = []
    try:
        for tag in form.tags():
            label = topic_label(tag, locale)
            if add_tag(db.session, response, tag):
                messages.append((_("Tagged the comment with %(tag)s.", tag=label), "success"))
            else:
                messages.append((_("The comment already has the tag %(tag)s.", tag=label), "info"))
        db.session.commit()
    except IntegrityError:
        # Someone added the same tag at the same moment: nothing of this request is stored.
        db.session.rollback()
        messages = [(_("The comment was tagged by someone else at the same time."), "info")]
    for message, category in messages:
        flash(message, category)
    return _back_to_list(form.next.data, ref)


@bp.post("/comments/<ref>/tags/<tag>/delete")
@admin_required
def remove_comment_tag(ref: str, tag: str):
    response = _comment(ref)
    form = NextForm()
    try:
        removed = remove_tag(db.session, response, normalize_tag(tag))
    except TagError:
        removed = False  # not a tag at all, so certainly not on this comment
    label = topic_label(tag, str(get_locale()))
    if removed:
        db.session.commit()
        flash(_("Removed the tag %(tag)s.", tag=label), "success")
    else:
        flash(_("The comment does not have the tag %(tag)s.", tag=label), "info")
    return _back_to_list(form.next.data, ref)
