"""The organizers' side: log in, then manage dialogues, paper answers, places and rounds."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort
from flask_login import current_user, login_required

from ..extensions import db
from ..reports.figures import protects_others
from ..services.status import has_demo_data

bp = Blueprint("organizer", __name__, url_prefix="/organizer")

#: The organizer menu: (endpoint, label, admin only), added to by each feature module.
MENU: list[tuple[str, Any, bool]] = []


#: The menu's order: the daily work first, administration last.
MENU_ORDER = [
    "organizer.home",
    "organizer.areas",
    "organizer.dialogues",
    "organizer.paper",
    "organizer.comments",
    "organizer.promises",
    "organizer.exports",
    "organizer.rounds",
    "organizer.places",
    "organizer.crime_categories",
    "organizer.crime_imports",
    "organizer.questionnaires",
    "organizer.population",
    "organizer.users",
    "organizer.erasure",
    "organizer.audit",
    "organizer.alert_settings",
]


#: The pages shown on the menu's one line; the rest sit under "More", a <details> group.
PRIMARY = {
    "organizer.home",
    "organizer.areas",
    "organizer.dialogues",
    "organizer.paper",
    "organizer.comments",
    "organizer.promises",
    "organizer.exports",
}


def menu_item(endpoint: str, label: Any, admin_only: bool = False) -> None:
    """Add a page to the organizer menu (called once, at import of the feature module)."""
    MENU.append((endpoint, label, admin_only))
    rank = {name: i for i, name in enumerate(MENU_ORDER)}
    MENU.sort(key=lambda item: rank.get(item[0], len(rank)))


def menu_for(is_admin: bool) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """The menu a user may see, as (primary, more): each a list of (endpoint, label)."""
    visible = [(endpoint, label) for endpoint, label, admin in MENU if is_admin or not admin]
    primary = [item for item in visible if item[0] in PRIMARY]
    return primary, [item for item in visible if item[0] not in PRIMARY]


@bp.app_context_processor
def _menu() -> dict[str, Any]:
    return {
        "organizer_menu": lambda: MENU,
        "organizer_menu_for": menu_for,
        "organizer_demo_data": lambda: has_demo_data(db.session),
        # Why a figure is hidden: too few answers, or to protect other cells.
        "protects_others": protects_others,
    }


def role_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Require a logged-in user with one of these roles: login page if anonymous, else 403."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = role_required("admin")
organizer_required = role_required("admin", "organizer")
