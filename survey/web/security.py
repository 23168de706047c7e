"""Security headers on every response, and a session cookie that is Secure over HTTPS."""

from __future__ import annotations

import functools
import zlib
from typing import Any

from flask import Flask, Response, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import (
    Signer,
    TimestampSigner,
    URLSafeSerializer,
    URLSafeTimedSerializer,
    want_bytes,
)
from itsdangerous.encoding import base64_encode
from itsdangerous.url_safe import URLSafeSerializerMixin

#: No inline script or style anywhere (templates keep it so; a test scans them), nothing
#: from other sites, no framing, forms only to this site.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # data: for small inline images (e.g. a favicon or an SVG background in the CSS).
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

#: Sent with every response unless the view set the header itself.
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # For browsers that do not know frame-ancestors.
    "X-Frame-Options": "DENY",
    # Not no-referrer: over HTTPS Flask-WTF refuses a form POST without a same-site Referer
    # (WTF_CSRF_SSL_STRICT). same-origin sends it to this site only, so other sites never
    # learn that a visitor came from here, let alone which place's survey (/s/<place>).
    "Referrer-Policy": "same-origin",
    # The app uses none of these; neither may anything that slips into a page.
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

_HEADERS_LOWER = tuple((name.lower(), name, value) for name, value in HEADERS.items())

#: Two years, the usual value; without preload, which is a commitment for the whole domain.
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    """Add the security headers a view has not set itself (e.g. the API's own)."""
    # One pass over the response's few headers, not one per header added.
    present = {key.lower() for key in response.headers.keys()}  # noqa: SIM118 (a list of pairs)
    response.headers.extend(
        [(name, value) for lower, name, value in _HEADERS_LOWER if lower not in present]
    )
    # Only over HTTPS: over plain HTTP the header is ignored, and it would pin a test or
    # intranet host name to HTTPS. Behind a proxy, is_secure honours X-Forwarded-Proto
    # when TRUSTED_PROXIES is set (ProxyFix).
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    if request.blueprint == "organizer":
        # Organizer pages show residents' comments and dialogue notes: no copy in a shared
        # browser's cache or on the Back button after logging out (charts set their own).
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@functools.lru_cache(maxsize=16)
def _derived_key(secret_key: bytes, salt: bytes, derivation: str, digest_method: Any) -> bytes:
    return Signer(
        secret_key, salt=salt, key_derivation=derivation, digest_method=digest_method
    ).derive_key()


class KeyKeepingSigner(Signer):
    """itsdangerous' signer, deriving each key once instead of for every cookie it handles.

    A serializer makes a new signer to read or write each cookie, and deriving the key (an
    HMAC of the salt) cost about a third of signing; the key depends only on the secret key,
    the salt and the method, so signatures are exactly those of the plain signer.
    """

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        key = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        return _derived_key(key, self.salt, self.key_derivation, self.digest_method)


class KeyKeepingTimestampSigner(KeyKeepingSigner, TimestampSigner):
    """The timed signer of the session cookie, deriving each key once."""


def _compress(data: bytes) -> bytes:
    """zlib, with a window and hash table sized to a cookie's payload, not to megabytes.

    zlib.compress sets up a 32 kB window and a 64 kB hash table, and clearing them cost
    ~65 us per cookie, a twentieth of a survey POST; a window the size of the payload
    compresses it as well for ~5 us. Any zlib stream decompresses with the default window.
    """
    bits = min(15, max(9, (len(data) - 1).bit_length()))
    compressor = zlib.compressobj(6, zlib.DEFLATED, bits, max(1, bits - 8))
    return compressor.compress(data) + compressor.flush()


class SmallCompressionMixin(URLSafeSerializerMixin):
    """itsdangerous' URL-safe payload (compressed when that makes it shorter), compressed
    by ``_compress``: what it writes, itsdangerous reads, and the other way round."""

    def dump_payload(self, obj: Any) -> bytes:
        # The plain serialised payload, below the mixin's own zlib step.
        json = super(URLSafeSerializerMixin, self).dump_payload(obj)
        compressed = _compress(json)
        if len(compressed) < len(json) - 1:  # as itsdangerous decides
            return b"." + base64_encode(compressed)
        return base64_encode(json)


class CookieSerializer(SmallCompressionMixin, URLSafeSerializer):
    """The serializer of the app's own signed cookies (the answered list)."""


class SessionSerializer(SmallCompressionMixin, URLSafeTimedSerializer):
    """The serializer of Flask's session cookie."""


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, whose cookie is Secure whenever the request was."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[str | bytes, ...], SessionSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> SessionSerializer | None:
        # Flask's own serializer, with signers that keep their keys and cheaper compression.
        # Flask builds a new one to read and again to write the cookie of every request; one
        # per set of keys does (the keys are read each time, so a change of SECRET_KEY or its
        # fallbacks still takes effect).
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        cached = self._serializers.get(keys)
        if cached is None:
            cached = SessionSerializer(
                list(keys),
                salt=self.salt,
                serializer=self.serializer,
                signer=KeyKeepingTimestampSigner,
                signer_kwargs={
                    "key_derivation": self.key_derivation,
                    "digest_method": self.digest_method,
                },
            )
            self._serializers = {keys: cached}
        return cached

    def get_cookie_secure(self, app: Flask) -> bool:
        # SESSION_COOKIE_SECURE (set from an https:// TRYGGHET_BASE_URL) still forces it;
        # otherwise a request that came over HTTPS never gets a cookie usable over HTTP.
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def init_app(app: Flask) -> None:
    """Send the security headers with every response; Secure session cookies over HTTPS."""
    app.session_interface = SessionInterface()
    app.after_request(add_security_headers)
