"""Residents' free-text comments: a filtered list, topic tags, counts by topic."""
