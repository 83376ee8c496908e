"""A date of birth that does not fit the age given earlier (issue 10, dead ends): the sergeant
may keep the date and take the age it gives, or type the date again. Either way nothing else
is lost, and the age kept is assessed like one typed (under 18 goes to the YOT)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.console import console_actor, run_console
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from conversations.notifications.yot import HANDED_OVER
from state_machine.lifecycle import ReferralState
from storage.models import Referral
from storage.uow import Storage
from tests import screening_script as script
from tests.fakeapi import FakeBotApi, SimUser
from tests.harness import running_bot
from tests.screening_script import a, enrol, press, q, reference_in, say

AGE = 34  # the age the common path gives (tests/screening_script.py)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="5555:DOB", bot_username="oocps_test_bot") as server:
        yield server


async def to_dob(sergeant: SimUser, lang: str) -> None:
    """Screened to the date of birth: consent given, the name typed."""
    await script.screen_to_consent(sergeant, lang)
    await press(sergeant, a(lang, "consent", "given"))
    assert q(lang, "dob") in await say(sergeant, "Siân ap Dafydd-Jones")


async def kept(storage: Storage) -> tuple[Referral, dict[str, object], dict[str, object]]:
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None
        details = await uow.personal.read(referral, actor="test", purpose="test")
        return referral, await uow.referrals.answers(referral), details or {}


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_a_date_of_birth_of_17_is_kept_and_the_screening_goes_to_the_yot(
    storage: Storage, api: FakeBotApi, lang: str
) -> None:
    sergeant = api.user(130, "Sgt", language_code=lang)
    yot = api.user(131, "Yvonne")
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
        await enrol(storage, yot, InviteSpec("yot", "Yvonne", "south-wales"))
        await to_dob(sergeant, lang)
        offered = await say(sergeant, "01/01/2009")  # 17 today, not 34
        assert offered == t(lang, "screen.dob_age_mismatch", fits=17, age=AGE)
        keep = t(lang, "screen.dob_keep", dob="01/01/2009", fits=17)
        again = t(lang, "screen.dob_again")
        assert sergeant.last is not None and sergeant.last.buttons == [[keep], [again]]
        # Type it again: the offer's message keeps its words and says what was chosen.
        assert q(lang, "dob") in await press(sergeant, again)
        chosen = sergeant.messages[-2]
        assert chosen.text == f"{offered}\n\n✓ {again}" and chosen.buttons == []
        assert await say(sergeant, "01/01/2009") == offered  # the same date: the same offer
        handed = await press(sergeant, keep)
        assert handed.startswith(t(lang, "handover.done", reference="R-")[:40])
        (notice,) = await yot.wait_for_reply()
        assert notice.text == t("en", "handover.notice", reference=reference_in(handed))
        await yot.press(t("en", "handover.take"))
        (question,) = await yot.wait_for_reply()
        assert q("en", "social_services") in (question.text or "")
    referral, answers, details = await kept(storage)
    assert referral.lifecycle_state is ReferralState.SCREENING and referral.yot
    assert answers["age"] == 17 and answers[HANDED_OVER] == "south-wales"
    # Nothing else was lost: what police answered after the age is all still there.
    assert answers["consent"] == "given" and answers["willing"] == "yes"
    assert details["dob"] == "2009-01-01" and details["name"] == "Siân ap Dafydd-Jones"
    assert details["compliance_factors"] == "none_known"


async def test_an_adults_date_of_birth_is_kept_with_the_age_it_gives_and_the_screening_goes_on(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(132, "Sgt")
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
        await to_dob(sergeant, "en")
        await say(sergeant, "02/05/1980")  # 46
        asked = await press(sergeant, t("en", "screen.dob_keep", dob="02/05/1980", fits=46))
        assert q("en", "phone") in asked
        review = await script.run(sergeant, script.details("en")[2:])  # from the phone on
        assert "Age: 46" in review and "02/05/1980" in review
    _referral, answers, _details = await kept(storage)
    assert answers["age"] == 46


async def test_a_date_of_birth_giving_an_age_nobody_could_be_is_only_asked_again(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(133, "Sgt")
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
        await to_dob(sergeant, "en")
        await sergeant.send("01/01/2020")  # 6: below the youngest age the age question takes
        problem, again = await sergeant.wait_for_reply(2)
        assert problem.text == t("en", "screen.dob_age_impossible", fits=6, age=AGE)
        assert problem.buttons == [] and q("en", "dob") in (again.text or "")
        assert q("en", "phone") in await say(sergeant, "02/05/1992")
    _referral, answers, _details = await kept(storage)
    assert answers["age"] == AGE


async def test_at_the_console_the_date_of_birth_is_kept_by_its_number(storage: Storage) -> None:
    assistant = Assistant(storage, "oocps_bot")
    sergeant = await console_actor(storage, InviteSpec("police", "Sgt", "south-wales"), "cy")
    steps = [("say", "/screen"), *script.to_consent("cy"), ("say", a("cy", "consent", "given")),
             ("say", "Siân ap Dafydd-Jones"), ("say", "02/05/1980")]  # fmt: skip
    term = Terminal(*[value for _how, value in steps], "1", "/quit")  # 1: keep the date
    await run_console(assistant, sergeant, term.ask, term.say)
    keep = t("cy", "screen.dob_keep", dob="02/05/1980", fits=46)
    assert f"  [1] {keep}" in term.shown
    assert q("cy", "phone") in term.shown[-1]
    _referral, answers, _details = await kept(storage)
    assert answers["age"] == 46


class Terminal:
    def __init__(self, *lines: str) -> None:
        self._lines = iter(lines)
        self.shown: list[str] = []

    async def ask(self, _prompt: str) -> str | None:
        return next(self._lines, None)

    def say(self, text: str) -> None:
        self.shown.append(text)
