"""A manager asks for the monitoring return on a phone: /return through the real bot and the
fake Bot API, sent as a file, in English and in Welsh; and at the console, saved to a path."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.console import run_console
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from state_machine.clock import FixedClock
from storage.uow import Storage
from tests.assistant_script import enrol as enrol_actor
from tests.fakeapi import FakeBotApi, SimUser
from tests.harness import running_bot
from tests.monitoring_data import EXPECTED, build, utc
from tests.screening_script import enrol


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="7171:RETURN", bot_username="oocps_test_bot") as server:
        yield server


def file_of(api: FakeBotApi, document: dict[str, object]) -> bytes:
    return api.state.files[str(document["file_id"])].data


async def ask(user: SimUser, text: str) -> tuple[str, dict[str, object] | None]:
    await user.send(text)
    (reply,) = await user.wait_for_reply()
    return reply.text or "", reply.document


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_a_manager_gets_their_las_return_as_a_spreadsheet_in_their_language(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    await build(storage, clock)
    clock.set(utc(2026, 12, 2, 9))
    manager = api.user(310, "Mel", language_code=lang)
    worker = api.user(311, "Mair", language_code="en")
    async with running_bot(storage, api):
        # The cases' worker first: the referrals waiting for someone at Cardiff go to her.
        await enrol(storage, worker, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, manager, InviteSpec("manager", "Mel", la_codes=("cardiff",)))
        # /return alone: the periods as buttons (this one so far, and three before it),
        # then the formats in their place, then the file.
        said, document = await ask(manager, "/return")
        assert said == t(lang, "return.choose_period") and document is None
        last = manager.last
        assert last is not None
        assert last.buttons == [
            [t(lang, "return.period_so_far", period="2026-H2"),
             t(lang, "return.period", period="2026-H1")],
            [t(lang, "return.period", period="2025-H2"),
             t(lang, "return.period", period="2025-H1")],
            [t(lang, "return.enter")],
        ]  # fmt: skip
        await manager.press(t(lang, "return.period", period="2026-H1"))
        formats = t(lang, "return.choose_format", period="2026-H1", first="01/04/2026",
                    last="30/09/2026")  # fmt: skip
        await manager.wait_until(lambda u: u.last_text == formats, what=formats)
        await manager.press(t(lang, "return.format.xlsx"))
        (reply,) = await manager.wait_for_reply()
        caption, document = reply.text or "", reply.document
        assert document is not None
        assert document["file_name"] == "oocps-return-2026-H1.xlsx"
        cardiff = "Caerdydd" if lang == "cy" else "Cardiff"
        assert caption == t(lang, "return.caption", period="2026-H1", first="01/04/2026",
                            last="30/09/2026", scope=cardiff)  # fmt: skip
        book = load_workbook(io.BytesIO(file_of(api, document)))
        counts, definitions = book.worksheets
        assert counts.title == t(lang, "return.sheet.counts")
        rows = list(counts.iter_rows(values_only=True))
        assert rows[0][2] == t(lang, "return.col.referred")
        assert [r[0] for r in rows[1:]] == ["cardiff", None]  # their LA and the total only
        assert rows[1][2:11] == tuple(EXPECTED["cardiff"].values())
        meanings = [r[1] for r in definitions.iter_rows(values_only=True)]
        assert t(lang, "return.def.took_up") in meanings

        caption, document = await ask(manager, "/return 2026-H2 csv")  # this one, so far
        assert document is not None and document["file_name"] == "oocps-return-2026-H2.csv"
        assert caption.startswith(t(lang, "return.caption_so_far", period="2026-H2",
                                    first="", last="", scope="")[:20])  # fmt: skip
        data = file_of(api, document)
        assert data.startswith(b"\xef\xbb\xbf")
        header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert header[1] == t(lang, "return.col.la")

        said, document = await ask(manager, "/return next-year")
        assert document is None and said == t(lang, "return.bad_args", example="2026-H1")
        said, document = await ask(manager, "/return 2027-H1")
        assert document is None and said == t(lang, "return.future", period="2027-H1")


async def test_a_worker_and_a_sergeant_are_not_given_the_return(
    storage: Storage, api: FakeBotApi, clock: FixedClock
) -> None:
    worker = api.user(320, "Mair", language_code="en")
    sergeant = api.user(321, "Sgt", language_code="en")
    async with running_bot(storage, api):
        await enrol(storage, worker, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
        for user in (worker, sergeant):
            said, document = await ask(user, "/return 2026-H1")
            assert document is None and said == t("en", "command.unknown")


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_at_the_console_the_return_is_saved_and_its_path_said(
    storage: Storage, clock: FixedClock, tmp_path: Path, lang: str
) -> None:
    await build(storage, clock)
    clock.set(utc(2026, 12, 2, 9))
    assistant = Assistant(storage, "console")
    manager = await enrol_actor(assistant, 330, InviteSpec("manager", "Nat", national=True))
    async with storage.unit_of_work() as uow:  # as if they had chosen it with /language
        user = await uow.people.get(manager.user_id)
        assert user is not None
        user.language = lang
    manager = await assistant.identify_actor(manager.user_id) or manager
    lines = iter(["/return 2026-H1", "/return 2026-H1 json", None])
    said: list[str] = []

    async def ask_line(_prompt: str) -> str | None:
        return next(lines)

    await run_console(assistant, manager, ask_line, said.append, files=tmp_path)
    xlsx, json_file = tmp_path / "oocps-return-2026-H1.xlsx", tmp_path / "oocps-return-2026-H1.json"
    assert t(lang, "console.saved", path=str(xlsx)) in said
    assert t(lang, "console.saved", path=str(json_file)) in said
    assert t(lang, "return.all_wales") in "\n".join(said)
    rows = list(load_workbook(xlsx).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 22 + 1
    assert rows[-1][1] == t(lang, "return.total")
