"""Forms of the comments page: the filters (a GET form), adding and removing a topic tag."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from survey.services.comments import (
    PROBLEM_TOPICS,
    CommentFilters,
    FilterChoices,
    TagError,
    normalize_tag,
    topic_label,
)

#: Longest search text; a comment is at most 1000 characters.
MAX_SEARCH_LENGTH = 200
#: The query parameters of the filter form, kept in pagination links and redirects.
FILTER_KEYS = ("area", "place", "round", "date_from", "date_to", "tag", "q", "untagged")


def _optional_int(value: Any) -> Any:
    # "" is the "all" choice. Anything else that is no id stays as it is, matches no choice,
    # and so gets the plain "Not a valid choice" message.
    if value in (None, ""):
        return None
    return int(value) if str(value).isdecimal() else value


def _optional_str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _printable(value: str | None) -> str | None:
    # Control characters (NUL above all) cannot be searched for and PostgreSQL refuses NUL.
    if value is None:
        return None
    return "".join(c for c in value if c.isprintable() or c == " ").strip() or None


class CommentFilterForm(FlaskForm):
    """The filters above the comment list, sent as query parameters."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    area = SelectField(_l("Area"), coerce=_optional_int)
    place = SelectField(_l("Place"), coerce=_optional_int)
    round = SelectField(_l("Survey round"), coerce=_optional_int)
    date_from = DateField(_l("Date from"), validators=[Optional()])
    date_to = DateField(_l("Date to"), validators=[Optional()])
    tag = SelectField(_l("Topic"), coerce=_optional_str)
    q = StringField(
        _l("Text contains"),
        filters=[_printable],
        validators=[
            Optional(),
            Length(
                max=MAX_SEARCH_LENGTH,
                message=_l("Search for at most %(max)d characters.", max=MAX_SEARCH_LENGTH),
            ),
        ],
    )
    untagged = BooleanField(_l("Untagged only"))

    def __init__(self, formdata: Any, choices: FilterChoices, locale: str) -> None:
        super().__init__(formdata=formdata)
        self.area.choices = [("", _l("All areas"))] + [(a.id, a.name) for a in choices.areas]
        self.place.choices = [("", _l("All places"))] + [
            (p.id, f"{p.name} ({p.area.name})") for p in choices.places
        ]
        self.round.choices = [("", _l("All rounds"))] + [(r.id, r.name) for r in choices.rounds]
        self.tag.choices = (
            [("", _l("All topics"))]
            + [(key, topic_label(key, locale)) for key in PROBLEM_TOPICS]
            + [(tag, tag) for tag in choices.free_tags]
        )

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must not be before the start date."))

    def filters(self) -> CommentFilters:
        """The filters from the fields that are valid; a field in error filters nothing."""

        def value(field: Any) -> Any:
            return None if field.errors else field.data

        return CommentFilters(
            area_id=value(self.area),
            place_id=value(self.place),
            round_id=value(self.round),
            date_from=value(self.date_from),
            date_to=value(self.date_to),
            tag=value(self.tag),
            search=value(self.q),
            untagged=bool(value(self.untagged)),
        )


class TagForm(FlaskForm):
    """Add a problem topic, a free tag, or both, to one comment."""

    topic = SelectField(_l("Topic"))
    free_tag = StringField(_l("Or a tag of your own"))
    #: The list page (with its filters) to return to.
    next = HiddenField()

    def __init__(self, locale: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.topic.choices = [("", _l("Choose a topic"))] + [
            (key, topic_label(key, locale)) for key in PROBLEM_TOPICS
        ]
        self.normalized_tag: str | None = None

    def validate_free_tag(self, field: StringField) -> None:
        if not field.data or not field.data.strip():
            if not self.topic.data:
                raise ValidationError(_l("Choose a topic or type a tag."))
            return
        try:
            self.normalized_tag = normalize_tag(field.data)
        except TagError as exc:
            raise ValidationError(str(exc)) from exc

    def tags(self) -> list[str]:
        """The tags to add from a validated form, each once."""
        chosen = [self.topic.data or None, self.normalized_tag]
        return list(dict.fromkeys(tag for tag in chosen if tag))


class NextForm(FlaskForm):
    """A button-only form (removing a tag) that remembers the page to return to."""

    next = HiddenField()
