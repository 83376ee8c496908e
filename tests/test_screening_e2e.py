"""A sergeant screens on a phone, through the real bot and the fake Bot API, in both languages."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from state_machine.lifecycle import ReferralState
from storage.models import AuditEvent, Notification, PersonalDetails, Referral
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import drive
from tests.assistant_script import enrol as enrol_actor
from tests.fakeapi import FakeBotApi, SimUser
from tests.harness import running_bot
from tests.screening_script import (
    a,
    confirm_end,
    enrol,
    give_details,
    press,
    q,
    say,
    screen_to_consent,
    tick,
)

S = ReferralState


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="5151:SCREEN", bot_username="oocps_test_bot") as server:
        yield server


async def start_screening(storage: Storage, sergeant: SimUser, force: str) -> None:
    """Enrol a sergeant of `force` and open a screening (intro and first question)."""
    await enrol(storage, sergeant, InviteSpec("police", "Sgt", force))
    await sergeant.send("/screen")
    await sergeant.wait_for_reply(2)


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_a_sergeant_refers_an_eligible_grandparent_and_a_worker_accepts(
    storage: Storage, api: FakeBotApi, lang: str
) -> None:
    sergeant = api.user(100, "Sgt Rees", language_code=lang)
    worker = api.user(200, "Mair", language_code="en")
    other_worker = api.user(201, "Ifan", language_code="en")
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", "Sgt Rees", "south-wales"))
        await enrol(storage, worker, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, other_worker, InviteSpec("worker", "Ifan", la_codes=("cardiff",)))
        consent = await screen_to_consent(sergeant, lang)
        assert t(lang, "screen.consent_wording", la="Caerdydd" if lang == "cy" else "Cardiff") in (
            consent
        )
        assert (await press(sergeant, a(lang, "consent", "given"))).startswith("14/")
        review = await give_details(sergeant, lang)
        assert review.startswith(t(lang, "screen.review.title", reference="R-")[:20])
        assert "Siân ap Dafydd-Jones" in review and "+447400123456" in review
        await sergeant.press(t(lang, "screen.submit"))
        (done,) = await sergeant.wait_for_reply()
        (notice,) = await worker.wait_for_reply()
        await other_worker.wait_for_reply()
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None
        assert referral.lifecycle_state is S.REFERRED and referral.la_code == "cardiff"
        assert referral.oocd == "community_resolution" and referral.session_language == "cy"
    assert done.text is not None and referral.reference in done.text
    assert "14/12/2026" in done.text and "23/02/2027" in done.text  # 21 days, 3 months
    assert notice.text is not None and f"{referral.reference} (SDJ)" in notice.text
    assert "Siân" not in notice.text and "07400" not in notice.text  # initials only
    assert notice.buttons == [["Accept"]]


async def test_a_worker_accepts_and_only_then_sees_full_details_and_a_colleague_cannot(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant, worker, colleague = api.user(101, "Sgt"), api.user(202, "Mair"), api.user(203, "Ifan")
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
        await enrol(storage, worker, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, colleague, InviteSpec("worker", "Ifan", la_codes=("cardiff",)))
        await screen_to_consent(sergeant, "en")
        await press(sergeant, a("en", "consent", "given"))
        await give_details(sergeant, "en")
        await sergeant.press(t("en", "screen.submit"))
        await sergeant.wait_for_reply()
        await worker.wait_for_reply()
        await colleague.wait_for_reply()
        await worker.press("Accept")
        await worker.wait_until(lambda u: (u.last_text or "").startswith("You accepted"))
        await colleague.press("Accept")
        await colleague.wait_until(lambda u: "already been accepted" in (u.last_text or ""))
        details = await press(worker, t("en", "notify.show_details"))
        assert "Siân ap Dafydd-Jones" in details and "CF10 1AA" in details
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None and referral.lifecycle_state is S.ALLOCATED
        reads = await uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "personal_details.read")
        )
        assert [e.details["purpose"] for e in reads] == ["screening review", "worker contact"]


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ([("outcome", "nfa")], "nfa"),
        ([("outcome", "charge")], "charge"),
        ([("outcome", "conditional_caution"), ("offence", "not_that_level")],
         "not_reasonable_punishment"),
        ([("outcome", "conditional_caution"), ("offence", "first"), ("gravity", "3")],
         "gravity"),
        ([("outcome", "community_resolution"), ("offence", "previous"),
          ("repeat_disposal", "end")], "repeat_offence"),
    ],
)  # fmt: skip
async def test_each_ineligible_answer_ends_the_screening_with_its_reason(
    storage: Storage, api: FakeBotApi, answers: list[tuple[str, str]], reason: str
) -> None:
    sergeant = api.user(102, "Sgt")
    async with running_bot(storage, api):
        await start_screening(storage, sergeant, "gwent")
        for key, value in answers:
            last = await press(sergeant, a("en", key, value))
        assert last.startswith(t("en", f"screen.ineligible.{reason}"))  # asked first
        last = await confirm_end(sergeant, last)
        assert last.startswith(t("en", f"screen.ineligible.{reason}"))
        assert "Guidance: §" in last
        assert await say(sergeant, "hello") == t("en", "text.not_expected")
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None and referral.lifecycle_state is S.CLOSED_INELIGIBLE
        assert referral.closed_reason is not None and referral.closed_reason.startswith(reason)


async def test_a_repeat_offence_can_be_changed_to_a_conditional_caution(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(103, "Sgt")
    async with running_bot(storage, api):
        await start_screening(storage, sergeant, "gwent")
        await press(sergeant, a("en", "outcome", "community_resolution"))
        assert "Conditional Caution" in await press(sergeant, a("en", "offence", "previous"))
        nxt = await press(sergeant, a("en", "repeat_disposal", "conditional_caution"))
        assert q("en", "gravity") in nxt
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None and referral.oocd == "conditional_caution"
        answers = await uow.referrals.answers(referral)
    assert answers["offence_level"] == "yes" and answers["history"] == "previous"


async def _to_relationship(sergeant: SimUser) -> None:
    for k, v in [("outcome", "community_resolution"), ("offence", "first"), ("gravity", "1")]:
        await press(sergeant, a("en", k, v))
    assert q("en", "relationship") in await say(sergeant, "yesterday")


@pytest.mark.parametrize(
    ("value", "reason"),
    [("club_leader", "in_loco_parentis"), ("foster_carer", "foster_carer")],
)
async def test_who_they_are_to_the_child_can_end_it(
    storage: Storage, api: FakeBotApi, value: str, reason: str
) -> None:
    sergeant = api.user(104, "Sgt")
    async with running_bot(storage, api):
        await start_screening(storage, sergeant, "gwent")
        await _to_relationship(sergeant)
        asked = await press(sergeant, a("en", "relationship", value))
        assert (await confirm_end(sergeant, asked)).startswith(
            t("en", f"screen.ineligible.{reason}")
        )


async def test_responsibility_is_ticked_in_one_message_and_the_one_missing_ends_it(
    storage: Storage, api: FakeBotApi
) -> None:
    """Guilt and remorse ticked, responsibility not: asked about first, named on its own."""
    sergeant = api.user(104, "Sgt")
    async with running_bot(storage, api):
        await start_screening(storage, sergeant, "gwent")
        await _to_relationship(sergeant)
        asked = await press(sergeant, a("en", "relationship", "parent"))
        assert q("en", "responsibility") in asked
        assert sergeant.last is not None and sergeant.last.buttons == [
            [f"☐ {a('en', 'responsibility', part)}"]
            for part in ("accepts_responsibility", "admits_guilt", "remorse")
        ] + [[a("en", "responsibility", "all")], [a("en", "responsibility", "done")]]
        checklist = sergeant.last.message_id
        for part in ("admits_guilt", "remorse"):
            await tick(sergeant, a("en", "responsibility", part))
        assert sergeant.last.message_id == checklist  # redrawn in place, not sent again
        asked = await press(sergeant, a("en", "responsibility", "done"))
        assert asked.startswith(t("en", "screen.ineligible.responsibility"))
        assert f"“{t('en', 'screen.r.accepts_responsibility')}: No”" in asked
        await sergeant.press(t("en", "screen.end.no"))  # the checklist again, ticks as they were
        await sergeant.wait_until(lambda u: q("en", "responsibility") in (u.last_text or ""))
        assert sergeant.last is not None and sergeant.last.buttons[1] == [
            f"☑ {a('en', 'responsibility', 'admits_guilt')}"
        ]
        assert q("en", "la") in await press(sergeant, a("en", "responsibility", "all"))
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None and referral.lifecycle_state is S.SCREENING
        answers = await uow.referrals.answers(referral)
    assert [answers[k] for k in ("accepts_responsibility", "admits_guilt", "remorse")] == [
        "yes", "yes", "yes"
    ]  # fmt: skip


async def test_responsibility_missing_ends_the_screening_once_confirmed(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(104, "Sgt")
    async with running_bot(storage, api):
        await start_screening(storage, sergeant, "gwent")
        await _to_relationship(sergeant)
        await press(sergeant, a("en", "relationship", "parent"))
        await tick(sergeant, a("en", "responsibility", "accepts_responsibility"))
        asked = await press(sergeant, a("en", "responsibility", "done"))  # no guilt admitted
        assert f"“{t('en', 'screen.r.admits_guilt')}: No”" in asked
        ended = await confirm_end(sergeant, asked)
        assert ended.startswith(t("en", "screen.ineligible.responsibility"))
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None and referral.lifecycle_state is S.CLOSED_INELIGIBLE


async def test_a_parent_under_18_is_handed_to_the_yot_who_completes_the_referral(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant, yot = api.user(105, "Sgt"), api.user(106, "Yvonne")
    other_force_yot, worker = api.user(107, "Yann"), api.user(108, "Mair")
    async with running_bot(storage, api):
        await enrol(storage, worker, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
        await enrol(storage, yot, InviteSpec("yot", "Yvonne", "south-wales"))
        await enrol(storage, other_force_yot, InviteSpec("yot", "Yann", "gwent"))
        handed = await _to_age(sergeant, "17")
        assert handed.startswith(t("en", "handover.done", reference="R-")[:40])
        (notice,) = await yot.wait_for_reply()
        assert notice.buttons == [[t("en", "handover.take")]]
        assert other_force_yot.messages[-1].text != notice.text  # another force hears nothing
        await yot.press(t("en", "handover.take"))
        (question,) = await yot.wait_for_reply()
        assert q("en", "social_services_when") in (question.text or "")
        rest = script.to_consent("en")[-4:]  # from the Social Services question on
        # The incident was today in this story, so Social Services were spoken to today too.
        yesterday, today = (a("en", "social_services_when", d) for d in ("yesterday", "today"))
        await script.run(yot, [("press", today) if v == yesterday else (k, v) for k, v in rest])
        await press(yot, a("en", "consent", "given"))
        await script.run(yot, script.details("en", dob="01/01/2009"))  # 17, as police said
        await yot.press(t("en", "screen.submit"))
        (done,) = await yot.wait_for_reply()
        assert "sent to Cardiff" in (done.text or "")
        (offer,) = await worker.wait_for_reply()
        assert (offer.text or "").startswith("New referral R-")
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None and referral.lifecycle_state is S.REFERRED
        assert referral.yot and referral.referring_officer_id is not None
        told = list(await uow.session.scalars(select(Notification)))
    # Only the YOT officer of the same force was told, and that is on record; then the worker.
    handed = [
        (n.recipient_user_id, n.sent_at is not None) for n in told if n.kind != "new_referral"
    ]
    assert [n.kind for n in told] == ["handed_to_yot", "new_referral"] and len(handed) == 1
    assert handed[0][1]


async def test_with_no_yot_officer_enrolled_it_waits_and_a_yot_officer_cannot_refer_an_adult(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant, yot = api.user(108, "Sgt"), api.user(109, "Yvonne")
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "dyfed-powys"))
        waiting = await _to_age(sergeant, "16")  # tests/test_handover_waits_for_yot.py
        assert waiting.startswith(t("en", "handover.waiting", reference="R-")[:40])
        await enrol(storage, yot, InviteSpec("yot", "Yvonne", "dyfed-powys"))
        await yot.wait_until(lambda u: len(u.messages) == 2)  # the welcome, and the hand-over
        adult = await confirm_end(yot, await _to_age(yot, "19"))
        assert adult.startswith(t("en", "screen.ineligible.adult_via_police"))


async def _to_age(user: SimUser, age: str) -> str:
    await user.send("/screen")
    await user.wait_for_reply(2)
    for key, value in [("outcome", "community_resolution"), ("offence", "first"), ("gravity", "1")]:
        await press(user, a("en", key, value))
    await say(user, "today")
    for key, value in [("relationship", "parent"), ("responsibility", "all")]:
        await press(user, a("en", key, value))
    await say(user, "CF10 1AA")
    await press(user, "Cardiff")
    return await say(user, age)


async def test_refused_consent_closes_the_case_and_keeps_nothing_personal(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(108, "Sgt")
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
        await screen_to_consent(sergeant, "en")
        refused = await press(sergeant, a("en", "consent", "refused"))
        assert refused.startswith("Consent was refused")
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None and referral.lifecycle_state is S.CLOSED_NO_CONSENT
        details = await uow.session.get(PersonalDetails, referral.id)  # compliance factors
        assert details is not None and details.payload is None and details.purged_at is not None


async def test_bad_answers_are_re_asked_with_an_example_and_nothing_is_lost(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(109, "Sgt")
    async with running_bot(storage, api):
        await start_screening(storage, sergeant, "south-wales")
        # Typing a button's words works; typing nonsense re-asks.
        assert q("en", "offence") in await say(sergeant, "community resolution")
        for unclear in ("perhaps", "yes"):  # "yes" alone: which of the two yeses?
            await sergeant.send(unclear)
            problem, again = await sergeant.wait_for_reply(2)
            assert problem.text == t("en", "screen.use_buttons")
            assert again.text is not None and q("en", "offence") in again.text
        assert q("en", "gravity") in await say(sergeant, "yes, a first")
        await press(sergeant, "2")
        for bad in ("31/11/2026", "next week", "01/01/2030"):
            await sergeant.send(bad)
            problem, again = await sergeant.wait_for_reply(2)
            assert "21/03/2022" in (problem.text or "") or "future" in (problem.text or "")
            assert again.text is not None and q("en", "incident_date") in again.text
        assert q("en", "relationship") in await say(sergeant, "1/11/26")
        await sergeant.send("x" * 4001)
        (too_long,) = await sergeant.wait_for_reply()
        assert too_long.text == t("en", "text.too_long", limit=4000)
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None
        answers = await uow.referrals.answers(referral)
    assert answers == {
        "outcome": "community_resolution", "offence_level": "yes", "gravity": "2",
        "history": "first", "incident_date": "2026-11-01",
    }  # fmt: skip


async def test_a_restart_in_the_middle_loses_nothing_and_the_sergeant_carries_on(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(111, "Sgt")
    async with running_bot(storage, api):
        await start_screening(storage, sergeant, "south-wales")
        await press(sergeant, a("en", "outcome", "conditional_caution"))
        await press(sergeant, a("en", "offence", "first"))
    async with running_bot(storage, api):  # a new process: nothing in memory
        offer = await say(sergeant, "/screen")
        assert offer == t("en", "screen.in_progress")
        assert q("en", "gravity") in await press(sergeant, t("en", "screen.carry_on"))
        assert q("en", "incident_date") in await press(sergeant, "1")


async def test_cancel_discards_the_screening_after_a_confirmation(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(112, "Sgt")
    async with running_bot(storage, api):
        await start_screening(storage, sergeant, "south-wales")
        await press(sergeant, a("en", "outcome", "conditional_caution"))
        assert await say(sergeant, "/cancel") == t("en", "cancel.confirm")
        await sergeant.press(t("en", "cancel.yes"))
        await sergeant.wait_until(lambda u: u.last_text == t("en", "cancel.done"))
        assert (await say(sergeant, "/screen")).startswith(t("en", "screen.intro")[:30])
    async with storage.unit_of_work() as uow:
        states = list(await uow.session.scalars(select(Referral.state)))
    assert states == ["screening"]  # only the new one; the cancelled one is gone


async def test_a_worker_or_an_admin_cannot_screen(storage: Storage, api: FakeBotApi) -> None:
    worker = api.user(113, "Mair")
    async with running_bot(storage, api):
        await enrol(storage, worker, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        assert await say(worker, "/screen") == t("en", "command.unknown")


async def test_in_welsh_typed_answers_and_the_ending_are_welsh_too(
    storage: Storage, api: FakeBotApi
) -> None:
    rhingyll = api.user(114, "Rhingyll", language_code="cy")
    async with running_bot(storage, api):
        await start_screening(storage, rhingyll, "north-wales")
        assert q("cy", "offence") in await say(rhingyll, "rhybudd amodol")
        assert q("cy", "gravity") in await say(rhingyll, "ie, trosedd gyntaf")
        ended = await confirm_end(rhingyll, await say(rhingyll, "4"), "cy")
        assert ended.startswith(t("cy", "screen.ineligible.gravity"))
        assert "Canllawiau: §3, troednodyn 9." in ended


async def test_who_was_told_of_a_new_referral_is_on_record_and_a_blocked_worker_is_not(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant, worker, away = api.user(115, "Sgt"), api.user(204, "Mair"), api.user(205, "Ifan")
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
        await enrol(storage, worker, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, away, InviteSpec("worker", "Ifan", la_codes=("cardiff",)))
        await away.block()
        await script.run(sergeant, script.whole("en"))  # screened and submitted
        (notice,) = await worker.wait_for_reply()
    # Stopping the bot lets the update in hand finish: the delivery is on record by now.
    async with storage.unit_of_work() as uow:
        marked = list(await uow.session.scalars(select(Notification)))
    rows = {n.recipient_user_id: n for n in marked}
    async with storage.unit_of_work() as uow:
        mair, ifan = (await uow.people.profile(204)), (await uow.people.profile(205))
    assert mair is not None and ifan is not None
    assert rows[mair.id].kind == "new_referral" and rows[mair.id].sent_at is not None
    assert rows[mair.id].chat_message_id == notice.message_id
    assert rows[ifan.id].sent_at is None and rows[ifan.id].chat_message_id is None  # still owed


async def test_an_answer_that_would_end_the_screening_is_asked_about_first(
    storage: Storage, api: FakeBotApi
) -> None:
    """A mistyped incident date or a mis-tapped gravity score does not close the screening."""
    sergeant = api.user(120, "Sgt")
    async with running_bot(storage, api):
        await start_screening(storage, sergeant, "gwent")
        for k, v in [("outcome", "community_resolution"), ("offence", "first")]:
            await press(sergeant, a("en", k, v))
        asked = await press(sergeant, a("en", "gravity", "3"))
        assert asked.startswith(t("en", "screen.ineligible.gravity"))
        assert "“3”" in asked
        mis_tapped = sergeant.last
        assert mis_tapped is not None
        assert q("en", "incident_date") in await say(sergeant, "1")  # typed: the answer changed
        yes = mis_tapped.button_data(t("en", "screen.end.yes"))
        assert yes is not None
        await sergeant.press_data(mis_tapped.message_id, yes)  # too late: it was changed
        (stale,) = await sergeant.wait_for_reply()
        assert stale.text == t("en", "button.stale")
        asked = await say(sergeant, "01/01/2021")
        assert asked.startswith(t("en", "screen.ineligible.before_commencement"))
        await sergeant.press(t("en", "screen.end.no"))  # the question again, in its place
        await sergeant.wait_until(lambda u: q("en", "incident_date") in (u.last_text or ""))
        assert q("en", "relationship") in await say(sergeant, "14/11/2026")
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None and referral.lifecycle_state is S.SCREENING
        answers = await uow.referrals.answers(referral)
        assert answers["gravity"] == "1" and answers["incident_date"] == "2026-11-14"


async def test_a_social_services_date_before_the_incident_names_the_incident_date(
    storage: Storage,
) -> None:
    assistant = Assistant(storage, "bot")
    sergeant = await enrol_actor(assistant, 1, InviteSpec("police", "Sgt", "gwent"))
    steps = [("say", "/screen"), *script.to_consent("en")]
    steps[steps.index(("say", "14/11/2026"))] = ("press", a("en", "incident_date", "today"))
    upto = steps.index(("press", a("en", "social_services_when", "yesterday")))
    asked = await drive(assistant, sergeant, steps[:upto])
    assert asked.replies[-1].text.startswith("9/")
    # "Yes, yesterday": spoken to, recorded; the day refused, and asked on its own (still 9/).
    labels = {b.label: b.token for row in asked.replies[-1].buttons for b in row}
    refused = await assistant.press(sergeant, labels[steps[upto][1]])
    assert refused is not None
    problem, again = (reply.text for reply in refused.replies)
    assert problem == t("en", "screen.social_services_before_incident", incident="23/11/2026")
    assert again.startswith("9/") and q("en", "social_services_date") in again
    accepted = await assistant.text(sergeant, "today")
    assert accepted is not None and q("en", "needs") in accepted.replies[-1].text
    assert accepted.replies[-1].text.startswith("10/")


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("CF10", "Cardiff"),
        ("np20", "Newport"),
        ("1 Heol y Frenhines, Caerdydd CF10 1AA", "Cardiff"),
    ],
)
async def test_an_outward_code_or_an_address_typed_at_the_la_question_finds_the_la(
    storage: Storage, typed: str, offered: str
) -> None:
    assistant = Assistant(storage, "bot")
    sergeant = await enrol_actor(assistant, 1, InviteSpec("police", "Sgt", "gwent"))
    steps = [("say", "/screen"), *script.to_consent("en")]
    await drive(assistant, sergeant, steps[: steps.index(("pick", "caerdydd"))])
    found = await assistant.text(sergeant, typed)  # the hint itself suggests CF10
    assert found is not None and found.replies[0].text == t("en", "screen.la.pick")
    assert offered in [b.label for row in found.replies[0].buttons for b in row]


async def test_a_search_with_one_match_takes_it_and_says_so(storage: Storage) -> None:
    assistant = Assistant(storage, "bot")
    sergeant = await enrol_actor(assistant, 1, InviteSpec("police", "Sgt", "gwent"))
    steps = [("say", "/screen"), *script.to_consent("en")]
    await drive(assistant, sergeant, steps[: steps.index(("pick", "caerdydd"))])
    picked = await assistant.text(sergeant, "Bro Morg")  # its Welsh name
    assert picked is not None
    chosen, age = (reply.text for reply in picked.replies)
    assert chosen == t("en", "screen.la.chosen", la="Vale of Glamorgan")
    assert q("en", "age") in age
