"""The invented scenario behind ``trygghet demo``: places' profiles, dialogues, crime, promises.

Every figure here is made up. The patterns are chosen so that each part of the situation
picture has something to show: Brommaplan and Vällingby centrum feel unsafe in the evening
and at night, with public drinking at Brommaplan and drug dealing at Vällingby centrum; some
places get so few answers that they are suppressed; one crime category jumps in a recent month;
and the Brommaplan promise is followed by a clear drop in evening unsafety.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Put in front of every text the demo writes, so nobody mistakes it for real data.
DEMO = "[DEMO]"


@dataclass(frozen=True)
class Profile:
    """How residents answer about a place: unsafe chance per time, mean problem level 0-4."""

    unsafe: dict[str, float]
    problems: dict[str, float] = field(default_factory=dict)
    #: Police priorities residents tend to choose there, most often first.
    priorities: tuple[str, ...] = ("presence",)


QUIET = {"day": 0.03, "afternoon": 0.05, "evening": 0.14, "night": 0.25}
#: The level of a problem not named in a profile.
PROBLEM_BASE = {
    "alcohol": 0.9,
    "drug_dealing": 0.5,
    "drug_use": 0.6,
    "groups": 0.9,
    "harassment": 0.6,
    "violence": 0.5,
    "theft": 1.0,
    "vandalism": 1.1,
    "litter": 1.4,
    "lighting": 1.1,
    "traffic": 1.2,
}

PROFILES: dict[str, Profile] = {
    "brommaplan": Profile(
        {"day": 0.07, "afternoon": 0.14, "evening": 0.55, "night": 0.66},
        {"alcohol": 2.8, "groups": 2.3, "drug_use": 1.6, "litter": 2.2, "harassment": 1.4},
        ("presence", "alcohol", "youth"),
    ),
    "alvik": Profile(
        {"day": 0.04, "afternoon": 0.07, "evening": 0.24, "night": 0.38},
        {"traffic": 2.6, "theft": 1.9},
        ("traffic", "presence"),
    ),
    "abrahamsberg": Profile(QUIET, {"lighting": 1.8}),
    "islandstorget": Profile(QUIET, {"vandalism": 1.9}, ("youth", "presence")),
    "stora-mossen": Profile(QUIET, {"traffic": 1.7}, ("traffic",)),
    "akeshov": Profile(QUIET, {"lighting": 2.1}),
    "nockeby": Profile(QUIET),
    "angbyplan": Profile(QUIET),
    "vallingby-centrum": Profile(
        {"day": 0.08, "afternoon": 0.18, "evening": 0.5, "night": 0.62},
        {"drug_dealing": 2.8, "drug_use": 2.3, "groups": 2.3, "violence": 1.6, "theft": 2.0},
        ("drugs", "presence", "youth"),
    ),
    "hasselby-gard": Profile(
        {"day": 0.05, "afternoon": 0.1, "evening": 0.34, "night": 0.46},
        {"vandalism": 2.3, "groups": 2.0, "lighting": 1.8},
        ("youth", "presence"),
    ),
    "hasselby-strand": Profile(QUIET, {"litter": 1.9}),
    "blackeberg": Profile(QUIET, {"lighting": 1.7}),
    "racksta": Profile(QUIET),
    "johannelund": Profile(QUIET),
    "ekero-centrum": Profile(
        {"day": 0.03, "afternoon": 0.06, "evening": 0.16, "night": 0.28},
        {"traffic": 2.8, "lighting": 2.2},
        ("traffic", "presence"),
    ),
    "stenhamra": Profile(QUIET, {"traffic": 1.8}),
    "drottningholm": Profile(QUIET),
}

#: What changed by the second round: the Brommaplan promise worked in the evening and night.
AFTER_PROMISE: dict[str, Profile] = {
    "brommaplan": Profile(
        {"day": 0.06, "afternoon": 0.12, "evening": 0.3, "night": 0.44},
        {"alcohol": 1.7, "groups": 1.7, "drug_use": 1.5, "litter": 2.0, "harassment": 1.2},
        ("presence", "alcohol", "youth"),
    ),
}

#: Places with so few answers (both rounds together under the default threshold of 10) that
#: their figures are suppressed; two per area, so that together they are not too few either.
FEW_ANSWERS = {
    "nockeby": 8,
    "angbyplan": 9,
    "johannelund": 9,
    "racksta": 8,
    "stenhamra": 9,
    "drottningholm": 7,
}
#: The other places share the remaining answers in these proportions.
SHARES = {
    "brommaplan": 18,
    "alvik": 10,
    "abrahamsberg": 5,
    "islandstorget": 5,
    "stora-mossen": 4,
    "akeshov": 4,
    "vallingby-centrum": 20,
    "hasselby-gard": 8,
    "hasselby-strand": 6,
    "blackeberg": 6,
    "ekero-centrum": 8,
}

COMMENTS = (
    "Syntetisk kommentar: bättre belysning vid gångvägen skulle kännas tryggare.",
    "Syntetisk kommentar: det är ofta mycket folk som dricker på torget på kvällen.",
    "Syntetisk kommentar: fler papperskorgar vid busshållplatsen, tack.",
    "Syntetisk kommentar: jag går en omväg hem när det är mörkt.",
    "Syntetisk kommentar: bra att polisen syns mer här på sistone.",
    "Syntetisk kommentar: cyklar blir stulna vid stationen.",
    "Syntetisk kommentar: bilarna kör för fort förbi skolan.",
    "Syntetisk kommentar: trevligt område på dagen.",
)
#: The problem each comment is tagged with (None: no tag).
COMMENT_TAGS = ("lighting", "alcohol", "litter", None, None, "theft", "traffic", None)

#: Monthly crime counts per area and category at the start of the five years (invented).
CRIME_BASE: dict[str, dict[str, float]] = {
    "bromma": {
        "Misshandel": 12,
        "Narkotikabrott": 8,
        "Skadegörelse": 15,
        "Stöld": 40,
        "Brott mot ordningsföreskrift (alkohol)": 6,
    },
    "hasselby-vallingby": {
        "Misshandel": 18,
        "Narkotikabrott": 13,
        "Skadegörelse": 20,
        "Stöld": 45,
        "Brott mot ordningsföreskrift (alkohol)": 5,
    },
    "ekero": {"Misshandel": 3, "Narkotikabrott": 2, "Skadegörelse": 5, "Stöld": 12},
}
#: The one clear deviation: this area and category, two months ago, this many times expected.
DEVIATION = ("hasselby-vallingby", "Narkotikabrott", 2.4)
#: During the Brommaplan promise, assaults in Bromma fall to this share of the usual.
PROMISE_CRIME_EFFECT = ("bromma", "Misshandel", 0.75)


@dataclass(frozen=True)
class Issue:
    """An issue raised in a dialogue (a stop, on a safety walk)."""

    place: str | None
    problem: str
    times: str | None
    raised_by: int | None = None
    weight: int | None = None
    quote: str | None = None
    measure: str | None = None


@dataclass(frozen=True)
class DialogueScript:
    area: str
    place: str | None
    kind: str
    #: Months before the current one, and the day of that month.
    months_ago: int
    day: int
    residents: int
    partners: int
    staff: int
    organizer: str
    notes: str
    issues: tuple[Issue, ...]


DIALOGUES = (
    DialogueScript(
        "bromma", "brommaplan", "medborgardialog", 11, 12, 24, 2, 3,
        "Kommunpolis Bromma", "Medborgardialog i biblioteket vid Brommaplan.",
        (
            Issue("brommaplan", "alcohol", "evening;night", raised_by=9,
                  quote="Det dricks mycket på torget på kvällarna."),
            Issue("brommaplan", "groups", "evening", raised_by=5,
                  quote="Stora grupper samlas vid tunnelbaneuppgången."),
            Issue("alvik", "traffic", "afternoon", raised_by=4),
            Issue("alvik", "theft", "day", raised_by=3, quote="Cykelstölder vid stationen."),
        ),
    ),
    DialogueScript(
        "bromma", None, "samverkansmote", 10, 3, 0, 8, 2,
        "Samverkansgruppen Bromma", "Kommun, bostadsbolag och centrumägare.",
        (
            Issue("brommaplan", "alcohol", "evening", weight=3,
                  measure="Kommunen ser över alkoholförbudet i ordningsföreskrifterna."),
            Issue("brommaplan", "litter", "day", weight=2, measure="Fler städrundor."),
        ),
    ),
    DialogueScript(
        "bromma", None, "medarbetardialog", 10, 20, 0, 0, 14,
        "Områdespolisen Bromma", "Medarbetardialog på polisstationen.",
        (
            Issue("brommaplan", "alcohol", "night", weight=3),
            Issue("brommaplan", "drug_use", "evening", weight=2),
            Issue("islandstorget", "vandalism", "night", weight=1),
        ),
    ),
    DialogueScript(
        "bromma", "brommaplan", "trygghetsvandring", 9, 8, 11, 4, 2,
        "Kommunpolis Bromma och stadsdelsförvaltningen", "Trygghetsvandring, fyra stopp.",
        (
            Issue("brommaplan", "lighting", "evening;night", raised_by=7,
                  quote="Stopp 1: mörk passage mot tunnelbanan.",
                  measure="Ny belysning i passagen."),
            Issue("brommaplan", "alcohol", "evening", raised_by=8,
                  quote="Stopp 2: bänkarna vid torget."),
            Issue("akeshov", "lighting", "night", raised_by=4, quote="Stopp 3: gångvägen."),
            Issue("brommaplan", "groups", "night", raised_by=5, quote="Stopp 4: busstorget."),
        ),
    ),
    DialogueScript(
        "bromma", None, "digital", 2, 15, 38, 0, 1,
        "Kommunpolis Bromma", "Digital dialog efter andra mätningen.",
        (Issue("brommaplan", "alcohol", "night", raised_by=6,
               quote="Bättre på kvällarna nu, men fortfarande stökigt på natten."),),
    ),
    DialogueScript(
        "hasselby-vallingby", "vallingby-centrum", "medborgardialog", 11, 18, 31, 3, 3,
        "Kommunpolis Hässelby-Vällingby", "Medborgardialog i Vällingby centrum.",
        (
            Issue("vallingby-centrum", "drug_dealing", "evening;night", raised_by=12,
                  quote="Det säljs narkotika öppet vid tunnelbanan."),
            Issue("vallingby-centrum", "groups", "evening", raised_by=6),
            Issue("vallingby-centrum", "harassment", "evening", raised_by=4,
                  quote="Unga tjejer blir ofredade vid torget."),
        ),
    ),
    DialogueScript(
        "hasselby-vallingby", None, "samverkansmote", 9, 10, 0, 9, 2,
        "Samverkansgruppen Hässelby-Vällingby", "Kommun, skolor, bostadsbolag och handel.",
        (
            Issue("vallingby-centrum", "drug_dealing", "evening", weight=3,
                  measure="Ordningsvakter i centrum kvällstid."),
            Issue("hasselby-gard", "vandalism", "night", weight=2),
        ),
    ),
    DialogueScript(
        "hasselby-vallingby", None, "medarbetardialog", 8, 6, 0, 0, 17,
        "Områdespolisen Hässelby-Vällingby", "Medarbetardialog.",
        (
            Issue("vallingby-centrum", "drug_dealing", "night", weight=3),
            Issue("vallingby-centrum", "violence", "night", weight=2),
        ),
    ),
    DialogueScript(
        "hasselby-vallingby", "hasselby-gard", "trygghetsvandring", 7, 14, 9, 3, 2,
        "Kommunpolis Hässelby-Vällingby", "Trygghetsvandring, tre stopp.",
        (
            Issue("hasselby-gard", "lighting", "evening", raised_by=5,
                  quote="Stopp 1: parkeringen bakom centrum."),
            Issue("hasselby-gard", "vandalism", "night", raised_by=4,
                  quote="Stopp 2: klotter på tunneln."),
            Issue("hasselby-gard", "groups", "evening", raised_by=3, quote="Stopp 3: torget."),
        ),
    ),
    DialogueScript(
        "ekero", "ekero-centrum", "stand", 6, 2, 27, 1, 2,
        "Kommunpolis Ekerö", "Polisens monter vid Ekerö centrum.",
        (
            Issue("ekero-centrum", "traffic", "afternoon", raised_by=7,
                  quote="Bilarna kör för fort vid busshållplatsen."),
            Issue("ekero-centrum", "lighting", "evening", raised_by=3),
        ),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class PromiseScript:
    area: str
    places: tuple[str, ...]
    title: str
    text: str
    problems: tuple[str, ...]
    times: tuple[str, ...]
    crime: tuple[str, ...]
    #: Activities: (kind, place, hours, count, note), repeated every `every_days` days.
    activities: tuple[tuple[str, str | None, float | None, int | None, str, int], ...]


PROMISES = (
    PromiseScript(
        "bromma",
        ("brommaplan",),
        "Mer närvaro på Brommaplan kvällstid",
        "Syntetiska demodata, inget verkligt löfte. Polisen och stadsdelsförvaltningen lovar"
        " synlig närvaro på Brommaplan kvällar och nätter, och att alkoholförbudet på torget"
        " följs.",
        ("alcohol", "groups"),
        ("evening", "night"),
        ("Misshandel",),
        (
            ("presence_patrol", "brommaplan", 3.0, None, "Fotpatrull kvällstid.", 9),
            ("alcohol_ban", "brommaplan", None, 6, "Ingripanden mot alkoholförbudet.", 30),
            ("dialogue", "brommaplan", 2.0, None, "Samtal med näringsidkare.", 60),
        ),
    ),
    PromiseScript(
        "hasselby-vallingby",
        ("vallingby-centrum",),
        "Minska narkotikahandeln i Vällingby centrum",
        "Syntetiska demodata, inget verkligt löfte. Polisen, kommunen och centrumägaren lovar"
        " fler insatser mot narkotikahandeln i Vällingby centrum kvällstid.",
        ("drug_dealing",),
        ("evening",),
        ("Narkotikabrott",),
        (
            ("presence_patrol", "vallingby-centrum", 4.0, None, "Patrull kvällstid.", 14),
            ("drug_intervention", "vallingby-centrum", None, 3, "Riktad insats.", 30),
        ),
    ),
)
