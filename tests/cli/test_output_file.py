"""--out FILE is written whole or not at all: a failure or Ctrl-C keeps an earlier file."""

from __future__ import annotations

import importlib
import inspect
import os
import stat

import click
import pytest

from survey.cli import common
from survey.cli.common import output_file


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def _write_half(target, interruption: type[BaseException]) -> None:
    with output_file(str(target), binary=True) as stream:
        stream.write(b"half")
        raise interruption


def test_a_file_appears_whole_and_only_for_its_owner(tmp_path):
    target = tmp_path / "report.csv"
    with output_file(str(target), binary=False) as stream:
        stream.write("å;ä\r\n")
        assert not target.exists()  # not before all of it is written
    assert target.read_bytes() == "å;ä\r\n".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, RuntimeError])
def test_an_interruption_half_way_keeps_the_earlier_file(tmp_path, interruption):
    target = tmp_path / "lb.pdf"
    target.write_bytes(b"%PDF a good report")
    with pytest.raises(interruption):
        _write_half(target, interruption)
    assert target.read_bytes() == b"%PDF a good report"
    assert _leftovers(tmp_path) == []


def test_an_interruption_leaves_no_new_file(tmp_path):
    target = tmp_path / "new.xlsx"
    with pytest.raises(KeyboardInterrupt):
        _write_half(target, KeyboardInterrupt)
    assert list(tmp_path.iterdir()) == []


def test_a_replaced_file_keeps_its_group_but_not_everyone(tmp_path):
    target = tmp_path / "shared.csv"
    target.write_text("old")
    os.chmod(target, 0o664)
    with output_file(str(target), binary=False) as stream:
        stream.write("new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o660


def test_a_failed_write_is_a_message_and_keeps_the_earlier_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("good")
    with pytest.raises(click.ClickException, match=f"cannot write {target}: No space"):
        with output_file(str(target), binary=False):
            raise OSError(28, "No space left on device")
    assert target.read_text() == "good"
    assert _leftovers(tmp_path) == []


def test_through_a_link_the_linked_file_is_replaced(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with output_file(str(link), binary=False) as stream:
        stream.write("new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_ctrl_c_in_a_command_keeps_the_earlier_export(runner, tmp_path, monkeypatch):
    from survey.cli import data, main

    target = tmp_path / "answers.csv"
    good = runner.invoke(main, ["export", "responses", "--out", str(target)])
    assert good.exit_code == 0, good.output
    before = target.read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    def interrupted(_session, stream, _fmt):
        stream.write("submitted_on,place\r\n")
        raise KeyboardInterrupt

    monkeypatch.setattr(data, "_writer", lambda _noun: interrupted)
    result = runner.invoke(main, ["export", "responses", "--out", str(target)])
    assert result.exit_code == 1
    assert "Aborted!" in result.output
    assert target.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_every_command_with_out_writes_through_output_file():
    # A command that opened its --out file itself would lose this protection.
    for name in ("data", "invitations", "lagesbild", "paper"):
        source = inspect.getsource(importlib.import_module(f"survey.cli.{name}"))
        assert "open(out" not in source, name
        assert "open(csv_out" not in source, name
    assert common.output_file is output_file
