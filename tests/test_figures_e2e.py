"""A manager enters the figures no case record holds (counts 10 and 11, and guidance §8 iii)
on a phone, through the real bot and the fake Bot API, in English and in Welsh: from
/return, one question per message, a review with Change, Save; the same storage as
`oocps return-entry`, so the return carries them. Another LA's manager cannot touch them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from conversations.enrolment import InviteSpec
from conversations.i18n import t
from state_machine.clock import FixedClock
from state_machine.periods import Period
from storage.uow import Storage
from tests.fakeapi import FakeBotApi, SimUser
from tests.harness import running_bot
from tests.monitoring_data import utc
from tests.screening_script import enrol

TRAINING = "Two workshops on calm routines for foster carers"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="9191:FIGURES", bot_username="oocps_test_bot") as server:
        yield server


async def shows(user: SimUser, words: str) -> str:
    """Wait until the latest message holds `words`; its text."""
    await user.wait_until(lambda u: words in (u.last_text or ""), what=words)
    return user.last_text or ""


async def typed(user: SimUser, text: str, then: str) -> str:
    await user.send(text)
    return await shows(user, then)


async def pressed(user: SimUser, label: str, then: str) -> str:
    await user.press(label)
    return await shows(user, then)


def q(lang: str, key: str) -> str:
    """A question's words, up to its first placeholder (the LA and period come first)."""
    return t(lang, f"figures.q.{key}", la="\0", period="\0").split("\0")[-1][:25]


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_a_manager_enters_their_figures_reviews_changes_saves_and_the_return_has_them(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    clock.set(utc(2026, 12, 2, 9))
    manager = api.user(410, "Mel", language_code=lang)
    async with running_bot(storage, api):
        await enrol(storage, manager, InviteSpec("manager", "Mel", la_codes=("cardiff",)))
        await manager.send("/return")
        await shows(manager, t(lang, "return.choose_period"))
        # One LA: it is taken as given, and the period comes first.
        await pressed(
            manager, t(lang, "return.enter"), t(lang, "figures.q.period", la="", period="")[:8]
        )
        await pressed(manager, "2026-H1", q(lang, "physical_punishment_not_police"))
        said = await typed(manager, "lots", t(lang, "parse.number.invalid", low=0, high=100000))
        assert said  # a polite answer, and the question stands
        await typed(manager, "3", q(lang, "not_physical_punishment"))
        await typed(manager, "4", q(lang, "fte"))
        await typed(manager, "1.555", t(lang, "figures.fte_invalid"))
        await typed(manager, "1,5", q(lang, "staff"))
        await typed(manager, "2", q(lang, "universal_support"))
        await pressed(manager, t(lang, "figures.a.universal_support.yes"), q(lang, "training"))
        await typed(manager, TRAINING, q(lang, "other_activity"))
        review = await pressed(manager, t(lang, "figures.a.other_activity.none"),
                               t(lang, "figures.review.title"))  # fmt: skip
        cardiff = "Caerdydd" if lang == "cy" else "Cardiff"
        for line in (f"• {t(lang, 'figures.r.la')}: {cardiff}", "• FTE: 1.5", TRAINING,
                     f"• {t(lang, 'figures.r.physical_punishment_not_police')}: 3"):  # fmt: skip
            assert line in review, line
        # Change count 10 from the review: only it is asked, then the review again.
        section = t(lang, "figures.section.counts")
        await pressed(manager, t(lang, "figures.change", section=section),
                      t(lang, "figures.change_which", section=section))  # fmt: skip
        await pressed(manager, t(lang, "figures.r.physical_punishment_not_police"),
                      q(lang, "physical_punishment_not_police"))  # fmt: skip
        review = await typed(manager, "5", t(lang, "figures.review.title"))
        assert f"• {t(lang, 'figures.r.physical_punishment_not_police')}: 5" in review
        await pressed(manager, t(lang, "figures.submit"),
                      t(lang, "figures.saved", la=cardiff, period="2026-H1"))  # fmt: skip
        async with storage.unit_of_work() as uow:
            entered = (await uow.monitoring.entries(Period.parse("2026-H1")))["cardiff"]
        assert (entered.physical_punishment_not_police, entered.not_physical_punishment,
                entered.fte, entered.staff, entered.universal_support, entered.training,
                entered.other_activity) == (5, 4, Decimal("1.5"), 2, True, TRAINING,
                                            None)  # fmt: skip
        # The return for that period, straight from the saved message, carries them.
        formats = t(lang, "return.choose_format", period="2026-H1", first="01/04/2026",
                    last="30/09/2026")  # fmt: skip
        await pressed(manager, t(lang, "figures.see_return"), formats)
        await manager.press(t(lang, "return.format.json"))
        (reply,) = await manager.wait_for_reply()
        assert reply.document is not None
        body = json.loads(api.state.files[str(reply.document["file_id"])].data)
        (row,) = body["rows"]
        assert (row["la_code"], row["physical_punishment_not_police"], row["fte"],
                row["training"]) == ("cardiff", 5, "1.5", TRAINING)  # fmt: skip


async def test_another_las_manager_enters_only_for_their_own_and_cannot_press_cardiffs(
    storage: Storage, api: FakeBotApi, clock: FixedClock
) -> None:
    clock.set(utc(2026, 12, 2, 9))
    mel = api.user(420, "Mel", language_code="en")
    nel = api.user(421, "Nel", language_code="en")
    national = api.user(422, "Nat", language_code="en")
    async with running_bot(storage, api):
        await enrol(storage, mel, InviteSpec("manager", "Mel", la_codes=("cardiff",)))
        await enrol(storage, nel, InviteSpec("manager", "Nel", la_codes=("newport",)))
        await enrol(storage, national, InviteSpec("manager", "Nat", national=True))
        await mel.send("/return")
        await shows(mel, t("en", "return.choose_period"))
        await pressed(mel, t("en", "return.enter"), t("en", "figures.q.period", la="Cardiff"))
        cardiffs = mel.last
        assert cardiffs is not None
        # Nel presses Mel's period button from her own chat: someone else's token.
        await nel.send("/return")
        await shows(nel, t("en", "return.choose_period"))
        mine = nel.last
        assert mine is not None
        await nel.press_data(mine.message_id, str(cardiffs.button_data("2026-H1")))
        (stale,) = await nel.wait_for_reply()
        assert stale.text == t("en", "button.stale")
        # Her own form is for Newport, and its LA is never Cardiff's.
        await pressed(nel, t("en", "return.enter"), t("en", "figures.q.period", la="Newport"))
        # A national reader has no LA of their own: no button to enter figures.
        await national.send("/return")
        await shows(national, t("en", "return.choose_period"))
        assert national.last is not None
        assert [t("en", "return.enter")] not in national.last.buttons
    async with storage.unit_of_work() as uow:
        assert await uow.monitoring.entries(Period.parse("2026-H1")) == {}
        nels = await uow.dialogues.current((await uow.people.by_telegram_id(421)).id)  # type: ignore[union-attr]
        assert nels is not None and nels.answers == {"la": "newport"}
