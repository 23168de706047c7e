"""Receipt codes: a random code per web answer, so a resident can have it erased later.

The resident sees the code once, on the thank-you page; the database keeps only its hash,
which cannot be linked to a person because nothing about the person is stored at all.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

#: Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 10 characters of 5 bits each: about 10**15 codes (50 bits).
LENGTH = 10
#: Shown as K7QM-4XTP-2B: groups of 4 are easier to copy than one run of 10.
GROUP = 4
#: What a typed code may differ in: the letters that look like digits, as Crockford decodes.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
#: Characters people put between groups; they carry no meaning.
_SEPARATORS = str.maketrans("", "", " -_.\t")


def new_code() -> str:
    """Return a new random code, without separators."""
    # One draw of 50 random bits, 5 per character (the alphabet has 32): as ten choices of a
    # character each, at a tenth of the calls to the system's random source.
    return _code_of(secrets.randbits(5 * LENGTH))


def _code_of(bits: int) -> str:
    return "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(LENGTH))


#: The hidden field of a survey form naming that one page of it (random each time it is
#: shown), so that sending the same page twice stores one answer (see ``code_for_form``).
FORM_FIELD = "page"
_FORM_ID = re.compile(r"[A-Za-z0-9_-]{22}")


def new_form_id() -> str:
    """A random name for a survey page as it is shown (128 bits)."""
    return secrets.token_urlsafe(16)


def code_for_form(form_id: object, key: str | bytes) -> str | None:
    """The receipt code of the answer sent from the survey page ``form_id``, or None for a
    missing or malformed one (then the answer gets a random code).

    The same for every send of that page: a double click, or a request the browser sent
    again, finds the first one's answer stored under it (the unique receipt index says so)
    and shows its code, where it stored a second answer and lost the first one's code. Only
    the server, with its secret ``key``, can work out a page's code.
    """
    if not isinstance(form_id, str) or not _FORM_ID.fullmatch(form_id):
        return None
    secret = key.encode() if isinstance(key, str) else key
    digest = hmac.new(secret, b"receipt-of-page:" + form_id.encode(), hashlib.sha256).digest()
    return _code_of(int.from_bytes(digest[:8], "big") >> (64 - 5 * LENGTH))


def format_code(code: str) -> str:
    """Group a code for reading: K7QM4XTP2B -> K7QM-4XTP-2B."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalize_code(typed: str) -> str | None:
    """The code a person typed (any case, spaces, dashes, O for 0), or None if it is none."""
    code = typed.upper().translate(_SEPARATORS).translate(_LOOKALIKES)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def receipt_hash(code: str) -> str:
    """The stored form of a code: SHA-256 of its normalized text, in hex.

    A fast, unsalted hash is enough here, unlike for passwords: the code is not chosen by a
    person but drawn at random with 50 bits, so there is no dictionary to try, and the hash
    must be the same for every row so that an erasure is one indexed lookup. Someone with the
    database could in principle enumerate all codes with a lot of computing power, but would
    gain nothing: no row holds anything that identifies its respondent, and the code links an
    answer only to whoever holds the code.
    """
    return hashlib.sha256(code.encode("ascii")).hexdigest()
