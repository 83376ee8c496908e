"""The same case as tests/test_case_stories_e2e.py, run from `oocps console` (buttons as
numbered choices), in English and in Welsh, with the clock moved: the officer screens it at
their console, the worker takes it from Accept to Completed at theirs (two contact attempts, a
first session in time, three sessions, the start and end measures), and the officer's console
saves the referral form's PDF and acknowledges it; the case closes."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.console import console_actor, run_console
from conversations.access import Actor
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from state_machine.clock import FixedClock
from state_machine.lifecycle import ReferralState
from storage.uow import Storage
from tests import screening_script as script
from tests.casework_steps import attempt_steps, measure_steps, missed_steps, session_steps
from tests.screening_script import Step

OFFICER = "Sgt Rhys Tŷ-Gŵyn"
NUMBERED = re.compile(r"  \[(\d+)\] (.*)")


class Keys:
    """Types the steps at the console's prompt: a label pressed is typed as the number the
    console shows beside it in the latest choices; anything else as it is."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self._steps = iter([*steps, ("say", "/quit")])
        self.shown: list[str] = []

    def say(self, text: str) -> None:
        self.shown.append(text)

    async def ask(self, _prompt: str) -> str | None:
        how, what = next(self._steps, ("say", "/quit"))
        return self.number(what) if how == "press" else what

    def number(self, label: str) -> str:
        """The number beside `label` in the choices shown last (a run of numbered lines)."""
        choices: dict[str, str] = {}
        for line in reversed(self.shown):
            if (match := NUMBERED.fullmatch(line)) is None:
                if choices:
                    break
                continue
            choices[match[2]] = match[1]
        assert label in choices, f"{label!r} not among {list(choices)}"
        return choices[label]

    @property
    def text(self) -> str:
        return "\n".join(self.shown)


async def at_console(
    assistant: Assistant, actor: Actor, steps: Sequence[Step], files: Path
) -> Keys:
    keys = Keys(steps)
    await run_console(assistant, actor, keys.ask, keys.say, files=files)
    return keys


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_the_same_case_from_the_console(
    storage: Storage, clock: FixedClock, lang: str, tmp_path: Path
) -> None:
    assistant = Assistant(storage, "oocps_bot")
    sergeant = await console_actor(storage, InviteSpec("police", OFFICER, "south-wales"), lang)
    mair = await console_actor(storage, InviteSpec("worker", "Mair", la_codes=("cardiff",)), lang)
    screened = await at_console(assistant, sergeant, script.whole(lang), tmp_path)
    (reference,) = set(re.findall(r"R-[0-9A-Z]{6}", screened.text))
    case = f"{reference} (SDJ)"
    opened: list[Step] = [("say", "/cases"), ("press", case)]

    # Monday 23 November: the offer waits at her console; Accept, then open the case.
    keys = await at_console(assistant, mair, [
        ("press", t(lang, "notify.accept")), ("press", t(lang, "notify.open_case")),
    ], tmp_path)  # fmt: skip
    assert t(lang, "case.state", state=t(lang, "case.state.allocated")) in keys.text
    clock.advance(days=1)  # Tuesday 24 November: a call, no answer
    await at_console(assistant, mair, [
        *opened, *attempt_steps(lang, "today", "phone", "no_answer", "Rang at 10"),
    ], tmp_path)  # fmt: skip
    clock.advance(days=1)  # Wednesday 25 November: a text, they spoke; the first session
    keys = await at_console(assistant, mair, [
        *opened, *attempt_steps(lang, "today", "text", "spoke", ""),
        ("press", t(lang, "case.set_first_session")), ("say", "30/11/2026"),
    ], tmp_path)  # fmt: skip
    assert t(lang, "first_session.set", case=case, day="30/11/2026") in keys.shown
    assert t(lang, "case.attempts", count=2) in keys.text

    clock.advance(days=5)  # Monday 30 November: the start measure and the first session
    keys = await at_console(assistant, mair, [
        *opened, *measure_steps(lang, "sdq_total", "start", "22"),
        *session_steps(lang, ("law_changed", "impact"), "07/12/2026"),
    ], tmp_path)  # fmt: skip
    assert t(lang, "session.saved", case=case, day="30/11/2026") in keys.shown
    clock.advance(days=7)  # Monday 7 December: they did not come
    await at_console(assistant, mair, [*opened, *missed_steps(lang, "14/12/2026")], tmp_path)
    clock.advance(days=7)  # Monday 14 December: the last session, the end measure, completed
    keys = await at_console(assistant, mair, [
        *opened, *session_steps(lang, ("anger",), t(lang, "session.a.next_on.no_date")),
        *measure_steps(lang, "sdq_total", "end", "15"),
        ("press", t(lang, "case.record_outcome")),
        ("press", t(lang, "outcome.a.outcome.completed")), ("press", t(lang, "outcome.submit")),
    ], tmp_path)  # fmt: skip
    assert t(lang, "case.sessions_held", attended=2, count=3) in keys.text
    assert t(lang, "case.measure_positive.true") in keys.text
    assert t(lang, "case.state", state=t(lang, "case.state.outcome_completed")) in keys.text

    # The officer's console: the form saved as a file, then Acknowledge.
    keys = await at_console(assistant, sergeant, [("press", t(lang, "outcome.acknowledge"))],
                            tmp_path)  # fmt: skip
    saved = tmp_path / f"{reference}-outcome.pdf"
    assert t(lang, "console.saved", path=str(saved)) in keys.shown
    assert t(lang, "outcome.acknowledged", reference=reference) in keys.shown
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(saved.read_bytes())).pages)
    for label, value in [
        ("officer", OFFICER), ("worker", "Mair"), ("outcome", t(lang, "outcome.police.completed")),
        ("first_contact", "25/11/2026"), ("last_session", "14/12/2026"), ("attended", "2"),
    ]:  # fmt: skip
        assert f"{t(lang, f'outcome.form.{label}')} {value}" in text, label

    keys = await at_console(assistant, mair, [("say", "/cases")], tmp_path)
    assert t(lang, "outcome.worker_told", reference=reference, initials="SDJ") in keys.shown
    assert t(lang, "cases.none.worker") in keys.shown
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        assert referral.lifecycle_state is ReferralState.CLOSED
