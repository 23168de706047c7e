"""The shared test app: what one test leaves on it never reaches the next (tests/common/apps.py)."""

from sqlalchemy import event

from survey.extensions import db, limiter
from survey.reports import pictures
from tests.common.apps import SharedApp
from tests.common.web import VALID_ANSWER, count_responses, submit


def test_a_config_change_is_reported_and_undone(shared_app, fresh_database):
    app = shared_app.begin()
    suppress = app.config["TRYGGHET_SUPPRESS_BELOW"]
    app.config["TRYGGHET_SUPPRESS_BELOW"] = 3
    app.config["SOMETHING_NEW"] = True
    app.config["LANGUAGES"].append("de")  # changed in place
    problems = shared_app.end()
    assert problems == ["config changed: LANGUAGES, SOMETHING_NEW, TRYGGHET_SUPPRESS_BELOW"]
    assert app.config["TRYGGHET_SUPPRESS_BELOW"] == suppress
    assert "SOMETHING_NEW" not in app.config
    assert "de" not in app.config["LANGUAGES"]
    assert shared_app.end() == []


def test_a_rate_limited_app_does_not_limit_the_next_test(shared_app, make_app):
    # Building an app with limits switches the one limiter of the process on ...
    make_app(RATELIMIT_ENABLED=True, SURVEY_RATE_LIMIT="1 per minute")
    assert limiter.enabled
    # ... and lending out the shared app switches it back to the shared app's settings.
    app = shared_app.begin()
    assert not limiter.enabled
    client = app.test_client()
    # More than the survey's own limit (10 a minute), which the limiter would count if on.
    statuses = [submit(client, "alvik", VALID_ANSWER).status_code for _ in range(12)]
    assert statuses == [303] * 12
    assert count_responses(app) == 12
    assert shared_app.end() == []


def test_caches_filled_during_a_test_are_dropped(shared_app, fresh_database):
    app = shared_app.begin()
    built = set(app.extensions)
    app.extensions["trygghet.some-cache"] = {"stale": "picture"}
    assert shared_app.end() == []
    assert set(app.extensions) == built


def test_the_situation_pictures_of_one_test_are_not_served_in_the_next(shared_app, fresh_database):
    app = shared_app.begin()
    with app.app_context():
        cache = pictures.cache_of(app)
        cache.put(object(), {"n": 12})
    assert shared_app.end() == []
    with app.app_context():
        assert len(pictures.cache_of(app)) == 0
    # A cache made with the app (not on first use) is emptied all the same.
    shared_app.extensions.add(pictures.EXTENSION)
    try:
        cache.put(object(), {"n": 12})
        app.extensions[pictures.EXTENSION] = cache
        assert shared_app.end() == []
        assert app.extensions[pictures.EXTENSION] is cache
        assert len(cache) == 0
    finally:
        shared_app.extensions.discard(pictures.EXTENSION)
        del app.extensions[pictures.EXTENSION]


def test_a_route_added_before_the_first_request_is_reported(make_app):
    # Flask refuses new routes once an app has served a request; before that, the check must.
    shared = SharedApp(make_app())
    shared.begin().add_url_rule("/extra", "extra", lambda: "extra")
    assert shared.end() == ["routes were added"]


def test_a_listener_left_on_the_engine_is_reported(shared_app, fresh_database):
    app = shared_app.begin()

    def listener(*_args):
        pass

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert shared_app.end() == ["an engine event listener was left behind"]
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert shared_app.end() == []


def test_a_replaced_wsgi_app_is_reported_and_put_back(shared_app, fresh_database):
    app = shared_app.begin()
    original = app.wsgi_app
    app.wsgi_app = lambda environ, start_response: original(environ, start_response)
    assert shared_app.end() == ["app.wsgi_app was replaced"]
    assert app.wsgi_app == original
    assert app.test_client().get("/healthz").status_code == 200


def test_each_app_counts_under_its_own_key_prefix(make_app):
    # Flask-Limiter keeps the first app's prefix unless the harness unsets it between apps.
    for prefix in ("first-prefix", "second-prefix"):
        app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=prefix)
        assert submit(app.test_client(), "alvik", VALID_ANSWER).status_code == 303
        survey_keys = [k for k in limiter.storage.storage if "public.survey" in k]
        assert survey_keys
        assert all(f"/{prefix}/" in k for k in survey_keys), survey_keys
