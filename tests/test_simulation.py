"""A year of the service, simulated (issue 12; the people and the year: tests/simulation.py).
Asserted over what was actually sent: every nudge out exactly once, none outside working
time, every case past a deadline told to a manager within a working day, no case closed
before the police acknowledged, no nudge to someone out of scope. On PostgreSQL two sweepers
run at every moment, each with its own connection."""

from __future__ import annotations

import pytest

from state_machine.clock import FixedClock
from storage.uow import Storage
from tests.simulation import Simulation, Year, findings, quick_pdf


async def test_a_year_of_the_service(
    storage: Storage, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick_pdf(monkeypatch.setattr)
    postgres = storage.db.engine.dialect.name == "postgresql"
    second = Storage(storage.db.clone(), clock, storage.cipher, storage.tz) if postgres else None
    sim = Simulation(storage, clock, Year(), second=second)
    try:
        figures = await sim.run()
    finally:
        if second is not None:
            await second.db.dispose()
    found = await findings(sim)
    assert found.sent_twice == []
    assert found.never_sent == []
    assert found.out_of_hours == []
    assert found.managers_not_told == []
    assert found.closed_unacknowledged == []
    assert found.out_of_scope == []
    # And the year was not an empty one: every rule in force sent, people who left or
    # blocked the bot replaced by their managers, reminders asked for, both kills, the
    # police closing some cases and leaving others open, the clocks changing on the way.
    async with storage.unit_of_work() as uow:
        rules = {rule.name for rule in uow.nudging.rules.rules}
    assert set(found.rules_sent) == rules
    assert {"left", "blocked", "instead"} <= set(found.ledger)
    assert sum(figures.snoozes.values()) >= 3
    assert [kill.split()[0] for kill in figures.kills] == ["before_commit", "after_commit"]
    assert found.closed >= 5 and found.awaiting_police >= 2
    assert found.across_clock_changes >= 2
    assert figures.refused == []
    if postgres:  # both sweepers found nudges to send, and none was sent twice (above)
        assert len(figures.by_sweeper) == 2 and min(figures.by_sweeper.values()) > 0
