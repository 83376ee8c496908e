"""The distance-travelled tools in force: the shipped `state_machine/distance_tools.toml`, or
the file an admin names instead (OOCPS_DISTANCE_TOOLS), read and checked here (the tools'
rules are pure: state_machine/distance_tools.py)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

from state_machine.distance_tools import DistanceTools, DistanceToolsError, parse_tools

SHIPPED_TOOLS = "distance_tools.toml"  # in the state_machine package


def read_tools(path: str | Path | None = None) -> DistanceTools:
    """The tools at `path` instead of the shipped ones. Raises DistanceToolsError, one line
    naming the file and the tool at fault."""
    if path is None:
        return _shipped()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DistanceToolsError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return _parsed(text, str(path))


@cache
def _shipped() -> DistanceTools:
    text = resources.files("state_machine").joinpath(SHIPPED_TOOLS).read_text(encoding="utf-8")
    return _parsed(text, SHIPPED_TOOLS)


def _parsed(text: str, source: str) -> DistanceTools:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DistanceToolsError(f"{source} is not valid TOML ({exc})") from exc
    try:
        return parse_tools(data)
    except DistanceToolsError as exc:
        raise DistanceToolsError(f"{source}: {exc}") from exc
