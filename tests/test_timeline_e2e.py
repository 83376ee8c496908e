"""A case's timeline on a phone (issue 13), through the real bot and the fake Bot API, in
English and in Welsh: Cardiff's manager reads it with /case, asks for the details, opens the
card and comes back by its Timeline button; Newport's manager and a crafted button learn
nothing; the Gwent sergeant reads the path and its dates. And at the console."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.console import run_console
from conversations.i18n import t
from state_machine.clock import FixedClock
from storage.uow import Storage
from tests.fakeapi import FakeBotApi, SimUser
from tests.harness import running_bot
from tests.test_timeline import NOTE, SEEN, issue, lived


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="8181:TIMELINE", bot_username="oocps_test_bot") as server:
        yield server


async def speaks(storage: Storage, telegram_id: int, lang: str) -> None:
    """As if they had chosen their language with /language."""
    async with storage.unit_of_work() as uow:
        user = await uow.people.by_telegram_id(telegram_id)
        assert user is not None
        user.language = lang


async def say(user: SimUser, text: str) -> str:
    await user.send(text)
    (reply,) = await user.wait_for_reply()
    return reply.text or ""


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_a_manager_reads_a_timeline_asks_for_details_and_goes_to_and_from_the_card(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    _, actors, reference = await lived(storage, clock, closed=False)  # engaged
    concern = t(lang, "timeline.concern", level=t(lang, "concern.a.level.concern"),
                action=t(lang, "concern.a.action.social_care"))  # fmt: skip
    for telegram_id in (5, 6, 1):
        await speaks(storage, telegram_id, lang)
    manager, newport, sergeant = (api.user(5, "Mel", language_code=lang),
                                  api.user(6, "Nel", language_code=lang),
                                  api.user(1, "Sgt", language_code=lang))  # fmt: skip
    async with running_bot(storage, api):
        shown = await say(manager, f"/case {reference}")
        assert shown.startswith(t(lang, "timeline.title", case=reference, la="")[:12])
        assert concern in shown and NOTE not in shown
        await manager.press(t(lang, "notify.show_details"))
        (details,) = await manager.wait_for_reply()
        assert NOTE in (details.text or "") and SEEN in (details.text or "")
        # The card, and back to the timeline by its button.
        await manager.press(t(lang, "timeline.to_card"))
        await manager.wait_until(
            lambda u: any(t(lang, "case.timeline") in row for row in (u.last.buttons if u.last
                          else [])), what="the card")  # fmt: skip
        await manager.press(t(lang, "case.timeline"))
        (again,) = await manager.wait_for_reply()
        assert concern in (again.text or "")

        # Newport's manager: the case reads as unknown, and a crafted button is refused.
        refused = await say(newport, f"/case {reference}")
        assert refused == t(lang, "timeline.not_found", reference=reference)
        assert refused.replace(reference, "R-ZZZZZZ") == await say(newport, "/case R-ZZZZZZ")
        last = newport.last
        assert last is not None
        for action in ("case.timeline", "case.timeline_details"):
            crafted = await issue(storage, actors["newport"], action, referral_id=1)
            await newport.press_data(last.message_id, crafted)
            (stale,) = await newport.wait_for_reply()
            assert stale.text == t(lang, "button.stale")
        # Cardiff's own button, pressed from Newport's chat, is someone else's token.
        mels = manager.last
        assert mels is not None and mels.buttons
        await newport.press_data(last.message_id, str(mels.button_data(mels.buttons[0][0])))
        (stale,) = await newport.wait_for_reply()
        assert stale.text == t(lang, "button.stale")

        # The referring force's sergeant: the path and its dates, no casework, no buttons.
        told = await say(sergeant, f"/case {reference}")
        assert told.split("\n")[0] == t(lang, "timeline.title_police", reference=reference)
        assert t(lang, "timeline.first_session_set", day="30/11/2026") in told
        assert NOTE not in told and concern not in told
        assert sergeant.last is not None and not sergeant.last.buttons


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_at_the_console_the_timeline_and_its_details_by_number(
    storage: Storage, clock: FixedClock, tmp_path: Path, lang: str
) -> None:
    assistant, actors, reference = await lived(storage, clock)
    await speaks(storage, 5, lang)
    manager = await assistant.identify_actor(actors["manager"].user_id) or actors["manager"]
    lines = iter([f"/case {reference}", "1", None])  # 1: Show details
    said: list[str] = []

    async def ask_line(_prompt: str) -> str | None:
        return next(lines)

    await run_console(assistant, manager, ask_line, said.append, files=tmp_path)
    shown = "\n".join(said)
    assert t(lang, "timeline.closed") in shown
    assert NOTE in shown and SEEN in shown
