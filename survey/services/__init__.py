"""Domain operations: a Session in, flush, never commit, no request objects."""
