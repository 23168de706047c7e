"""Helpers and factories shared by the tests; nothing is imported from conftest."""
