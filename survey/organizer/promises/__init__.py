"""Citizen promises: record them, log the work done, read the follow-up."""
