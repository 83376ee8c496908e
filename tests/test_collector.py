"""`oocps` sets Python's collector for the service's processes (bot/collector.py)."""

from __future__ import annotations

import gc

import pytest

from bot import cli, collector


def test_every_oocps_command_collects_the_young_every_10000_objects(
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # Python's default
    try:
        assert cli.main(["keygen"]) == 0
        assert gc.get_threshold() == (collector.YOUNG, 10, 10)
    finally:
        gc.set_threshold(*before)
    assert capsys.readouterr().out.strip()  # the key it was asked for
