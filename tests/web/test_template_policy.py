"""Templates keep within the Content-Security-Policy: no inline script, handler or style."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

#: Written to a file by `trygghet lagesbild --format html` and opened from disk, never served
#: by the app (no route renders it), so it carries its own <style> to stand alone.
STANDALONE = {"reports/lagesbild.html"}

#: What the policy would block: (what, pattern). Jinja tags are removed first.
FORBIDDEN = [
    ("an inline <script>", re.compile(r"<script(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)),
    ("a <style> block", re.compile(r"<style\b", re.IGNORECASE)),
    ("a style= attribute", re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)),
    ("an event handler", re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)),
    ("a javascript: URL", re.compile(r"javascript:", re.IGNORECASE)),
]

JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}", re.DOTALL)


def _blank(match: re.Match) -> str:
    return "\n" * match.group(0).count("\n") or " "  # keeps the line numbers right


def served_templates() -> list[str]:
    names = sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html"))
    return [name for name in names if name not in STANDALONE]


def test_templates_are_found():
    assert "base.html" in served_templates()
    assert len(served_templates()) > 20


@pytest.mark.parametrize("name", served_templates())
def test_no_inline_code_or_style(name):
    # Tags and comments out ({% if a > b %} would end a tag early); expressions stay, since
    # an attribute may be written by one.
    source = JINJA.sub(_blank, (TEMPLATES / name).read_text("utf-8"))
    found = [
        f"{what} on line {source.count(chr(10), 0, match.start()) + 1}: {match.group(0)[:80]}"
        for what, pattern in FORBIDDEN
        for match in pattern.finditer(source)
    ]
    assert found == [], f"{name} breaks the Content-Security-Policy (see survey/security.py)"


def test_the_standalone_report_is_not_served():
    survey = TEMPLATES.parent / "survey"
    users = [
        path.relative_to(survey).as_posix()
        for path in survey.rglob("*.py")
        if "lagesbild.html" in path.read_text("utf-8")
    ]
    assert users == ["reports/html.py"]
