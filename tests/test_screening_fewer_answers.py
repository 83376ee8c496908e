"""A screening short enough for one thumb (issue 10): the common eligible path takes 25
answers, and every §3/§4 check is still asked, recorded and shown on its own."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.console import console_actor, run_console
from conversations.access import Actor
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from conversations.reply import Outcome
from state_machine.eligibility import assess
from state_machine.lifecycle import ReferralState
from storage.models import Referral
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import drive, enrol
from tests.screening_script import a, q

README = Path(__file__).resolve().parent.parent / "README.md"

# Every check of the guidance §3 and §4, each under its own key, as the eligible grandparent
# of tests/screening_script.py answered it (the date: "Yes, yesterday" on 23/11/2026).
CHECKS = {
    "outcome": "community_resolution", "offence_level": "yes", "history": "first",
    "gravity": "2", "incident_date": "2026-11-14", "relationship": "grandparent",
    "accepts_responsibility": "yes", "admits_guilt": "yes", "remorse": "yes",
    "resident_in_wales": "yes", "la": "cardiff", "age": 34, "social_services": "yes",
    "social_services_date": "2026-11-22", "needs_screened": "yes",
    "explained_expectations": "done", "explained_consequences": "done",
    "explained_benefits": "done", "willing": "yes", "consent": "given",
}  # fmt: skip
# Kept encrypted with the details; the postcode came with the address.
PERSONAL = {"compliance_factors": "none_known", "address": "1 Heol y Frenhines, Caerdydd",
            "postcode": "CF10 1AA"}  # fmt: skip


async def sergeant_of(storage: Storage) -> tuple[Assistant, Actor]:
    assistant = Assistant(storage, "bot")
    await enrol(assistant, 2, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
    return assistant, await enrol(assistant, 1, InviteSpec("police", "Sgt", "gwent"))


async def answers_and_details(storage: Storage) -> tuple[dict[str, object], dict[str, object]]:
    async with storage.unit_of_work() as uow:
        (referral,) = await uow.session.scalars(
            select(Referral).where(Referral.state == "referred")
        )
        answers = await uow.referrals.answers(referral)
        details = await uow.personal.read(referral, actor="test", purpose="test")
    assert details is not None
    return answers, details


def labels(outcome: Outcome) -> dict[str, str]:
    return {b.label: b.token for r in outcome.replies for row in r.buttons for b in row}


async def test_the_common_path_takes_25_answers_and_records_every_check_on_its_own(
    storage: Storage,
) -> None:
    steps = script.whole("en")
    assert len(steps) == script.COMMON_PATH_STEPS == 25  # /screen and Submit counted
    assert f"**{script.COMMON_PATH_STEPS} answers**" in README.read_text(encoding="utf-8")
    assistant, sergeant = await sergeant_of(storage)
    at_review = await drive(assistant, sergeant, steps[:-1])
    review = at_review.replies[-1].text
    for key in [*CHECKS, *PERSONAL]:  # one line each, whichever message answered it
        assert review.count(f"• {t('en', f'screen.r.{key}')}: ") == 1, key
    assert f"• {t('en', 'screen.r.remorse')}: Yes" in review
    assert f"• {t('en', 'screen.r.postcode')}: CF10 1AA" in review
    submitted = await assistant.press(sergeant, labels(at_review)[steps[-1][1]])
    assert submitted is not None and submitted.notices  # sent to Cardiff
    answers, details = await answers_and_details(storage)
    assert {key: answers.get(key) for key in CHECKS} == CHECKS
    assert {key: details.get(key) for key in PERSONAL} == PERSONAL
    assert assess(answers, "police") is None  # the eligibility rules read each one


async def test_lives_outside_wales_is_a_button_at_the_la_question_and_asked_about_first(
    storage: Storage,
) -> None:
    assistant, sergeant = await sergeant_of(storage)
    steps = [("say", "/screen"), *script.to_consent("en")]
    asked = await drive(assistant, sergeant, steps[: steps.index(("pick", "caerdydd"))])
    assert q("en", "la") in asked.replies[-1].text
    outside = a("en", "la", "outside_wales")
    ends = await assistant.press(sergeant, labels(asked)[outside])
    assert ends is not None
    (confirm,) = (reply.text for reply in ends.replies)
    assert confirm.startswith(t("en", "screen.ineligible.not_resident"))
    assert f"“{t('en', 'screen.r.resident_in_wales')}: No”" in confirm
    back = await assistant.press(sergeant, labels(ends)[t("en", "screen.end.no")])
    assert back is not None and q("en", "la") in back.replies[-1].text  # asked again
    again = await assistant.text(sergeant, outside.lower())  # typed, the same
    assert again is not None and again.replies[-1].text == confirm
    ended = await assistant.press(sergeant, labels(again)[t("en", "screen.end.yes")])
    assert ended is not None
    assert ended.replies[-1].text.startswith(t("en", "screen.ineligible.not_resident"))
    async with storage.unit_of_work() as uow:
        closed = await uow.session.scalar(select(Referral))
        assert closed is not None and closed.lifecycle_state is ReferralState.CLOSED_INELIGIBLE
        assert (await uow.referrals.answers(closed))["resident_in_wales"] == "no"


async def test_not_everything_explained_pauses_until_it_is_ticked(storage: Storage) -> None:
    assistant, sergeant = await sergeant_of(storage)
    steps = [("say", "/screen"), *script.to_consent("en")]
    every = ("press", a("en", "explained", "all"))
    asked = await drive(assistant, sergeant, steps[: steps.index(every)])
    # The consequences are those of the disposal: a Community Resolution here.
    assert t("en", "screen.consequences.community_resolution") in asked.replies[-1].text
    shown = labels(asked)
    for part in ("explained_expectations", "explained_benefits"):
        ticked = await assistant.press(sergeant, shown[f"☐ {a('en', 'explained', part)}"])
        assert ticked is not None and ticked.replies[-1].edit
        shown = labels(ticked)
    paused = await assistant.press(sergeant, shown[a("en", "explained", "done")])
    assert paused is not None and [r.text for r in paused.replies] == [
        t("en", "screen.pause.explained")
    ]
    carry_on = await assistant.press(sergeant, shown[a("en", "explained", "all")])
    assert carry_on is not None and q("en", "willing") in carry_on.replies[-1].text


async def test_a_postcode_typed_in_the_address_is_still_checked_against_the_la(
    storage: Storage,
) -> None:
    assistant, sergeant = await sergeant_of(storage)
    steps = script.whole("en")
    address = ("say", "1 Heol y Frenhines, Caerdydd cf10 1aa")
    at = steps.index(address)
    await drive(assistant, sergeant, steps[:at])
    warned = await assistant.text(sergeant, "5 Stryd Fawr, Casnewydd NP20 1AA")
    assert warned is not None
    warning, language = (reply.text for reply in warned.replies)
    assert warning == t("en", "screen.postcode_la", postcode="NP20 1AA", la="Cardiff")
    assert q("en", "session_language") in language  # the postcode is not asked again


async def test_an_address_whose_postcode_does_not_read_is_kept_and_the_postcode_asked(
    storage: Storage,
) -> None:
    assistant, sergeant = await sergeant_of(storage)
    steps = script.whole("en")
    at = steps.index(("say", "1 Heol y Frenhines, Caerdydd cf10 1aa"))
    await drive(assistant, sergeant, steps[:at])
    typed = "1 Heol y Frenhines, Caerdydd QV1 1AA"  # no postcode starts with Q
    asked = await assistant.text(sergeant, typed)
    assert asked is not None
    problem, postcode = (reply.text for reply in asked.replies)
    assert problem == t("en", "parse.postcode.invalid", example="CF10 1AA")
    assert postcode.startswith("17/") and q("en", "postcode") in postcode  # the address's number
    await drive(assistant, sergeant, [("say", "CF10 1AA"), *steps[at + 1 :]])
    _answers, details = await answers_and_details(storage)
    assert details["address"] == typed and details["postcode"] == "CF10 1AA"


async def test_the_console_ticks_a_checklist_by_number(storage: Storage) -> None:
    """Numbers press the redrawn checklist's buttons; Done with guilt unticked asks first."""
    actor = await console_actor(storage, InviteSpec("police", "Console", "gwent"), "en")
    shown: list[str] = []
    lines = iter(["/screen", "1", "1", "2", "today", "4", "1", "3", "5", "/quit"])

    async def ask(_prompt: str) -> str | None:
        return next(lines, None)

    await run_console(Assistant(storage, "oocps_bot"), actor, ask, shown.append)
    # Community Resolution, a first offence, gravity 2, today, grandparent; then the checklist.
    assert f"  [1] ☑ {a('en', 'responsibility', 'accepts_responsibility')}" in shown
    assert f"  [3] ☑ {a('en', 'responsibility', 'remorse')}" in shown
    assert shown[-3].startswith(t("en", "screen.ineligible.responsibility"))
    assert f"“{t('en', 'screen.r.admits_guilt')}: No”" in shown[-3]
    assert shown[-2:] == [f"  [1] {t('en', 'screen.end.yes')}", f"  [2] {t('en', 'screen.end.no')}"]
