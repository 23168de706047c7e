"""Security: headers on every response, HSTS over HTTPS, cookies, the secret key, redirects."""

import stat

import pytest
from click.testing import CliRunner
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeSerializer

from survey import create_app
from survey.cli import main
from survey.web import limits
from survey.web.security import CONTENT_SECURITY_POLICY, HEADERS, STRICT_TRANSPORT_SECURITY
from tests.common.web import (
    ACCOUNTS,
    VALID_ANSWER,
    count_responses,
    csrf_token,
    post_form,
    submit,
    tampered,
)

HTTPS = "https://trygghet.test"


def get(client, path: str, **kwargs):
    """GET, read and close the response, as a server does (static files are open files)."""
    response = client.get(path, **kwargs)
    response.get_data()
    response.close()
    return response


def assert_security_headers(response, secure: bool = False) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    if secure:
        assert response.headers["Strict-Transport-Security"] == STRICT_TRANSPORT_SECURITY
    else:
        assert "Strict-Transport-Security" not in response.headers


def test_the_policy_allows_no_inline_code_nor_other_sites():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/s/brommaplan", 200),
        ("/integritet", 200),
        ("/uppfoljning", 200),
        ("/static/style.css", 200),
        ("/static/favicon.svg", 200),
        ("/qr/brommaplan.png", 200),
        ("/qr/brommaplan.svg", 200),
        ("/healthz", 200),
        ("/api/v1/areas", 200),
        ("/api/v1/nowhere", 404),
        ("/no-such-page", 404),
        ("/s/atlantis", 404),
        ("/organizer/", 302),
    ],
)
def test_public_responses_carry_the_security_headers(client, path, status):
    response = get(client, path)
    assert response.status_code == status
    assert_security_headers(response)


def test_headers_a_view_sets_itself_are_kept(client):
    response = client.get("/api/v1/areas")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert_security_headers(response)


@pytest.mark.parametrize(
    "path",
    [
        "/organizer/",
        "/organizer/export/responses.csv",
        "/organizer/export/responses.xlsx",
        "/organizer/areas/bromma/lagesbild.json",
        "/organizer/areas/bromma/report.pdf",
        "/organizer/areas/bromma/charts/unsafe.png",
        "/organizer/users",
    ],
)
def test_organizer_pages_and_downloads_carry_the_security_headers(auth, path):
    auth.login("admin")
    response = get(auth.client, path)
    assert response.status_code == 200, path
    assert_security_headers(response)


@pytest.mark.parametrize("path", ["/organizer/", "/organizer/comments", "/organizer/areas/bromma"])
def test_organizer_pages_are_not_kept_in_the_browser_cache(auth, path):
    auth.login("admin")
    assert get(auth.client, path).headers["Cache-Control"] == "no-store"


def test_a_chart_keeps_its_own_short_cache(auth, client):
    auth.login("admin")
    chart = get(auth.client, "/organizer/areas/bromma/charts/unsafe.png")
    assert chart.headers["Cache-Control"] == "private, max-age=60"
    assert "no-store" not in get(client, "/").headers.get("Cache-Control", "")


def test_error_pages_carry_the_security_headers(make_app):
    app = make_app(RATELIMIT_ENABLED=True, SURVEY_RATE_LIMIT="1 per minute")

    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", "broken", broken)
    client = app.test_client()
    assert client.get("/broken").status_code == 500
    assert_security_headers(client.get("/broken"))
    oversized = client.post("/s/brommaplan", data={"comment": "x" * 100_000})
    assert oversized.status_code == 413
    assert_security_headers(oversized)
    missing_token = client.post("/s/brommaplan", data=VALID_ANSWER)
    assert missing_token.status_code == 400
    assert_security_headers(missing_token)
    assert submit(client, "alvik", VALID_ANSWER).status_code == 303
    limited = submit(client, "alvik", VALID_ANSWER)
    assert limited.status_code == 429
    assert_security_headers(limited)
    wrong_method = client.delete("/s/alvik")
    assert wrong_method.status_code == 405
    assert_security_headers(wrong_method)


@pytest.mark.parametrize("path", ["/", "/s/brommaplan", "/static/style.css", "/api/v1/areas"])
def test_hsts_only_over_https(client, path):
    assert_security_headers(get(client, path, base_url=HTTPS), secure=True)
    assert_security_headers(get(client, path), secure=False)


def test_hsts_behind_a_trusted_proxy_that_says_https(make_app):
    forwarded = {"X-Forwarded-Proto": "https"}
    proxied = make_app(TRUSTED_PROXIES=1).test_client()
    assert_security_headers(proxied.get("/", headers=forwarded), secure=True)
    # Without TRUSTED_PROXIES anyone could send the header: it is not believed.
    direct = make_app().test_client()
    assert_security_headers(direct.get("/", headers=forwarded), secure=False)


def test_the_survey_can_be_answered_over_https_with_a_same_origin_referrer(app, client):
    # Flask-WTF wants a same-site Referer on HTTPS; Referrer-Policy: same-origin sends it.
    token = csrf_token(client, "/s/brommaplan")
    path = "/s/brommaplan"
    data = VALID_ANSWER | {"csrf_token": token}
    no_referrer = client.post(path, data=data, base_url=HTTPS)
    assert no_referrer.status_code == 400
    foreign = client.post(path, data=data, base_url=HTTPS, headers={"Referer": "https://x.test/"})
    assert foreign.status_code == 400
    assert count_responses(app) == 0
    ours = client.post(path, data=data, base_url=HTTPS, headers={"Referer": HTTPS + path})
    assert ours.status_code == 303
    assert count_responses(app) == 1


def _session_cookie(client):
    cookie = client.get_cookie("session", domain="trygghet.test")
    assert cookie is not None
    return cookie


def test_session_cookie_flags_over_http(client, users):
    email, password = ACCOUNTS["admin"]
    post_form(client, "/organizer/login", {"email": email, "password": password})
    cookie = _session_cookie(client)
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert not cookie.secure


def test_session_cookie_is_secure_when_the_request_came_over_https(client):
    client.get("/s/brommaplan", base_url=HTTPS)  # the form's CSRF token starts a session
    cookie = _session_cookie(client)
    assert cookie.secure
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_session_cookie_is_secure_behind_a_trusted_https_proxy(make_app):
    client = make_app(TRUSTED_PROXIES=1).test_client()
    client.get("/s/brommaplan", headers={"X-Forwarded-Proto": "https"})
    assert _session_cookie(client).secure


def test_an_https_base_url_makes_the_cookie_secure_on_any_request(make_app):
    client = make_app(TRYGGHET_BASE_URL="https://trygghet.example.se").test_client()
    client.get("/s/brommaplan")
    assert _session_cookie(client).secure


@pytest.fixture
def bare_environment(monkeypatch, tmp_path):
    """No SECRET_KEY nor DATABASE_URL in the environment; the instance folder in tmp_path."""
    monkeypatch.setenv("TRYGGHET_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path / "instance"


def test_first_start_writes_a_private_key_that_the_next_start_reuses(bare_environment):
    first = create_app()
    path = bare_environment / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.config["SECRET_KEY"] == path.read_text().strip()
    assert len(first.config["SECRET_KEY"]) >= 32
    second = create_app()
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    # So a session signed before a restart is still valid after it.
    signed = first.session_interface.get_signing_serializer(first).dumps({"lang": "en"})
    assert second.session_interface.get_signing_serializer(second).loads(signed) == {"lang": "en"}


OLD_KEY = "an-earlier-secret-key-that-is-long-enough"


def test_cookies_are_signed_exactly_as_itsdangerous_signs_them(make_app):
    # The app's signers keep their derived keys: what they sign must verify with the stock
    # signers and the other way round, under the key and under a fallback key.
    app = make_app(SECRET_KEY_FALLBACKS=[OLD_KEY])
    ours = app.session_interface.get_signing_serializer(app)
    stock = SecureCookieSessionInterface().get_signing_serializer(app)
    assert stock.loads(ours.dumps({"receipt": "K7QM4XTP2B"})) == {"receipt": "K7QM4XTP2B"}
    assert ours.loads(stock.dumps({"lang": "en"})) == {"lang": "en"}
    earlier = make_app(SECRET_KEY=OLD_KEY)
    signed_before = SecureCookieSessionInterface().get_signing_serializer(earlier).dumps({"a": 1})
    assert ours.loads(signed_before) == {"a": 1}
    with pytest.raises(BadSignature):
        ours.loads(tampered(signed_before))
    with app.test_request_context():
        answered = limits._serializer()
        plain = URLSafeSerializer(app.config["SECRET_KEY"], salt="trygghet-answered")
        assert answered.dumps([[1, 2]]) == plain.dumps([[1, 2]])
        assert answered.loads(plain.dumps([[3, 4]])) == [[3, 4]]


#: A session that compresses well (a flashed message, repeated), and a list that does not.
LONG_SESSION = {"_flashes": [["info", "Ditt svar är raderat för alltid."]] * 6}


def test_compressed_cookies_read_both_ways_and_as_short_as_stock_ones(make_app):
    # The app compresses with a window sized to the cookie: still a zlib stream that the
    # stock serializers read, compressed only when that makes it shorter, as they do.
    app = make_app()
    ours = app.session_interface.get_signing_serializer(app)
    stock = SecureCookieSessionInterface().get_signing_serializer(app)
    signed, stock_signed = ours.dumps(LONG_SESSION), stock.dumps(LONG_SESSION)
    assert signed.startswith(".")  # compressed
    assert stock_signed.startswith(".")
    assert len(signed) <= len(stock_signed)
    assert stock.loads(signed) == LONG_SESSION
    assert ours.loads(stock_signed) == LONG_SESSION
    pairs = [[place, 7] for place in range(1, 41)]
    with app.test_request_context():
        answered = limits._serializer()
        plain = URLSafeSerializer(app.config["SECRET_KEY"], salt="trygghet-answered")
        assert plain.loads(answered.dumps(pairs)) == pairs
        assert answered.loads(plain.dumps(pairs)) == pairs
        assert not answered.dumps([[1, 2]]).startswith(".")  # too short to gain from it


@pytest.mark.parametrize("key", [None, ""])
def test_a_database_server_without_a_secret_key_refuses_to_start(
    bare_environment, monkeypatch, key
):
    if key is not None:
        monkeypatch.setenv("SECRET_KEY", key)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@127.0.0.1:1/none")
    with pytest.raises(RuntimeError, match="set SECRET_KEY"):
        create_app()
    result = CliRunner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code == 1
    assert "set SECRET_KEY" in result.output
    assert "Traceback" not in result.output
    assert not (bare_environment / "secret_key").exists()


def test_a_short_secret_key_is_refused(bare_environment, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "changeme")
    with pytest.raises(RuntimeError, match="SECRET_KEY is too short"):
        create_app()
    assert not (bare_environment / "secret_key").exists()


EVIL = [
    "//evil.example",
    "//evil.example/organizer/",
    "https://evil.example",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",  # the query decodes to ///evil.example
    "%2F%5Cevil.example",
    "/%09/evil.example",  # a tab, which browsers drop: //evil.example
    "/%0A/evil.example",
    "/%0D%0A/evil.example",
    "%20//evil.example",
    "javascript:alert(1)",
    "javascript%3Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
]


@pytest.mark.parametrize("target", EVIL)
def test_login_never_sends_the_user_to_another_site(client, users, target):
    email, password = ACCOUNTS["organizer"]
    response = post_form(
        client, f"/organizer/login?next={target}", {"email": email, "password": password}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/organizer/"


def test_login_follows_a_local_next(client, users):
    email, password = ACCOUNTS["organizer"]
    response = post_form(
        client,
        "/organizer/login?next=/organizer/comments%3Fpage%3D2",
        {"email": email, "password": password},
    )
    assert response.headers["Location"] == "/organizer/comments?page=2"
