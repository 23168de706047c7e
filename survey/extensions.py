"""Extensions, created once without an app and bound in create_app()."""

from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from .db import Database

db = Database()
csrf = CSRFProtect()
babel = Babel()
# The client address only counts requests in the limiter's storage; it is never stored
# with an answer. Limits are set per view; the storage URI comes from the config.
limiter = Limiter(key_func=get_remote_address, default_limits=[])

login_manager = LoginManager()
login_manager.login_view = "organizer.login"
login_manager.login_message = _l("Log in to see that page.")
login_manager.login_message_category = "info"
