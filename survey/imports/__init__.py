"""Files and feeds in (responses, crime CSVs, police events), all or nothing."""
