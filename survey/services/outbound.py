"""HTTP requests Trygghet makes itself (the police's event feed, the alerts' webhook).

urllib's ``timeout`` bounds each socket read, not the exchange: a server sending a byte every
few seconds could hold a command for hours. Here the whole exchange has one deadline. A
redirect is followed only to the same host (https:// may replace http://) and only for a GET:
a webhook that answers a POST with a redirect has not accepted it, and urllib would follow it
as a GET without the body.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

#: Bytes read at a time; the deadline is checked between reads.
CHUNK = 65_536


class OutboundError(Exception):
    """The exchange failed: no answer, a refused redirect, too long or too large."""


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    body: bytes
    content_type: str = ""


class _SameHost(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        same = (old.hostname, old.port) == (new.hostname, new.port)
        if req.get_method() != "GET" or not same or new.scheme not in (old.scheme, "https"):
            fp.close()
            raise OutboundError(f"HTTP {code}: a redirect to {newurl}, not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameHost)


def exchange(
    request: urllib.request.Request, timeout: float, deadline: float, limit: int = 0
) -> Answer:
    """Send the request and read the answer (its body up to a chunk past ``limit`` bytes;
    none when 0) within ``deadline`` seconds; ``timeout`` bounds each read. An HTTP error
    status is an Answer, not an exception; anything else that goes wrong is an
    OutboundError."""
    found: dict[str, Any] = {}
    ends = time.monotonic() + deadline

    def run() -> None:
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                body = bytearray()
                while limit and len(body) <= limit and (chunk := response.read(CHUNK)):
                    if time.monotonic() > ends:
                        return  # the caller has stopped waiting: stop reading, and close
                    body += chunk
                promised = response.headers.get("Content-Length", "")
                if limit and promised.isdigit() and len(body) < min(int(promised), limit + 1):
                    # http.client's reads end quietly when the connection closes early.
                    raise OutboundError(
                        f"the answer was cut short: {len(body)} of {promised} bytes arrived"
                    )
                found["answer"] = Answer(
                    response.status,
                    response.reason,
                    bytes(body),
                    response.headers.get_content_type(),
                )
        except urllib.error.HTTPError as exc:
            exc.close()  # the error holds the open response
            found["answer"] = Answer(exc.code, str(exc.reason), b"")
        except OutboundError as exc:
            found["error"] = exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            text = getattr(reason, "strerror", None) or reason
            found["error"] = OutboundError(f"{type(reason).__name__}: {text}")
        except (http.client.HTTPException, ValueError) as exc:
            # A broken answer: a garbled status line, a cut or malformed chunked body, an
            # address with a port that is no number.
            found["error"] = OutboundError(f"{type(exc).__name__}: {exc}")

    # A daemon thread: one that a server holds past the deadline ends with the process.
    worker = threading.Thread(target=run, name="trygghet-outbound", daemon=True)
    worker.start()
    worker.join(deadline)
    if "error" in found:
        raise found["error"]
    if "answer" not in found:  # still reading, or it stopped at the deadline
        raise OutboundError(f"no complete answer within {deadline:g} seconds")
    answer: Answer = found["answer"]
    return answer
