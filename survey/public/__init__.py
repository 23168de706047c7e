"""Public pages: the residents' survey, the thank-you page, privacy notice and QR posters."""
