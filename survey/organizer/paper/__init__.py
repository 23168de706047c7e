"""Keying in paper questionnaires, one after the other."""
