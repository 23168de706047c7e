"""Extensions, created once without an app and bound in create_app()."""

from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from .db import Database
from .web.limits import client_key

db = Database()
csrf = CSRFProtect()
babel = Babel()
# The limiter counts by a keyed hash of the client address that changes daily (never the
# address itself; see web/limits.py). Limits are set per view; the storage comes from the
# config: a SQLite file shared by the workers unless RATELIMIT_STORAGE_URI names Redis.
limiter = Limiter(key_func=client_key, default_limits=[])

login_manager = LoginManager()
login_manager.login_view = "organizer.login"
login_manager.login_message = _l("Log in to see that page.")
login_manager.login_message_category = "info"
