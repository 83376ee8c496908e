"""Managers' status summaries on a phone (issue 13): /summary, its lists and chart, /overdue
and /workload through the real bot and the fake Bot API, in English and in Welsh, against a
hand-built set of cases (tests/summary_data.py); police and admins see counts only; a
manager of one LA never sees another's; and the same at the console."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from bot.console import run_console
from bot.send import parts
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from conversations.summary import chart, workload
from conversations.summary import service as summary
from conversations.summary.figures import LISTED
from conversations.summary.workload import Load
from state_machine.clock import FixedClock
from storage.models import Referral
from storage.uow import Storage
from tests.assistant_script import enrol as enrol_actor
from tests.fakeapi import FakeBotApi, SimUser
from tests.harness import running_bot
from tests.monitoring_data import Cases, utc
from tests.screening_script import enrol
from tests.summary_data import (
    CARDIFF_LISTS,
    CARDIFF_MEDIAN,
    CARDIFF_OUTCOMES,
    CARDIFF_WELSH,
    NEWPORT_LISTS,
    NOW,
    OVERDUE,
    build,
)

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="7272:SUMMARY", bot_username="oocps_test_bot") as server:
        yield server


async def references(storage: Storage, ids: dict[str, int]) -> dict[str, str]:
    async with storage.unit_of_work() as uow:
        return {name: (await uow.session.get(Referral, rid)).reference  # type: ignore[union-attr]
                for name, rid in ids.items() if name not in ("mair", "ifan")}  # fmt: skip


def expected_text(lang: str, title: str, lists: dict[str, list[str]], outcomes: dict[str, int],
                  median: float | None, welsh: tuple[int, int]) -> str:  # fmt: skip
    n = {key: len(v) for key, v in lists.items()}
    return "\n".join([
        title, "",
        t(lang, "summary.open", referred=n["referred"], allocated=n["allocated"],
          engaged=n["engaged"]),
        t(lang, "summary.new_this_week", n=n["new_this_week"]),
        t(lang, "summary.awaiting_acceptance", n=n["awaiting_acceptance"]),
        t(lang, "summary.first_session_soon", n=n["first_session_soon"]),
        t(lang, "summary.overdue", first=n["overdue_first_session"],
          delivery=n["overdue_delivery"], told=n["overdue_police_told"]),
        t(lang, "summary.awaiting_police_ack", n=n["awaiting_police_ack"]),
        t(lang, "summary.outcomes", period="2026-H2", **outcomes),
        t(lang, "summary.median", days="–" if median is None else f"{median:g}"),
        t(lang, "summary.welsh", met=welsh[0], wanted=welsh[1]),
    ])  # fmt: skip


async def first_a_worker(storage: Storage, api: FakeBotApi) -> None:
    """Enrolled first, so the referrals waiting for someone go to her, not the manager."""
    gwen = api.user(400, "Gwen", language_code="en")
    await enrol(storage, gwen, InviteSpec("worker", "Gwen", la_codes=("cardiff", "newport")))


async def opens_card(user: SimUser, reference: str) -> None:
    """A case in a list opens its card (in place of the list, as /cases does)."""
    await user.press(f"{reference} (–)")
    card = t(user.language_code, "case.state.allocated")[:0] + f"{reference} (–) · "
    await user.wait_until(lambda u: (u.last_text or "").startswith(card), what=card)


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_a_manager_sees_their_la_its_lists_and_a_chart_and_nothing_of_another_la(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    ids = await build(storage, clock)
    refs = await references(storage, ids)
    manager = api.user(410, "Mel", language_code=lang)
    async with running_bot(storage, api):
        await first_a_worker(storage, api)
        await enrol(storage, manager, InviteSpec("manager", "Mel", la_codes=("cardiff",)))
        await manager.send("/summary")
        summary, chart = await manager.wait_for_reply(2)
        cardiff = "Caerdydd" if lang == "cy" else "Cardiff"
        assert summary.text == expected_text(
            lang, t(lang, "summary.title_la", la=cardiff), CARDIFF_LISTS, CARDIFF_OUTCOMES,
            CARDIFF_MEDIAN, CARDIFF_WELSH)  # fmt: skip
        assert "Newport" not in (summary.text or "") and "Casnewydd" not in (summary.text or "")
        # A button for each number with cases behind it, and none for a zero.
        labels = [label for row in summary.buttons for label in row]
        assert labels == [t(lang, f"summary.list.{key}", n=len(CARDIFF_LISTS[key]))
                          for key in LISTED if CARDIFF_LISTS[key]]  # fmt: skip
        # The chart, a photo with its caption.
        assert chart.text == t(lang, "summary.chart_caption")
        photo = chart.data["photo"][0]
        assert api.state.files[str(photo["file_id"])].data.startswith(PNG)
        # Each list: the cases it counts, reference only (no initials were taken here).
        for key in ("overdue_delivery", "allocated"):
            label = t(lang, f"summary.list.{key}", n=len(CARDIFF_LISTS[key]))
            await manager.press_data(summary.message_id, summary.button_data(label) or "")
            await manager.wait_until(
                lambda u, label=label: (u.last_text or "").startswith(label), what=label
            )
            shown = manager.last
            assert shown is not None
            assert [row[0] for row in shown.buttons] == [
                f"{refs[name]} (–)" for name in CARDIFF_LISTS[key]
            ]
        # ...and a case in it opens its card.
        await opens_card(manager, refs["late_first"])

        await manager.send("/overdue")
        (late,) = await manager.wait_for_reply()
        assert (late.text or "").splitlines()[0] == t(lang, "overdue.title", count=3)
        assert [row[0] for row in late.buttons] == [f"{refs[name]} (–)" for name, _ in OVERDUE]
        for (name, days), line in zip(OVERDUE, (late.text or "").splitlines()[1:], strict=True):
            assert line.startswith(f"{OVERDUE.index((name, days)) + 1}. {refs[name]} (–): ")
            assert str(days) in line
        await opens_card(manager, refs["late_delivery"])

        await manager.send("/workload")
        (load,) = await manager.wait_for_reply()
        assert (load.text or "").splitlines()[2:] == [
            # Mair: soon (6 Dec), late_delivery (1 Nov), welsh_met (support due 5 Jan)
            t(lang, "workload.line", who="Mair", n=3, due="01/11/2026") + " "
            + t(lang, "workload.overdue", n=1),
            # Ifan: late_first (22 Nov; the completed case is not open)
            t(lang, "workload.line", who="Ifan", n=1, due="22/11/2026") + " "
            + t(lang, "workload.overdue", n=1),
            t(lang, "workload.line", who=t(lang, "workload.unallocated"), n=1, due="22/12/2026"),
        ]  # fmt: skip


async def test_another_las_manager_and_a_national_manager_see_their_own_scope(
    storage: Storage, api: FakeBotApi, clock: FixedClock
) -> None:
    ids = await build(storage, clock)
    refs = await references(storage, ids)
    newport = api.user(420, "Nerys", language_code="en")
    national = api.user(421, "Nat", language_code="en")
    async with running_bot(storage, api):
        await first_a_worker(storage, api)
        await enrol(storage, newport, InviteSpec("manager", "Nerys", la_codes=("newport",)))
        await enrol(storage, national, InviteSpec("manager", "Nat", national=True))
        await newport.send("/summary")
        only, _chart = await newport.wait_for_reply(2)
        assert only.text == expected_text(
            "en", t("en", "summary.title_la", la="Newport"), NEWPORT_LISTS,
            dict.fromkeys(CARDIFF_OUTCOMES, 0), None, (0, 0))  # fmt: skip
        await newport.send("/overdue")
        (none,) = await newport.wait_for_reply()
        assert none.text == t("en", "overdue.none")
        await newport.send("/workload")
        (load,) = await newport.wait_for_reply()
        assert refs["new_waiting"] not in (load.text or "")
        assert "Mair" not in (load.text or "") and "Ifan" not in (load.text or "")

        await national.send("/summary")
        total, cardiff, newport_la, quiet, _chart = await national.wait_for_reply(5)
        both = {k: CARDIFF_LISTS[k] + NEWPORT_LISTS[k] for k in CARDIFF_LISTS}
        assert total.text == expected_text(
            "en", t("en", "summary.title_all_wales"), both, CARDIFF_OUTCOMES, CARDIFF_MEDIAN,
            CARDIFF_WELSH)  # fmt: skip
        assert (cardiff.text or "").startswith(t("en", "summary.title_la", la="Cardiff"))
        assert (newport_la.text or "").startswith(t("en", "summary.title_la", la="Newport"))
        assert quiet.text == t("en", "summary.quiet", n=20)
        # The national manager's Cardiff list, crafted into the Newport manager's chat: refused.
        label = t("en", "summary.list.overdue_delivery", n=1)
        data = cardiff.button_data(label)
        assert data is not None
        await newport.send("/summary")
        mine, _ = await newport.wait_for_reply(2)
        await newport.press_data(mine.message_id, data)
        (refused,) = await newport.wait_for_reply()
        assert refused.text == t("en", "button.stale")


async def test_police_see_their_forces_counts_and_admins_counts_without_lists(
    storage: Storage, api: FakeBotApi, clock: FixedClock
) -> None:
    await build(storage, clock)
    sergeant = api.user(430, "Sgt", language_code="cy")
    gwent = api.user(431, "Sgt Gwent", language_code="en")
    admin = api.user(432, "Ada", language_code="en")
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
        await enrol(storage, gwent, InviteSpec("police", "Sgt G", "gwent"))
        await enrol(storage, admin, InviteSpec("admin", "Ada"))
        await sergeant.send("/summary")
        replies = await sergeant.wait_for_reply(4)  # all Wales, Cardiff, Newport, quiet...
        total = replies[0]
        assert (total.text or "").splitlines()[0] == t(
            "cy", "summary.title_force", force="Heddlu De Cymru"
        )
        # Their referrals' counts, no lists, no worker's figures (median, Welsh, overdue).
        assert t("cy", "summary.open", referred=2, allocated=2, engaged=2) in (total.text or "")
        assert t("cy", "summary.outcomes", period="2026-H2", **CARDIFF_OUTCOMES) in (
            total.text or ""
        )
        assert t("cy", "summary.median", days="13.5") not in (total.text or "")
        assert t("cy", "summary.awaiting_police_ack", n=1) not in (total.text or "")
        assert all(not m.buttons for m in replies)
        await gwent.send("/summary")
        (gwent_total, *_rest) = await gwent.wait_for_reply(3)
        assert t("en", "summary.new_this_week", n=0) in (gwent_total.text or "")
        assert t("en", "summary.open", referred=0, allocated=0, engaged=0) in (
            gwent_total.text or ""
        )
        await admin.send("/summary")
        admin_replies = await admin.wait_for_reply(5)
        assert all(not m.buttons for m in admin_replies)
        assert t("en", "summary.median", days="13.5") in (admin_replies[0].text or "")


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_at_the_console_the_summary_is_numbered_and_the_chart_saved(
    storage: Storage, clock: FixedClock, tmp_path: Path, lang: str
) -> None:
    await build(storage, clock)
    assistant = Assistant(storage, "console")
    manager = await enrol_actor(assistant, 440, InviteSpec("manager", "Mel", la_codes=("cardiff",)))
    async with storage.unit_of_work() as uow:
        user = await uow.people.get(manager.user_id)
        assert user is not None
        user.language = lang
    manager = await assistant.identify_actor(manager.user_id) or manager
    lines = iter(["/summary", "/overdue", "/workload", None])
    said: list[str] = []

    async def ask_line(_prompt: str) -> str | None:
        return next(lines)

    await run_console(assistant, manager, ask_line, said.append, files=tmp_path)
    png = tmp_path / "referrals-2026-12-02.png"  # the day asked
    assert png.read_bytes().startswith(PNG)
    assert t(lang, "console.saved", path=str(png)) in said
    text = "\n".join(said)
    assert t(lang, "overdue.title", count=3) in text
    assert t(lang, "workload.title") in text
    assert f"  [1] {t(lang, 'summary.list.referred', n=1)}" in said


async def test_a_long_list_comes_in_pages_turned_in_place(
    storage: Storage, api: FakeBotApi, clock: FixedClock
) -> None:
    cases = Cases(storage, clock)
    made = [await cases.refer(utc(2026, 11, 20, 9, n), "newport") for n in range(10)]
    clock.set(NOW)
    refs = await references(storage, {str(n): rid for n, rid in enumerate(made)})
    manager = api.user(450, "Nerys", language_code="cy")
    async with running_bot(storage, api):
        await first_a_worker(storage, api)
        await enrol(storage, manager, InviteSpec("manager", "Nerys", la_codes=("newport",)))
        await manager.send("/summary")
        await manager.wait_for_reply(2)
        label = t("cy", "summary.list.referred", n=10)
        await manager.press(label)
        (first,) = await manager.wait_for_reply()
        assert (first.text or "").splitlines()[:2] == [label, t("cy", "cases.page", page=1,
                                                                 pages=2)]  # fmt: skip
        assert [row[0] for row in first.buttons[:-1]] == [f"{refs[str(n)]} (–)" for n in range(8)]
        assert first.buttons[-1] == [t("cy", "cases.next")]
        await manager.press(t("cy", "cases.next"))
        page_two = t("cy", "cases.page", page=2, pages=2)
        await manager.wait_until(lambda u: page_two in (u.last_text or ""), what=page_two)
        turned = manager.last
        assert turned is not None and turned.message_id == first.message_id and turned.edited
        assert [row[0] for row in turned.buttons[:-1]] == [f"{refs[str(n)]} (–)" for n in (8, 9)]
        assert turned.buttons[-1] == [t("cy", "cases.previous")]


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_a_long_workload_goes_in_parts_each_of_whole_lines(lang: str) -> None:
    found = [Load(n, 3, date(2026, 12, 6), n % 2) for n in range(400)]
    names = {n: f"Gweithiwr {n} ap Rhys ab Ifan" for n in range(400)}
    whole = workload.text(lang, found, names)
    sent = parts(whole)
    assert len(sent) > 1 and all(len(p) <= 4096 for p in sent)
    assert "\n".join(sent) == whole  # nothing lost, and each cut is at a line's end
    assert all(p.split("\n")[-1] in whole.split("\n") for p in sent)


async def test_the_charts_bars_are_the_hand_built_referrals_by_month_and_outcome(
    storage: Storage, clock: FixedClock
) -> None:
    await build(storage, clock)
    async with storage.unit_of_work() as uow:
        data = await summary.read(uow, summary.Scope(None))
        bars = chart.counts(data.monthly)
    assert [d.month for d in chart.months(NOW.date())] == [*range(1, 13)]  # Jan-Dec 2026
    months = {g: {i + 1: n for i, n in enumerate(v) if n} for g, v in bars.items()}
    assert months == {
        "completed": {10: 1},  # welsh_unmet
        "not_engaged": {},
        "not_taken_up": {10: 1},  # told
        # late_delivery; welsh_met; soon, late_first and newport_waiting; new_waiting
        "open": {8: 1, 10: 1, 11: 3, 12: 1},
        "other": {},
    }
