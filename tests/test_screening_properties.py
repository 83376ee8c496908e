"""Whatever a sergeant types or presses, at any step: no crash, no state the lifecycle forbids."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from conversations.access import Actor
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec, create_invite
from conversations.reply import Outcome
from state_machine.clock import FixedClock
from state_machine.lifecycle import ReferralState
from storage.crypto import FieldCipher
from storage.database import Database
from storage.models import Referral
from storage.uow import Storage
from tests import screening_script as script
from tests.conftest import LONDON, TEST_KEY

ALLOWED = {ReferralState.SCREENING, ReferralState.CLOSED_INELIGIBLE,
           ReferralState.CLOSED_NO_CONSENT, ReferralState.REFERRED}  # fmt: skip

# What a person might do at any moment: type (sense or nonsense), send a command, press one of
# the buttons on screen, or press a button from an old message.
actions = st.one_of(
    st.tuples(st.just("text"), st.text(max_size=60)),
    st.tuples(st.just("text"), st.sampled_from(
        ["yes", "no", "ie", "na", "today", "ddoe", "31/02/2024", "07400 123456", "CF10 1AA",
         "cardiff", "17", "200", "Siân Jones", "none", ""]
    )),
    st.tuples(st.just("command"), st.sampled_from(["screen", "cancel", "help", "language"])),
    st.tuples(st.just("press"), st.integers(min_value=0, max_value=40)),
    st.tuples(st.just("stale"), st.integers(min_value=0, max_value=200)),
)  # fmt: skip
# Random input alone rarely gets past the first ineligible button. The second property mixes
# the next step of an eligible screening with input that should change nothing (nonsense,
# old buttons, commands), so its examples reach consent and submission too.
harmless = st.one_of(
    st.tuples(st.just("text"), st.text(alphabet="xyz!? ", max_size=20)),
    st.tuples(st.just("command"), st.sampled_from(["screen", "help", "whoami"])),
    st.tuples(st.just("stale"), st.integers(min_value=0, max_value=200)),
)
steps_with_progress = st.lists(
    st.one_of(st.just(("script", 0)), st.just(("script", 0)), harmless), min_size=60, max_size=100
)
SCRIPT = script.whole("en")[1:]  # after /screen, which every example starts with


async def _play(template: Path, steps: list[tuple[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "db.sqlite3"
        shutil.copy(template, path)
        clock = FixedClock(datetime(2026, 11, 23, 10, tzinfo=UTC))
        storage = Storage(Database(f"sqlite:///{path}"), clock, FieldCipher(TEST_KEY), LONDON)
        try:
            await _run(storage, steps)
        finally:
            await storage.db.dispose()


async def _run(storage: Storage, steps: list[tuple[str, object]]) -> None:
    assistant = Assistant(storage, "bot")
    token = await create_invite(storage, InviteSpec("police", "Sgt", "gwent"), actor="t")
    await assistant.start(1, token, "en")
    actor = await assistant.identify(1)
    assert isinstance(actor, Actor)
    seen: list[str] = []
    latest: dict[str, str] = {}  # label -> the newest button with it
    scripted = iter(SCRIPT)
    outcome: Outcome = await assistant.command(actor, "screen")
    for kind, value in steps:
        shown = [b for r in outcome.replies for row in r.buttons for b in row]
        buttons = [b.token for b in shown]
        seen += buttons
        latest |= {b.label: b.token for b in shown}
        if kind == "script":
            how, what = next(scripted, ("say", "/help"))
            if how in ("say", "pick"):
                outcome = await assistant.text(actor, what)
            elif what in latest:
                outcome = await assistant.press(actor, latest[what])
        elif kind == "text":
            outcome = await assistant.text(actor, str(value))
        elif kind == "command":
            outcome = await assistant.command(actor, str(value))
        elif kind == "press" and buttons:
            outcome = await assistant.press(actor, buttons[int(str(value)) % len(buttons)])
        elif kind == "stale" and seen:
            outcome = await assistant.press(actor, seen[int(str(value)) % len(seen)])
        actor = await assistant.identify(1) or actor
        assert all(reply.text for reply in outcome.replies)
    async with storage.unit_of_work() as uow:
        for referral in await uow.session.scalars(select(Referral)):
            event(f"reached {referral.state}")
            assert referral.lifecycle_state in ALLOWED
            if referral.lifecycle_state is ReferralState.REFERRED:
                assert referral.la_code and referral.consent_given_at is not None


QUICK = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@QUICK
@given(steps=st.lists(actions, max_size=45))
def test_random_input_at_every_step_never_breaks_the_screening(
    sqlite_template: Path, steps: list[tuple[str, object]]
) -> None:
    asyncio.run(_play(sqlite_template, steps))


@QUICK
@given(steps=steps_with_progress)
def test_noise_between_real_answers_never_breaks_a_screening_on_its_way_to_submission(
    sqlite_template: Path, steps: list[tuple[str, object]]
) -> None:
    asyncio.run(_play(sqlite_template, steps))
