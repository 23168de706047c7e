"""The public, read-only JSON API: areas, places and their suppressed situation pictures."""
