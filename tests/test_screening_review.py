"""A sergeant corrects answers on the review screen: one answer at a time, nothing else lost."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec, create_invite, new_token
from conversations.i18n import t
from conversations.parsing import MAX_CHILDREN
from conversations.screening.questions import BY_KEY, QUESTIONS
from state_machine.lifecycle import ReferralState
from storage.models import PersonalDetails, Referral
from storage.uow import Storage
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
)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="5252:REVIEW", bot_username="oocps_test_bot") as server:
        yield server


async def to_review(storage: Storage, sergeant: SimUser, lang: str = "en") -> str:
    """The sergeant at the review; a worker for Cardiff and Newport is enrolled to be told."""
    async with storage.unit_of_work() as uow:
        spec = InviteSpec("worker", "Mair", la_codes=("cardiff", "newport"))
        invite = await uow.people.invite_for(await new_token(uow, spec, actor="test"))
        assert invite is not None
        await uow.people.enrol(invite, telegram_id=9_000, language="en", existing=None)
    await enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
    await screen_to_consent(sergeant, lang)
    await press(sergeant, a(lang, "consent", "given"))
    return await give_details(sergeant, lang)


async def change(sergeant: SimUser, section: str, answer: str, lang: str = "en") -> str:
    """Review -> "Change: <section>" -> the answer's button; returns the question asked."""
    picker = await press(
        sergeant, t(lang, "screen.change", section=t(lang, f"screen.section.{section}"))
    )
    assert picker == t(lang, "screen.change_which", section=t(lang, f"screen.section.{section}"))
    return await press(sergeant, t(lang, f"screen.r.{answer}"))


async def the_referral(storage: Storage) -> Referral:
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
    assert referral is not None
    return referral


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_a_sergeant_corrects_a_phone_number_without_answering_the_rest_again(
    storage: Storage, api: FakeBotApi, lang: str
) -> None:
    sergeant = api.user(300, "Sgt", language_code=lang)
    async with running_bot(storage, api):
        review = await to_review(storage, sergeant, lang)
        assert "+447400123456" in review
        assert q(lang, "phone") in await change(sergeant, "details", "phone", lang)
        review = await say(sergeant, "07400 654321")
        assert review.startswith(t(lang, "screen.review.title", reference="R-")[:20])
        assert "+447400654321" in review and "+447400123456" not in review
        assert "Siân ap Dafydd-Jones" in review  # the rest as it was
        await sergeant.press(t(lang, "screen.submit"))
        (done,) = await sergeant.wait_for_reply()
    assert (await the_referral(storage)).lifecycle_state is ReferralState.REFERRED
    assert (await the_referral(storage)).reference in (done.text or "")


async def test_the_picker_lists_the_sections_answers_and_goes_back_without_a_change(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(301, "Sgt")
    async with running_bot(storage, api):
        before = await to_review(storage, sergeant)
        label = t("en", "screen.change", section=t("en", "screen.section.where"))
        await press(sergeant, label)
        assert sergeant.last is not None and sergeant.last.buttons == [
            ["Local authority", "Lives in Wales"],  # each answer of one message on its own
            ["Age"],
            [t("en", "screen.back_to_review")],
        ]
        assert await say(sergeant, "Age") == t("en", "screen.review_use_buttons")
        after = await press(sergeant, t("en", "screen.back_to_review"))
        assert after.split("\n")[1:] == before.split("\n")[1:]  # same answers, same order


async def test_changing_the_la_asks_for_consent_again_and_nothing_else(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(302, "Sgt")
    async with running_bot(storage, api):
        await to_review(storage, sergeant)
        await change(sergeant, "where", "la")
        await sergeant.send("casnewydd")  # one LA matches: taken at once
        chosen, consent = await sergeant.wait_for_reply(2)
        assert chosen.text == t("en", "screen.la.chosen", la="Newport")
        assert "passed to Newport council" in (consent.text or "")
        review = await press(sergeant, a("en", "consent", "given"))
        assert "Local authority: Newport" in review and "Age: 34" in review
        await sergeant.press(t("en", "screen.submit"))
        (done,) = await sergeant.wait_for_reply()
        assert "sent to Newport" in (done.text or "")
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None
        record = (await uow.referrals.answers(referral))["consent_record"]
    assert "Newport" in record["wording"] and "Cardiff" not in record["wording"]


async def test_changing_the_disposal_asks_again_that_its_consequences_were_explained(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(303, "Sgt")
    async with running_bot(storage, api):
        await to_review(storage, sergeant)
        await change(sergeant, "offence", "outcome")
        asked = await press(sergeant, a("en", "outcome", "conditional_caution"))
        assert t("en", "screen.consequences.conditional_caution") in asked
        review = await press(sergeant, a("en", "explained_consequences", "done"))
        assert "Disposal: Conditional Caution" in review
    assert (await the_referral(storage)).oocd == "conditional_caution"


async def test_a_new_age_checks_the_date_of_birth_again_and_either_may_be_the_one_kept(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(304, "Sgt")
    async with running_bot(storage, api):
        await to_review(storage, sergeant)
        await change(sergeant, "where", "age")
        assert q("en", "dob") in await say(sergeant, "40")
        offered = await say(sergeant, "02/05/1992")  # 34: no longer fits
        assert offered == t("en", "screen.dob_age_mismatch", fits=34, age=40)
        keep = t("en", "screen.dob_keep", dob="02/05/1992", fits=34)
        assert sergeant.last is not None
        assert sergeant.last.buttons == [[keep], [t("en", "screen.dob_again")]]
        assert q("en", "dob") in await press(sergeant, t("en", "screen.dob_again"))
        review = await say(sergeant, "02/05/1986")  # the age was right
        assert "Age: 40" in review and "02/05/1986" in review
        await change(sergeant, "where", "age")
        await say(sergeant, "50")
        await say(sergeant, "02/05/1986")
        review = await press(sergeant, t("en", "screen.dob_keep", dob="02/05/1986", fits=40))
        assert "Age: 40" in review and "02/05/1986" in review  # the date was right


async def test_an_interpreter_is_asked_for_and_dropped_again_with_the_session_language(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(305, "Sgt")
    async with running_bot(storage, api):
        await to_review(storage, sergeant)
        await change(sergeant, "details", "session_language")
        asked = await press(sergeant, a("en", "session_language", "other"))
        assert q("en", "interpreter_language") in asked
        review = await say(sergeant, "Polish")
        assert "Interpreter for: Polish" in review
        await change(sergeant, "details", "session_language")
        review = await press(sergeant, a("en", "session_language", "en"))
        assert "Interpreter for" not in review
        await sergeant.press(t("en", "screen.submit"))
        await sergeant.wait_for_reply()
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None and referral.session_language == "en"
        details = await uow.personal.read(referral, actor="test", purpose="test")
    assert details is not None and "interpreter_language" not in details


async def test_a_change_that_makes_the_individual_ineligible_ends_the_screening(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(306, "Sgt")
    async with running_bot(storage, api):
        await to_review(storage, sergeant)
        review = sergeant.last
        assert review is not None
        await change(sergeant, "person", "remorse")
        ended = await confirm_end(sergeant, await press(sergeant, a("en", "remorse", "no")))
        assert ended.startswith(t("en", "screen.ineligible.responsibility"))
        submit = review.button_data(t("en", "screen.submit"))  # still on screen above
        assert submit is not None
        await sergeant.press_data(review.message_id, submit)
        (stale,) = await sergeant.wait_for_reply()
        assert stale.text == t("en", "button.stale")
    referral = await the_referral(storage)
    assert referral.lifecycle_state is ReferralState.CLOSED_INELIGIBLE
    async with storage.unit_of_work() as uow:
        details = await uow.session.get(PersonalDetails, referral.id)
    assert details is not None and details.payload is None  # purged


async def test_an_answer_button_pressed_after_the_change_is_stale(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(307, "Sgt")
    async with running_bot(storage, api):
        await to_review(storage, sergeant)
        label = t("en", "screen.change", section=t("en", "screen.section.checks"))
        await press(sergeant, label)
        picker = sergeant.last
        assert picker is not None
        await press(sergeant, t("en", "screen.r.needs_screened"))
        assert (await press(sergeant, a("en", "needs_screened", "yes"))).startswith(
            t("en", "screen.review.title", reference="R-")[:20]
        )
        # The picker's other buttons are still on screen; pressing one now starts a new change.
        data = picker.button_data(t("en", "screen.r.compliance_factors"))
        assert data is not None
        await sergeant.press_data(picker.message_id, data)
        (asked,) = await sergeant.wait_for_reply()
        assert q("en", "compliance_factors") in (asked.text or "")


async def test_the_review_fits_one_telegram_message_with_every_answer_at_its_longest(
    storage: Storage,
) -> None:
    """Telegram refuses a message over 4096 (UTF-16) characters: the review must never be one."""
    assistant = Assistant(storage, "bot")
    token = await create_invite(storage, InviteSpec("police", "Rhingyll", "gwent"), actor="t")
    await assistant.start(1, token, "cy")
    actor = await assistant.identify(1)
    assert actor is not None
    longest = {q.key: "ŵ" * q.limit for q in QUESTIONS if q.kind == "text"}
    longest["name"] = "Siân " + "ŵ" * (BY_KEY["name"].limit - 5)
    longest["children_ages"] = ", ".join(["17"] * MAX_CHILDREN)
    outcome = await assistant.command(actor, "screen")
    for _ in range(60):
        reply = outcome.replies[-1]
        step = await _step(storage, actor.user_id)
        assert step is not None, reply.text
        if step == "review":
            break
        buttons = {b.label: b.token for row in reply.buttons for b in row}
        wanted = "Caerdydd" if "Caerdydd" in buttons else _answer_for(step, longest)
        if wanted in buttons:
            outcome = await assistant.press(actor, buttons[wanted])
        else:
            outcome = await assistant.text(actor, wanted)
    review = outcome.replies[-1].text
    assert review.startswith(t("cy", "screen.review.title", reference="R-")[:20])
    assert "ŵ" * 1000 in review and len(review.encode("utf-16-le")) // 2 <= 4096


def _answer_for(step: str, longest: dict[str, str]) -> str:
    """The longest answer to each question, keeping the screening eligible."""
    if step in longest:
        return longest[step]
    if step == "session_language":
        return a("cy", step, "other")  # adds the interpreter's language
    # The address at its longest has no room for a postcode: the postcode is asked on its own.
    typed = {"incident_date": "ddoe", "la": "caerdydd", "age": "34", "dob": "02/05/1992",
             "phone": "07400 123456", "postcode": "CF10 1AA"}  # fmt: skip
    if step in typed:
        return typed[step]
    scripted = dict(ELIGIBLE)
    return a("cy", step, scripted.get(step, "yes"))


ELIGIBLE = [
    ("outcome", "community_resolution"), ("offence", "first"), ("gravity", "2"),
    ("relationship", "grandparent"), ("responsibility", "all"),
    ("social_services_when", "yesterday"),
    ("needs", "something"),  # the compliance factors typed, at their longest
    ("explained", "all"), ("consent", "given"), ("contact_times", "evenings"),
]  # fmt: skip


async def _step(storage: Storage, user_id: int) -> str | None:
    async with storage.unit_of_work() as uow:
        dialogue = await uow.dialogues.current(user_id)
    return None if dialogue is None else dialogue.step


async def test_a_review_too_long_for_one_message_comes_in_parts_with_the_buttons_last(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(308, "Sgt")
    async with running_bot(storage, api):
        await to_review(storage, sergeant)
        await change(sergeant, "details", "notes")
        await say(sergeant, "🙂" * 1000)  # at its limit, and each emoji counts twice
        await change(sergeant, "details", "additional_needs")
        await sergeant.send("🙂" * 500)
        first, second = await sergeant.wait_for_reply(2)
        assert first.buttons == [] and (first.text or "").startswith(
            t("en", "screen.review.title", reference="R-")[:20]
        )
        assert second.buttons[-1] == [t("en", "screen.submit")]
        await sergeant.press(t("en", "screen.submit"))
        (done,) = await sergeant.wait_for_reply()
        assert "sent to Cardiff" in (done.text or "")


async def test_a_home_postcode_outside_the_la_chosen_is_pointed_out_until_it_fits(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(309, "Sgt")
    async with running_bot(storage, api):
        await to_review(storage, sergeant)  # Cardiff, CF10 1AA: nothing to say
        assert "⚠️" not in (sergeant.last.text if sergeant.last else "")
        await change(sergeant, "details", "postcode")
        await sergeant.send("np20 1aa")
        warning, review = await sergeant.wait_for_reply(2)
        assert warning.text == t("en", "screen.postcode_la", postcode="NP20 1AA", la="Cardiff")
        expected = t("en", "screen.review.postcode_la", postcode="NP20 1AA", la="Cardiff")
        assert expected in (review.text or "")
        await change(sergeant, "where", "la")
        await say(sergeant, "NP20 1AA")
        await press(sergeant, "Newport")  # among the LAs the postcode's area reaches
        review_text = await press(sergeant, a("en", "consent", "given"))
        assert "Local authority: Newport" in review_text and "⚠️" not in review_text


async def test_a_home_postcode_outside_wales_gets_the_same_warning(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(310, "Sgt")
    async with running_bot(storage, api):
        await to_review(storage, sergeant)  # "lives in Wales: yes", Cardiff
        await change(sergeant, "details", "postcode")
        await sergeant.send("bs1 4dj")  # Bristol
        warning, review = await sergeant.wait_for_reply(2)
        assert warning.text == t("en", "screen.postcode_la", postcode="BS1 4DJ", la="Cardiff")
        expected = t("en", "screen.review.postcode_la", postcode="BS1 4DJ", la="Cardiff")
        assert expected in (review.text or "")
