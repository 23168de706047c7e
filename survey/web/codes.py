"""Codes shown to residents (receipt and invitation codes), kept whole and in their own order.

A code in a sentence ("like K7QM-4XTP-2B.") wrapped at its hyphens on a phone ("K7QM-" and
"4XTP-2B."), and on a right-to-left page a hyphen left at a line's end was set on the other
side ("-K7QM-4XTP"). The messages are translated with the code inside them, so the filter finds
the codes in the finished text and sets each one as one left-to-right run that never breaks.
"""

from __future__ import annotations

import re

from flask import Flask
from markupsafe import Markup

#: A receipt code (K7QM-4XTP-2B, services.receipts) or an invitation code (KM7QA-4XTP2,
#: services.invitations) as shown: upper-case letters and digits in groups.
CODE = re.compile(r"\b(?:[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}|[0-9A-Z]{5}-[0-9A-Z]{5})\b")
#: Markup's tags, left as they are: a code is looked for only in the text between them.
TAG = re.compile(r"(<[^>]*>)")


def codes_kept(text: str) -> Markup:
    """The text (escaped unless it is Markup) with each code in it as one unbreakable run."""
    parts = TAG.split(str(Markup.escape(text)))
    for i in range(0, len(parts), 2):  # the text between tags, never inside one
        parts[i] = CODE.sub(r'<bdi class="code" dir="ltr">\g<0></bdi>', parts[i])
    return Markup("".join(parts))  # noqa: S704  # nosec B704: escaped above, only bdi added


def init_app(app: Flask) -> None:
    """Offer ``{{ message | codes_kept }}`` to templates."""
    app.add_template_filter(codes_kept)
