"""The README's systemd units run commands that exist, all as the same user, in the same
folder and with the same environment file (a publish unit without it once ignored the
database and the suppression threshold of /etc/trygghet.env)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from survey.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"
TRYGGHET = "/opt/trygghet/.venv/bin/trygghet"
#: What every service has, so the app, its timers and a command by hand see the same data.
SHARED = {
    "User": "trygghet",
    "WorkingDirectory": "/var/lib/trygghet",
    "Environment": "TRYGGHET_DATA_DIR=/var/lib/trygghet",
    "EnvironmentFile": "/etc/trygghet.env",
}


def _units() -> dict[str, dict[str, str]]:
    """Each unit of the README's ini blocks by file name: its settings (key: value)."""
    units: dict[str, dict[str, str]] = {}
    for block in re.findall(r"```ini\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        name = None
        for line in block.splitlines():
            if found := re.match(r"# /etc/systemd/system/(\S+)", line):
                name = found.group(1)
                assert name not in units, f"{name} given twice"
                units[name] = {}
            elif name and "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                assert key not in units[name], f"{name}: {key} given twice"
                units[name][key] = value
    return units


UNITS = _units()
SERVICES = sorted(name for name in UNITS if name.endswith(".service"))


def _parse(args: list[str]) -> click.Context:
    """Parse a command line as `trygghet` would, down to its subcommand, running nothing."""
    command: click.Command = main
    ctx = command.make_context("trygghet", list(args))
    while isinstance(command, click.Group):
        rest = [*ctx._protected_args, *ctx.args]
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None
        assert name is not None
        command, ctx = sub, sub.make_context(name, rest, parent=ctx)
    return ctx


def test_the_readme_has_the_units_an_install_needs():
    for name in ("trygghet", "trygghet-alerts", "trygghet-publish"):
        assert f"{name}.service" in UNITS
    for name in (
        "trygghet-alerts",
        "trygghet-publish",
        "trygghet-fetch-events",
        "trygghet-retention",
    ):
        assert f"{name}.service" in UNITS
        assert f"{name}.timer" in UNITS


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_shares_user_folder_and_environment(service):
    unit = UNITS[service]
    assert {key: unit.get(key) for key in SHARED} == SHARED


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_runs_a_command_that_exists(service):
    program, *args = shlex.split(UNITS[service]["ExecStart"])
    assert program == TRYGGHET
    ctx = _parse(args)  # click.UsageError for an unknown command, option or value
    assert ctx.command.name in args


def test_every_timer_has_its_service():
    timers = [name for name in UNITS if name.endswith(".timer")]
    assert timers
    for timer in timers:
        assert timer.removesuffix(".timer") + ".service" in UNITS
        assert UNITS[timer]["WantedBy"] == "timers.target"
        assert UNITS[timer]["Persistent"] == "true"


def test_a_wrong_command_line_would_be_found():
    with pytest.raises(click.UsageError):
        _parse(["publish", "--closed-round"])
    with pytest.raises(click.UsageError):
        _parse(["fetch", "event"])
