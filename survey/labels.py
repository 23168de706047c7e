"""Every translated name of a stored key: times, kinds, groups, statuses, roles, indicators.

Forms, pages, charts and the PDF read their names here, so a key reads the same everywhere
and a new language needs only a catalog. The tables hold lazy strings: they translate when
shown, in the language of that moment, so importing this module needs no request. Names that
are questionnaire data (the problems, the answer options) come from the questionnaire, in the
language asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


def N_(message: str) -> str:  # noqa: N802  (gettext's name for "mark for extraction only")
    """Mark a message for the catalog without translating it here."""
    return message


#: Times of day with their hours, in the order every form, table and chart shows them.
TIMES = {
    "day": _l("Daytime (06–15)"),
    "afternoon": _l("Afternoon (15–18)"),
    "evening": _l("Evening (18–22)"),
    "night": _l("Night (22–06)"),
}
DIALOGUE_KINDS = {
    "medborgardialog": _l("Citizen dialogue"),
    "samverkansmote": _l("Meeting with cooperation partners"),
    "medarbetardialog": _l("Staff dialogue"),
    "trygghetsvandring": _l("Safety walk"),
    "digital": _l("Digital dialogue"),
    "stand": _l("Stand"),
}
#: Who took part in a dialogue, as its participant counts are kept.
GROUPS = {
    "residents": _l("Residents"),
    "partners": _l("Partners"),
    "staff": _l("Police staff"),
}
#: How much an issue weighed in a dialogue, when no one counted.
WEIGHTS = {1: _l("1 – low"), 2: _l("2 – medium"), 3: _l("3 – high")}
ACTIVITY_KINDS = {
    "presence_patrol": _l("Presence patrol"),
    "alcohol_ban": _l("Alcohol-ban intervention"),
    "drug_intervention": _l("Drug intervention"),
    "traffic_check": _l("Traffic check"),
    "dialogue": _l("Dialogue or meeting"),
    "environment": _l("Physical environment (lighting, clearing, cleaning)"),
    "other": _l("Other"),
}
#: The follow-up of a promise and of each of its indicators (analysis.followup's statuses).
STATUSES = {
    "improved": _l("Improved"),
    # Never "unchanged": a change that may be chance can still be large (issue 15).
    "unchanged": _l("No confirmed change"),
    "worse": _l("Worse"),
    "not enough data": _l("Not enough data"),
}
#: Which way a share moved between two rounds (analysis.round_changes).
ROUND_DIRECTIONS = {
    "drop": _l("confirmed drop"),
    "rise": _l("confirmed rise"),
    "no clear change": _l("no confirmed change"),
    "not enough data": _l("Not enough data"),
    # Why (one round weighted, or by invitation) is said beside the table.
    "not comparable": _l("not comparable"),
}
ROLES = {"admin": _l("Administrator"), "organizer": _l("Organizer")}
#: The situation picture's shares besides the times and the problems.
SHARES = {
    "avoided": _l("Avoided the place out of worry (last 12 months)"),
    "worry_sometimes_or_often": _l("Worry sometimes or often about crime here"),
    "victim": _l("Victim of a crime here (last 12 months)"),
    "reported": _l("Of the victims: reported it to the police"),
    "police_cares": _l("Agree that the police care about local problems"),
}
#: The app's own default names, as seeded and configured (in Swedish), with their message ids:
#: while a name is unchanged it is shown in the reader's language. A name an admin gave or
#: changed is shown as it is: names are not translated.
DEFAULT_NAMES = {
    # seed.DEFAULT_ROUND_NAME
    "Löpande trygghetsmätning": N_("Ongoing safety survey"),
    # the police area in defaults/places.yaml
    "Lokalpolisområde Vällingby": N_("Vällingby local police area"),
    # config.TRYGGHET_CONTROLLER
    "Polisen, lokalpolisområde Vällingby": N_("The Swedish Police, Vällingby local police area"),
    # config.TRYGGHET_ASKED_BY
    "Polisen i lokalpolisområde Vällingby och Stockholms stad": N_(
        "The Swedish Police in Vällingby local police area and the City of Stockholm"
    ),
}
#: Trygghet's own crime categories (analysis/crime_categories.yaml), the stored key in
#: Swedish, with their message ids: shown in the reader's language. A category an admin or a
#: crime import added is shown as written.
CRIME_CATEGORIES = {
    "Misshandel": N_("Assault"),
    "Dödligt våld och försök": N_("Lethal violence and attempts"),
    "Skottlossning och sprängning": N_("Shootings and explosions"),
    "Bråk": N_("Fights and disturbances"),
    "Våld eller hot mot tjänsteman": N_("Violence or threats against a public official"),
    "Sexualbrott": N_("Sexual offences"),
    "Olaga hot och ofredande": N_("Unlawful threats and harassment"),
    "Rån": N_("Robbery"),
    "Stöld": N_("Theft"),
    "Inbrott": N_("Burglary"),
    "Fordonsstöld": N_("Vehicle theft"),
    "Skadegörelse": N_("Vandalism and criminal damage"),
    "Mordbrand": N_("Arson"),
    "Narkotikabrott": N_("Drug offences"),
    "Fylleri": N_("Public drunkenness"),
    "Alkohollagen": N_("Alcohol Act offences"),
    "Rattfylleri": N_("Drink-driving"),
    "Trafikbrott": N_("Traffic offences"),
    "Vapen och knivar": N_("Weapons and knives"),
    "Olaga intrång och hemfridsbrott": N_("Trespassing"),
    "Bedrägeri": N_("Fraud"),
    "Övriga brott": N_("Other offences"),
}
_PROBLEM = "problem_"


def display_name(name: str | None) -> str:
    """A stored or configured name to show: the app's own defaults in the reader's language.

    A language whose catalog lacks the name keeps the stored one (English is the source).
    """
    if not name:
        return ""
    return _translated(name, DEFAULT_NAMES.get(name.strip()))


def _translated(name: str, msgid: str | None) -> str:
    """The message in the reader's language; the stored name where the catalog lacks it."""
    if msgid is None:
        return name
    shown = _(msgid)
    if shown == msgid and str(get_locale()) != "en":
        return name
    return shown


def crime_category(name: str | None) -> str:
    """A crime category to show: Trygghet's own in the reader's language, any other as
    stored. A tag in front stays ("[DEMO] Misshandel": "[DEMO] Assault")."""
    if not name:
        return ""
    tag, space, rest = name.partition("] ")
    if name.startswith("[") and space and rest in CRIME_CATEGORIES:
        return tag + space + _translated(rest, CRIME_CATEGORIES[rest])
    return _translated(name, CRIME_CATEGORIES.get(name))


def survey_problems(locale: str) -> dict[str, str]:
    """Each problem the survey asks about, with the questionnaire's label in this language."""
    from .questionnaire import builtin, text  # parses YAML: not for commands that never ask

    return {
        item.code.removeprefix(_PROBLEM): text(item.label, locale)
        for item in builtin(1).items
        if item.code.startswith(_PROBLEM)
    }


def problems(locale: str) -> dict[str, str]:
    """Every problem key an issue may have: the survey's problems, then Other."""
    return survey_problems(locale) | {"other": _("Other")}


def indicator_name(indicator: Mapping[str, Any], locale: str) -> str:
    """What a promise's indicator measures, e.g. "Feel unsafe: Evening (18–22)"."""
    kind = indicator.get("kind")
    if kind == "unsafe_share":
        time = str(indicator.get("time"))
        return _("Feel unsafe: %(time)s", time=TIMES.get(time, time))
    if kind == "problem_share":
        key = str(indicator.get("problem"))
        return _("See a big problem: %(problem)s", problem=problems(locale).get(key, key))
    if kind == "crime":
        category = crime_category(str(indicator.get("category") or ""))
        return _("Reported crimes: %(category)s", category=category)
    return str(kind)
