"""Public pages: the residents' survey, the thank-you page with the receipt code, erasure by
that code (/radera), the privacy notice, the accessibility statement and QR posters."""
