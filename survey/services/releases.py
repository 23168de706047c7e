"""Releases: build, audit and store what the public side shows (DESIGN §3).

One function publishes, for the CLI (``trygghet publish``) and the dashboard's button alike:
the situation picture of an area (and round) is built now through reports.pictures, held back
where it would differ from the previous release by fewer than the threshold answers
(reports.public_form.hold_back), checked by the disclosure audit against the earlier releases
of the round, turned into its public form, and stored as an immutable Release. Nothing public
changes between two releases, whatever is answered, erased or imported in between.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import json
import math
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from analysis.disclosure_weighted import N_EFF, WEIGHTED_BOUNDS
from analysis.priorities import rank_priorities
from analysis.survey import Filters

from ..models import Area, Place, Release, Response, SurveyRound, User
from ..reports import pictures
from ..reports.public_form import COUNTS_DIGEST, hold_back, public_form
from . import audit
from .release_followups import other_rounds_as_released
from .release_refusals import PublishRefused, StalePreview, Unchanged, Unresolved, round_closed
from .rounds import area_rounds


@dataclasses.dataclass
class Prepared:
    """A release ready to store (or to preview): everything but its id and publisher."""

    area: Area
    round: SurveyRound | None
    sequence: int
    data_cutoff: dt.datetime
    version: str
    audited: dict[str, Any]
    public: dict[str, Any]
    audit_summary: dict[str, Any]
    held: int
    #: The round's last release when this one would publish exactly its figures, else None.
    same_as: Release | None = None

    @property
    def unresolved(self) -> list[str]:
        """Hidden cells the audit found could still be worked out: then it is not published."""
        return list(self.audit_summary["audit"].get("unresolved") or [])

    @property
    def counted(self) -> int:
        """The answers the release counts (0: it would show nothing)."""
        return int(self.audited.get("area_total", {}).get("n") or 0)

    @property
    def place_names(self) -> dict[str, str]:
        """The places' names by address name (slug), for the audit's cells in words."""
        return {p["place"]: p["name"] for p in self.audited.get("places", []) if "place" in p}


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, allow_nan=False, sort_keys=True)


def _finite(value: Any) -> Any:
    """JSON has no infinity: an unbounded end of an interval in the audit becomes null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(inner) for inner in value]
    return value


def _timeless(public: dict[str, Any]) -> dict[str, Any]:
    """A release's public form without the moment it was built."""
    return {key: value for key, value in public.items() if key != "generated_at"}


def find_area(session: Session, slug: str) -> Area:
    area = session.scalar(select(Area).where(Area.slug == slug))
    if area is None:
        raise PublishRefused(f"there is no area {slug!r}")
    return area


def choose_round(
    session: Session, area: Area, round_id: int | None, today: dt.date, threshold: int
) -> SurveyRound | None:
    """The round asked for (which must cover the area), else the newest opened one with at
    least ``threshold`` counted answers from the area, else the newest with any, else the
    newest opened one, else None. A round just opened (with one answer, or only answers held
    for review) would publish only hidden cells in place of the release with figures."""
    rounds = area_rounds(session, area)
    if round_id is None:
        opened = [r for r in rounds if r.opens_on <= today]
        counted = dict(
            session.execute(
                select(Response.round_id, func.count())
                .join(Place, Place.id == Response.place_id)
                .where(
                    Place.area_id == area.id,
                    Response.round_id.in_([r.id for r in opened]),
                    Response.held.is_(False),  # held for review: not in the picture
                )
                .group_by(Response.round_id)
            ).all()
        )
        return next(
            (r for r in opened if counted.get(r.id, 0) >= threshold),
            next((r for r in opened if r.id in counted), opened[0] if opened else None),
        )
    for survey_round in rounds:
        if survey_round.id == round_id:
            return survey_round
    raise PublishRefused(f"round {round_id} is not a survey round of {area.slug!r}")


def releases_of(session: Session, area: Area, round_key: int | None = None) -> list[Release]:
    """An area's releases, newest first (of one round when ``round_key`` is given)."""
    query = select(Release).where(Release.area_id == area.id).options(selectinload(Release.round))
    if round_key is not None:
        query = query.where(Release.round_key == round_key)
    return list(session.scalars(query.order_by(Release.created_at.desc(), Release.id.desc())))


def _audit(
    picture: dict[str, Any], earlier: list[dict[str, Any]], threshold: int
) -> dict[str, Any]:
    """Run the disclosure audit (hides more cells in place); its summary."""
    # Imported when publishing only: the audit loads scipy.
    from analysis.disclosure_audit import DEFAULT_MIN_WIDTH
    from analysis.disclosure_release import audit_with_items

    try:
        return audit_with_items(picture, earlier, threshold, DEFAULT_MIN_WIDTH)
    except ValueError as exc:
        raise PublishRefused(f"the disclosure audit refused this release: {exc}") from exc


def _ranked_again(picture: dict[str, Any]) -> list[dict[str, Any]]:
    """The priorities from the release's own cells, after holding back and the audit.

    The picture's priorities were ranked from its live cells; ranked again here, a cell the
    release hides weighs as the area's value (n = 0), so no score carries a hidden figure.
    """
    return rank_priorities(
        picture,
        picture.get("dialogues") or {},
        picture.get("deviations") or [],
        area_name=picture.get("area_name", ""),
        items=picture.get("items") or [],
    )


#: A hold-back threshold no change reaches: every figure stays as last published.
FROZEN = 2**62


def _counts_digest(session: Session, area: Area, round_key: int) -> str:
    """A digest of the answer counts behind the area's figures in one round (0: all)."""
    from ..models.aggregates import answer_count, response_count

    places = select(Place.id).where(Place.area_id == area.id)
    digest = hashlib.sha256()
    for table in (response_count, answer_count):
        query = select(table).where(table.c.place_id.in_(places))
        if round_key:  # a release without a round counts the answers of every round
            query = query.where(table.c.round_key == round_key)
        rows = session.execute(query.order_by(*table.primary_key.columns))
        for row in rows:
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _published_changes(
    session: Session, area: Area, picture: dict[str, Any]
) -> dict[str, Any] | None:
    """The change from the round before, between published cells only.

    The earlier side is the earlier round's newest release (as audited), the later side this
    release's cells after holding back and the audit; without a release of the earlier round
    no change is published, so no figure appears here that was never published itself.
    """
    from analysis.round_changes import compare  # loads scipy: only when publishing

    changes = picture.get("round_changes")
    if not changes or (picture.get("filters") or {}).get("round_id") != changes["to_round"]["id"]:
        return None
    earlier = session.scalars(
        select(Release)
        .where(Release.area_id == area.id, Release.round_key == changes["from_round"]["id"])
        .order_by(Release.sequence.desc())
        .limit(1)
    ).first()
    if earlier is None:
        return None
    return compare(earlier.audited_picture, picture, (changes["from_round"], changes["to_round"]))


def prepare(
    session: Session,
    area: Area,
    survey_round: SurveyRound | None,
    threshold: int,
    today: dt.date,
) -> Prepared:
    """Build, hold back, audit and put into public form the next release; store nothing."""
    round_key = survey_round.id if survey_round else 0
    earlier = list(
        session.scalars(
            select(Release)
            .where(Release.area_id == area.id, Release.round_key == round_key)
            .order_by(Release.sequence)
        )
    )
    conn = session.connection()
    cutoff = dt.datetime.now(dt.UTC).replace(microsecond=0)
    version = pictures.data_version(conn)
    filters = Filters(round_id=survey_round.id if survey_round else None)
    # Read first: an answer committed after it is in the figures but not in the digest, so
    # the digests differ and nothing is let through on the strength of them.
    digest = _counts_digest(session, area, round_key)
    picture = pictures.situation(conn, area.slug, filters, threshold, today=today)
    picture[COUNTS_DIGEST] = digest
    earlier_pictures = [release.audited_picture for release in earlier]
    previous = earlier_pictures[-1] if earlier_pictures else None
    live = copy.deepcopy(picture)
    held = hold_back(picture, previous, threshold)
    try:
        audit_done = _audit(picture, earlier_pictures, threshold)
    except PublishRefused:
        if not held:
            raise
        # A figure kept though its n is unchanged (an erasure and a new answer could stand
        # behind it) no longer adds up with parts that changed by the threshold and more:
        # then every figure stays as last published, until the total changes by as much.
        # (Letting the kept ones change instead gave an erasure and a new answer elsewhere
        # away.)
        picture = live
        held = hold_back(picture, previous, FROZEN)
        audit_done = _audit(picture, earlier_pictures, threshold)
    picture[WEIGHTED_BOUNDS] = N_EFF  # how the audits of later releases read this one
    summary = {"audit": _finite(audit_done), "held_back": held, "threshold": threshold}
    summary["other_rounds_hidden"] = other_rounds_as_released(session, area, picture)
    picture["priorities"] = _ranked_again(picture)
    picture["round_changes"] = _published_changes(session, area, picture)
    public = public_form(picture)
    # Nothing answered, erased or imported since, and nothing else public changed either. (New
    # answers whose figures are all held back still make a release: it says they came.)
    same = (
        previous is not None
        and previous.get(COUNTS_DIGEST) == digest
        and _timeless(json.loads(earlier[-1].payload)) == _timeless(json.loads(_json(public)))
    )
    return Prepared(
        area=area,
        round=survey_round,
        sequence=(earlier[-1].sequence + 1) if earlier else 1,
        data_cutoff=cutoff,
        version=version,
        audited=picture,
        public=public,
        audit_summary=summary,
        held=held,
        same_as=earlier[-1] if same else None,
    )


def publish(
    session: Session,
    area_slug: str,
    round_id: int | None,
    threshold: int,
    today: dt.date,
    *,
    user: User | None = None,
    expect_version: str | None = None,
    final: bool = False,
) -> Release:
    """Make, audit and store a new release of an area (and round); flush, never commit.

    ``user`` is the organizer pressing the button (None from the CLI, recorded by name).
    ``expect_version`` is the data version the preview showed: publishing refuses when the
    data changed since, so what is stored is exactly what was previewed. A release that would
    show exactly what the round's last one shows is refused (Unchanged), unless it is the
    ``final`` release of a closed round, which says the figures are final; one where the
    audit leaves a hidden cell that can be worked out is refused (Unresolved).
    """
    area = find_area(session, area_slug)
    survey_round = choose_round(session, area, round_id, today, threshold)
    prepared = prepare(session, area, survey_round, threshold, today)
    if prepared.same_as is not None and not final:  # also a preview sent twice
        raise Unchanged(prepared.same_as)
    if prepared.unresolved:  # never published as if nothing could be worked out
        raise Unresolved(
            prepared.unresolved, prepared.place_names, round_closed(survey_round, today)
        )
    if expect_version is not None and expect_version != prepared.version:
        raise StalePreview("the data changed after the preview: look at the preview again")
    release = Release(
        area_id=area.id,
        round_id=survey_round.id if survey_round else None,
        round_key=survey_round.id if survey_round else 0,
        sequence=prepared.sequence,
        data_cutoff=prepared.data_cutoff,
        published_by_id=user.id if user else None,
        published_by_name=None if user else audit.current_actor_name(),
        payload=_json(prepared.public),
        audited=_json(prepared.audited),
        audit_summary=_json(prepared.audit_summary),
    )
    session.add(release)
    session.flush()
    audit.record(
        session,
        "release.publish",
        release,
        {
            "area": area.slug,
            "round": release.round_id,
            "sequence": release.sequence,
            "held_back": prepared.held,
        },
        actor=user,
    )
    session.flush()
    return release


def publish_closed_rounds(
    session: Session,
    threshold: int,
    today: dt.date,
    *,
    user: User | None = None,
    refused: list[tuple[str, int, Unresolved]] | None = None,
) -> list[Release]:
    """Publish the final release of every round that has closed and has none yet; flush.

    A round's final release is one made after its last day, so it holds every answer of the
    round. Meant for a daily timer (``trygghet publish --closed-rounds``): running it again
    the same day, or the next, publishes nothing more. ``refused`` collects (area, round,
    refusal) where the audit refuses one, and the others are still made; without it the
    refusal is raised.
    """
    closed = session.scalars(
        select(SurveyRound)
        .where(SurveyRound.closes_on.is_not(None), SurveyRound.closes_on < today)
        .options(selectinload(SurveyRound.areas))
        .order_by(SurveyRound.closes_on, SurveyRound.id)
    )
    made = []
    for survey_round in closed:
        if survey_round.closes_on is None:  # excluded by the query; narrows the type
            continue
        after_close = dt.datetime.combine(
            survey_round.closes_on + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC
        )
        for area in survey_round.areas:
            final = session.scalar(
                select(Release.id).where(
                    Release.area_id == area.id,
                    Release.round_key == survey_round.id,
                    Release.data_cutoff >= after_close,
                )
            )
            try:
                if final is None:
                    made.append(
                        publish(
                            session,
                            area.slug,
                            survey_round.id,
                            threshold,
                            today,
                            user=user,
                            final=True,
                        )
                    )
            except Unresolved as exc:
                if refused is None:
                    raise
                refused.append((area.slug, survey_round.id, exc))
    return made
