"""Who may do what, as one table (issue 10 item 5): every command and every button, for every
role, in scope and out of it, and crafted, replayed, revoked and other-user tokens. A person is
allowed exactly where DESIGN.md §1 says; everywhere else they get the same neutral refusal,
and someone not enrolled hears only that this is a closed service.

Buttons here are mostly crafted: issued on the server for the person being tested, as if the
button had somehow been shown to them, so each row shows the check is made when it is used.
A new command, action or kind of dialogue fails `test_every_..._has_rows` until it has rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from conversations import registry
from conversations.access import ROLE_COMMANDS, ROLES, Actor
from conversations.assistant import Assistant, Delivery
from conversations.enrolment import InviteSpec
from conversations.i18n import both, t
from conversations.notifications.outcome import notify_outcome
from conversations.reply import Outcome
from state_machine.clock import FixedClock
from storage.models import ContactAttempt, ExtensionRequest, NudgeSent, Referral
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import drive, enrol

ALLOWED, REFUSED = "allowed", "refused"
STALE = t("en", "button.stale")
UNKNOWN = t("en", "command.unknown")
CLOSED = both("stranger.closed_service")

# The people of every story below, by telegram id: a Gwent sergeant refers to Cardiff.
PEOPLE: dict[str, tuple[int, InviteSpec]] = {
    "sergeant-gwent": (1, InviteSpec("police", "Sgt", "gwent")),
    "worker-cardiff": (2, InviteSpec("worker", "Mair", la_codes=("cardiff",))),
    "worker-cardiff-2": (3, InviteSpec("worker", "Ifan", la_codes=("cardiff",))),
    "worker-newport": (4, InviteSpec("worker", "Nia", la_codes=("newport",))),
    "manager-cardiff": (5, InviteSpec("manager", "Mel", la_codes=("cardiff",))),
    "manager-national": (6, InviteSpec("manager", "Nat", national=True)),
    "police-south-wales": (7, InviteSpec("police", "Sgt Rees", "south-wales")),
    "yot-gwent": (8, InviteSpec("yot", "Yvonne", "gwent")),
    "yot-south-wales": (9, InviteSpec("yot", "Yann", "south-wales")),
    "admin": (10, InviteSpec("admin", "Ada")),
    "sergeant-gwent-2": (11, InviteSpec("police", "Sgt Owen", "gwent")),
}
ONE_OF_EACH_ROLE = ("sergeant-gwent", "yot-gwent", "worker-cardiff", "manager-cardiff", "admin")
STRANGER = 999


def texts(outcome: Outcome | None) -> list[str]:
    assert outcome is not None
    return [reply.text for reply in outcome.replies]


def role_of(who: str) -> str:
    return PEOPLE[who.removesuffix(" moved to newport")][1].role


async def issue(storage: Storage, actor: Actor, action: str, payload: dict[str, Any]) -> str:
    """A token made on the server for this user: a button they may never have been shown."""
    async with storage.unit_of_work() as uow:
        return uow.buttons.issue(actor.user_id, action, payload, uow.clock.now())


async def revoke(storage: Storage, telegram_id: int) -> None:
    async with storage.unit_of_work() as uow:
        user = await uow.people.by_telegram_id(telegram_id)
        assert user is not None
        await uow.people.revoke(user, actor="test")


async def latest_referral(storage: Storage) -> int:
    async with storage.unit_of_work() as uow:
        referral_id = (await uow.session.execute(select(func.max(Referral.id)))).scalar_one()
        assert referral_id is not None
        return int(referral_id)


async def one_person(storage: Storage, who: str) -> tuple[Assistant, Actor]:
    assistant = Assistant(storage, "bot")
    telegram_id, spec = PEOPLE[who]
    return assistant, await enrol(assistant, telegram_id, spec)


# 1. Commands: who may use each one, as DESIGN.md §1 gives each role its work. Written out
#    here rather than read from ROLE_COMMANDS, so the table is the spec the code is held to.
EVERYONE = frozenset(ROLES)
COMMAND_TABLE: dict[str, frozenset[str]] = {
    "help": EVERYONE,
    "language": EVERYONE,
    "whoami": EVERYONE,
    "cancel": EVERYONE,
    "screen": frozenset({"police", "yot"}),  # screening and referring is police's and YOT's
    "cases": frozenset({"worker", "manager"}),  # the LA's cases: its workers and managers
    "invite": frozenset({"admin"}),  # only an admin enrols people
    "users": frozenset({"admin"}),
    # The monitoring return: managers for their LAs (or all Wales), admins counts only.
    "return": frozenset({"manager", "admin"}),
    "nudges": frozenset({"worker", "manager"}),  # deadline nudges go to LA staff
    # Status summaries: managers for their LAs, police their force's counts, admins counts.
    "summary": frozenset({"manager", "police", "admin"}),
    "overdue": frozenset({"manager"}),  # the lists behind the numbers: managers only
    "workload": frozenset({"manager"}),
    # A case's timeline: its LA's managers (national ones: every LA's), its worker, and the
    # police of the referring force (path and dates only); admins and YOT officers not.
    "case": frozenset({"manager", "worker", "police"}),
}
COMMAND_ROWS = [
    pytest.param(
        role,
        name,
        ALLOWED if role in allowed else REFUSED,
        id=f"{role} sends /{name} -> {ALLOWED if role in allowed else REFUSED}",
    )
    for name, allowed in COMMAND_TABLE.items()
    for role in ROLES
]
ROLE_PERSON = {role_of(who): who for who in ONE_OF_EACH_ROLE}


@pytest.mark.parametrize(("role", "name", "expected"), COMMAND_ROWS)
async def test_a_command_is_for_the_roles_design_gives_it(
    storage: Storage, role: str, name: str, expected: str
) -> None:
    assistant, actor = await one_person(storage, ROLE_PERSON[role])
    assert (name in ROLE_COMMANDS[role]) == (expected == ALLOWED)  # the menu agrees
    said = texts(await assistant.command(actor, name))
    if expected == ALLOWED:
        assert said and UNKNOWN not in said
    else:
        assert said == [t(actor.language, "command.unknown")]


@pytest.mark.parametrize("name", [*COMMAND_TABLE, "start", "frobnicate"])
async def test_a_stranger_and_a_revoked_user_hear_only_that_the_service_is_closed(
    storage: Storage, name: str
) -> None:
    assistant, _admin = await one_person(storage, "admin")
    assert texts(await assistant.command(Delivery(100, STRANGER), name)) == [CLOSED]
    assert texts(await assistant.text(Delivery(101, STRANGER), name)) == [CLOSED]
    await revoke(storage, PEOPLE["admin"][0])
    assert texts(await assistant.command(Delivery(102, PEOPLE["admin"][0]), name)) == [CLOSED]
    assert texts(await assistant.text(Delivery(103, PEOPLE["admin"][0]), name)) == [CLOSED]


# 2. Buttons that stand alone: (who presses, what the story is, action, the case, expected).
#    The cases: "people" (everyone enrolled, no referral), "submitted" (the sergeant's
#    referral offered to Cardiff), "accepted" (worker-cardiff has taken it on), "handed over"
#    (the sergeant typed an age under 18; it waits for a Gwent YOT officer).
#    "engaged" (worker-cardiff has also set the first-session date: sessions may be logged),
#    "outcome sent" (worker-cardiff recorded 'did not take up' and the Gwent sergeant was sent
#    the form, not yet acknowledged).
PEOPLE_ONLY, SUBMITTED, ACCEPTED, HANDED = "people", "submitted", "accepted", "handed over"
# Two working days after the referral, nobody has accepted it: Cardiff's workers were reminded
# and its manager told. "Own": the presser's own nudge; "Mair's": worker-cardiff's.
NUDGED_OWN, NUDGED_MAIR = "nudged (own)", "nudged (Mair's)"
ENGAGED = "engaged"
SENT = "outcome sent"
# "extension asked": worker-cardiff accepted it and asked the Gwent police for more time.
ASKED = "extension asked"
# Two working days after that, not acknowledged: the Gwent sergeant was reminded.
ACK_NUDGED = "acknowledgement nudged"
ACTION_ROWS: list[tuple[str, str, str, str, str]] = [
    # Anyone enrolled may choose their language and answer /cancel's question.
    *[
        (who, f"presses {action}", action, PEOPLE_ONLY, ALLOWED)
        for action in ("language.set", "cancel.confirm", "cancel.keep")
        for who in ONE_OF_EACH_ROLE
    ],
    # Accept on an offer: only a worker of the referral's LA, while it waits.
    ("worker-cardiff", "accepts a cardiff referral", "referral.accept", SUBMITTED, ALLOWED),
    ("worker-newport", "accepts a cardiff referral", "referral.accept", SUBMITTED, REFUSED),
    ("worker-cardiff moved to newport", "accepts a cardiff referral", "referral.accept",
     SUBMITTED, REFUSED),
    ("manager-cardiff", "accepts a cardiff referral", "referral.accept", SUBMITTED, REFUSED),
    ("manager-national", "accepts a cardiff referral", "referral.accept", SUBMITTED, REFUSED),
    ("sergeant-gwent", "accepts their own referral", "referral.accept", SUBMITTED, REFUSED),
    ("yot-gwent", "accepts a cardiff referral", "referral.accept", SUBMITTED, REFUSED),
    ("admin", "accepts a cardiff referral", "referral.accept", SUBMITTED, REFUSED),
    # Full details: only the worker who accepted it, while it is in their LAs.
    ("worker-cardiff", "opens the details they accepted", "referral.details", ACCEPTED,
     ALLOWED),
    ("worker-cardiff-2", "opens a colleague's referral", "referral.details", ACCEPTED,
     REFUSED),
    ("worker-cardiff moved to newport", "opens the details they accepted",
     "referral.details", ACCEPTED, REFUSED),
    ("worker-cardiff", "opens details before accepting", "referral.details", SUBMITTED,
     REFUSED),
    ("worker-newport", "opens a cardiff referral", "referral.details", ACCEPTED, REFUSED),
    ("manager-cardiff", "opens a cardiff referral", "referral.details", ACCEPTED, REFUSED),
    ("manager-national", "opens a cardiff referral", "referral.details", ACCEPTED, REFUSED),
    ("sergeant-gwent", "opens their own referral", "referral.details", ACCEPTED, REFUSED),
    ("yot-gwent", "opens a cardiff referral", "referral.details", ACCEPTED, REFUSED),
    ("admin", "opens a cardiff referral", "referral.details", ACCEPTED, REFUSED),
    # The list of cases, paged: for LA staff.
    *[(who, "pages their list of cases", "cases.page", ACCEPTED, ALLOWED)
      for who in ("worker-cardiff", "worker-newport", "manager-cardiff", "manager-national")],
    *[(who, "pages a list of cases", "cases.page", ACCEPTED, REFUSED)
      for who in ("sergeant-gwent", "police-south-wales", "yot-gwent", "admin")],
    # A case card: the worker it is allocated to, any worker of the LA while it waits to be
    # accepted, the LA's managers (a national reader's: every LA). Nobody else.
    ("worker-cardiff", "opens the case they accepted", "case.open", ACCEPTED, ALLOWED),
    ("worker-cardiff-2", "opens a cardiff offer", "case.open", SUBMITTED, ALLOWED),
    ("worker-cardiff-2", "opens a colleague's case", "case.open", ACCEPTED, REFUSED),
    ("worker-cardiff moved to newport", "opens the case they accepted", "case.open",
     ACCEPTED, REFUSED),
    ("worker-newport", "opens a cardiff offer", "case.open", SUBMITTED, REFUSED),
    ("worker-newport", "opens a cardiff case", "case.open", ACCEPTED, REFUSED),
    ("manager-cardiff", "opens a cardiff case", "case.open", ACCEPTED, ALLOWED),
    ("manager-cardiff moved to newport", "opens a cardiff case", "case.open", ACCEPTED,
     REFUSED),
    ("manager-national", "opens a cardiff case", "case.open", ACCEPTED, ALLOWED),
    ("sergeant-gwent", "opens their own referral's card", "case.open", ACCEPTED, REFUSED),
    ("police-south-wales", "opens a gwent referral's card", "case.open", ACCEPTED, REFUSED),
    ("yot-gwent", "opens a cardiff case", "case.open", ACCEPTED, REFUSED),
    ("admin", "opens a cardiff case", "case.open", ACCEPTED, REFUSED),
    # Recording on a case (a contact attempt, the first-session date): only the worker it is
    # allocated to, while it is in their LAs.
    # Raising a safeguarding concern is recording too (the LA's managers are alerted, and
    # open the case from the alert): only the worker it is allocated to.
    # So is a distance-travelled measure (a questionnaire's score at the start or the end).
    # So are asking police for an extension, a transfer to another LA and a withdrawal.
    # "Did not take up" on the day-21 nudge opens the outcome form: the same people.
    *[row for action in ("case.contact", "case.first_session", "case.outcome", "case.concern",
                         "case.measure", "case.extension", "case.transfer", "case.withdraw",
                         "case.not_taken_up")
      for row in [
        ("worker-cardiff", "records on the case they accepted", action, ACCEPTED, ALLOWED),
        ("worker-cardiff", "records on a case not yet accepted", action, SUBMITTED, REFUSED),
        ("worker-cardiff-2", "records on a colleague's case", action, ACCEPTED, REFUSED),
        ("worker-cardiff moved to newport", "records on the case they accepted", action,
         ACCEPTED, REFUSED),
        ("worker-newport", "records on a cardiff case", action, ACCEPTED, REFUSED),
        ("manager-cardiff", "records on a cardiff case", action, ACCEPTED, REFUSED),
        ("manager-national", "records on a cardiff case", action, ACCEPTED, REFUSED),
        ("sergeant-gwent", "records on their own referral", action, ACCEPTED, REFUSED),
        ("police-south-wales", "records on a gwent referral", action, ACCEPTED, REFUSED),
        ("yot-gwent", "records on a cardiff case", action, ACCEPTED, REFUSED),
        ("admin", "records on a cardiff case", action, ACCEPTED, REFUSED),
    ]],
    # Logging a session, the next session date, the parent's feedback: only the worker it is
    # allocated to, while it is in their LAs and engaged (a first-session date set).
    *[row for action in ("case.session", "case.next_session", "case.feedback") for row in [
        ("worker-cardiff", "records on the engaged case they accepted", action, ENGAGED,
         ALLOWED),
        ("worker-cardiff", "records before a first-session date is set", action, ACCEPTED,
         REFUSED),
        ("worker-cardiff-2", "records on a colleague's case", action, ENGAGED, REFUSED),
        ("worker-cardiff moved to newport", "records on the case they accepted", action,
         ENGAGED, REFUSED),
        ("worker-newport", "records on a cardiff case", action, ENGAGED, REFUSED),
        ("manager-cardiff", "records on a cardiff case", action, ENGAGED, REFUSED),
        ("manager-national", "records on a cardiff case", action, ENGAGED, REFUSED),
        ("sergeant-gwent", "records on their own referral", action, ENGAGED, REFUSED),
        ("police-south-wales", "records on a gwent referral", action, ENGAGED, REFUSED),
        ("yot-gwent", "records on a cardiff case", action, ENGAGED, REFUSED),
        ("admin", "records on a cardiff case", action, ENGAGED, REFUSED),
    ]],
    # Acknowledge an outcome: a police user of the referral's force (the referring officer,
    # or another of the force), once it was sent and until it is acknowledged.
    ("sergeant-gwent", "acknowledges their referral's outcome", "referral.acknowledge", SENT,
     ALLOWED),
    ("sergeant-gwent-2", "acknowledges a gwent referral's outcome", "referral.acknowledge",
     SENT, ALLOWED),
    ("sergeant-gwent", "acknowledges an outcome not yet recorded", "referral.acknowledge",
     ACCEPTED, REFUSED),
    ("police-south-wales", "acknowledges a gwent referral's outcome", "referral.acknowledge",
     SENT, REFUSED),
    *[(who, "acknowledges a gwent referral's outcome", "referral.acknowledge", SENT, REFUSED)
      for who in ("yot-gwent", "worker-cardiff", "manager-cardiff", "manager-national",
                  "admin")],
    # Answer an extension request (Approve, Decline, its reason): a police user of the
    # referral's force, while it is open.
    *[row for action in ("extension.approve", "extension.decline", "extension.reason")
      for row in [
        ("sergeant-gwent", "answers their referral's extension request", action, ASKED,
         ALLOWED),
        ("sergeant-gwent-2", "answers a gwent extension request", action, ASKED, ALLOWED),
        ("sergeant-gwent", "answers when no request was asked", action, ACCEPTED, REFUSED),
        ("police-south-wales", "answers a gwent extension request", action, ASKED, REFUSED),
        *[(who, "answers a gwent extension request", action, ASKED, REFUSED)
          for who in ("yot-gwent", "worker-cardiff", "manager-cardiff", "manager-national",
                      "admin")],
    ]],
    # Re-allocate a case to another worker of its LA: a manager of that LA (a national
    # manager only reads), from the card or from a worker's row of /workload.
    *[row for action in ("case.reallocate", "workload.reallocate") for row in [
        ("manager-cardiff", "re-allocates a cardiff case", action, ACCEPTED, ALLOWED),
        ("manager-national", "re-allocates a cardiff case", action, ACCEPTED, REFUSED),
        ("manager-cardiff moved to newport", "re-allocates a cardiff case", action, ACCEPTED,
         REFUSED),
        ("manager-cardiff", "re-allocates a case nobody accepted", action, SUBMITTED,
         REFUSED),
        *[(who, "re-allocates a cardiff case", action, ACCEPTED, REFUSED)
          for who in ("worker-cardiff", "worker-cardiff-2", "worker-newport",
                      "sergeant-gwent", "police-south-wales", "yot-gwent", "admin")],
    ]],
    # Take a hand-over: only a YOT officer of the force it was handed to.
    ("yot-gwent", "takes a gwent hand-over", "referral.take", HANDED, ALLOWED),
    ("yot-south-wales", "takes a gwent hand-over", "referral.take", HANDED, REFUSED),
    ("sergeant-gwent", "takes back their hand-over", "referral.take", HANDED, REFUSED),
    ("police-south-wales", "takes a gwent hand-over", "referral.take", HANDED, REFUSED),
    ("worker-cardiff", "takes a gwent hand-over", "referral.take", HANDED, REFUSED),
    ("manager-national", "takes a gwent hand-over", "referral.take", HANDED, REFUSED),
    ("admin", "takes a gwent hand-over", "referral.take", HANDED, REFUSED),
    # "Remind me tomorrow" on a nudge: only the person it was for, while it is still for them.
    ("worker-cardiff", "snoozes their reminder", "nudge.snooze", NUDGED_OWN, ALLOWED),
    ("manager-cardiff", "snoozes their notice", "nudge.snooze", NUDGED_OWN, ALLOWED),
    ("worker-cardiff-2", "snoozes a colleague's reminder", "nudge.snooze", NUDGED_MAIR,
     REFUSED),
    ("worker-cardiff moved to newport", "snoozes their old reminder", "nudge.snooze",
     NUDGED_MAIR, REFUSED),
    ("worker-newport", "snoozes a cardiff reminder", "nudge.snooze", NUDGED_MAIR, REFUSED),
    ("manager-national", "snoozes a cardiff reminder", "nudge.snooze", NUDGED_MAIR, REFUSED),
    ("sergeant-gwent", "snoozes a cardiff reminder", "nudge.snooze", NUDGED_MAIR, REFUSED),
    ("yot-gwent", "snoozes a cardiff reminder", "nudge.snooze", NUDGED_MAIR, REFUSED),
    ("admin", "snoozes a cardiff reminder", "nudge.snooze", NUDGED_MAIR, REFUSED),
    # The referring officer's reminder to acknowledge an outcome: theirs alone to snooze.
    ("sergeant-gwent", "snoozes their acknowledgement reminder", "nudge.snooze", ACK_NUDGED,
     ALLOWED),
    ("sergeant-gwent-2", "snoozes another officer's reminder", "nudge.snooze", ACK_NUDGED,
     REFUSED),
    ("police-south-wales", "snoozes a gwent officer's reminder", "nudge.snooze", ACK_NUDGED,
     REFUSED),
    ("manager-cardiff", "snoozes the officer's reminder", "nudge.snooze", ACK_NUDGED, REFUSED),
    # Paging /nudges: LA staff, each seeing their own scope.
    ("worker-cardiff", "pages their nudges", "nudges.page", NUDGED_OWN, ALLOWED),
    ("manager-cardiff", "pages their nudges", "nudges.page", NUDGED_OWN, ALLOWED),
    ("manager-national", "pages their nudges", "nudges.page", NUDGED_OWN, ALLOWED),
    ("sergeant-gwent", "pages nudges", "nudges.page", NUDGED_OWN, REFUSED),
    ("yot-gwent", "pages nudges", "nudges.page", NUDGED_OWN, REFUSED),
    ("admin", "pages nudges", "nudges.page", NUDGED_OWN, REFUSED),
    # The list behind a number of /summary (here: Cardiff's referrals waiting): the managers
    # of that LA and national ones. Police and admins see counts only; a worker has /cases.
    ("manager-cardiff", "opens a cardiff list", "summary.list", SUBMITTED, ALLOWED),
    ("manager-national", "opens a cardiff list", "summary.list", SUBMITTED, ALLOWED),
    ("manager-cardiff moved to newport", "opens a cardiff list", "summary.list", SUBMITTED,
     REFUSED),
    *[(who, "opens a cardiff list", "summary.list", SUBMITTED, REFUSED)
      for who in ("worker-cardiff", "sergeant-gwent", "police-south-wales", "yot-gwent",
                  "admin")],
    # Paging /overdue: managers, each seeing their own scope.
    ("manager-cardiff", "pages the overdue cases", "overdue.page", ACCEPTED, ALLOWED),
    ("manager-national", "pages the overdue cases", "overdue.page", ACCEPTED, ALLOWED),
    ("manager-cardiff moved to newport", "pages the overdue cases", "overdue.page", ACCEPTED,
     ALLOWED),
    *[(who, "pages the overdue cases", "overdue.page", ACCEPTED, REFUSED)
      for who in ("worker-cardiff", "sergeant-gwent", "police-south-wales", "yot-gwent",
                  "admin")],
    # The timeline from a card, and its Show details: the worker it is allocated to and the
    # LA's managers (national ones too). The police read theirs with /case, with no buttons.
    *[row for action in ("case.timeline", "case.timeline_details") for row in [
        ("worker-cardiff", "reads the case they accepted", action, ACCEPTED, ALLOWED),
        ("worker-cardiff-2", "reads a colleague's case", action, ACCEPTED, REFUSED),
        ("worker-cardiff moved to newport", "reads the case they accepted", action, ACCEPTED,
         REFUSED),
        ("worker-newport", "reads a cardiff case", action, ACCEPTED, REFUSED),
        ("manager-cardiff", "reads a cardiff case", action, ACCEPTED, ALLOWED),
        ("manager-cardiff moved to newport", "reads a cardiff case", action, ACCEPTED, REFUSED),
        ("manager-national", "reads a cardiff case", action, ACCEPTED, ALLOWED),
        ("sergeant-gwent", "presses a crafted button on their referral", action, ACCEPTED,
         REFUSED),
        ("police-south-wales", "reads a gwent referral", action, ACCEPTED, REFUSED),
        ("yot-gwent", "reads a cardiff case", action, ACCEPTED, REFUSED),
        ("admin", "reads a cardiff case", action, ACCEPTED, REFUSED),
    ]],
    # /return's period and format buttons: those who have /return (an admin: counts only).
    *[row for action in ("return.period", "return.file") for row in [
        ("manager-cardiff", "picks the return's period or format", action, PEOPLE_ONLY,
         ALLOWED),
        ("manager-national", "picks the return's period or format", action, PEOPLE_ONLY,
         ALLOWED),
        ("admin", "picks the return's period or format", action, PEOPLE_ONLY, ALLOWED),
        *[(who, "picks the return's period or format", action, PEOPLE_ONLY, REFUSED)
          for who in ("worker-cardiff", "sergeant-gwent", "yot-gwent")],
    ]],
    # Entering the managers' figures: an LA's manager, for their LAs; a national reader has
    # no LA of their own to enter for.
    ("manager-cardiff", "enters cardiff's figures", "return.enter", PEOPLE_ONLY, ALLOWED),
    ("manager-national", "enters figures", "return.enter", PEOPLE_ONLY, REFUSED),
    *[(who, "enters figures", "return.enter", PEOPLE_ONLY, REFUSED)
      for who in ("worker-cardiff", "sergeant-gwent", "yot-gwent", "admin")],
]  # fmt: skip


@dataclass
class World:
    assistant: Assistant
    actors: dict[str, Actor]
    referral_id: int | None


async def world(storage: Storage, case: str) -> World:
    """Everyone in PEOPLE enrolled, and the referral in the state the case names."""
    assistant = Assistant(storage, "bot")
    actors = {who: await enrol(assistant, tid, spec) for who, (tid, spec) in PEOPLE.items()}
    sergeant = actors["sergeant-gwent"]
    if case == PEOPLE_ONLY:
        return World(assistant, actors, None)
    if case == HANDED:
        said = await drive(assistant, sergeant, under_18_steps())
        assert texts(said)[0].startswith(t("en", "handover.done", reference="R-")[:30])
    else:
        await drive(assistant, sergeant, script.whole("en"))
    referral_id = await latest_referral(storage)
    mair = actors["worker-cardiff"]
    if case in (NUDGED_OWN, NUDGED_MAIR):
        assert isinstance(storage.clock, FixedClock)
        storage.clock.advance(days=2, minutes=1)  # Wednesday: both nudges are due
        assert len((await assistant.nudges_due()).notices) == 3  # two workers, one manager
    if case in (ACCEPTED, ENGAGED, SENT, ASKED, ACK_NUDGED):
        accept = await issue(storage, mair, "referral.accept", {"referral_id": referral_id})
        accepted = texts(await assistant.press(mair, accept))
        assert accepted[0].startswith("You accepted")
    if case == ENGAGED:  # the first-session date: the first day offered
        opened = await issue(storage, mair, "case.first_session", {"referral_id": referral_id})
        asked = await assistant.press(mair, opened)
        assert asked is not None
        day = asked.replies[-1].buttons[0][0].token
        assert STALE not in texts(await assistant.press(mair, day))
    if case in (SENT, ACK_NUDGED):  # as the outcome form does it (tests/test_outcome.py)
        async with storage.unit_of_work() as uow:
            referral = await uow.referrals.get_by_id(referral_id)
            await uow.referrals.transition(referral, "record_not_taken_up", actor="test",
                                           refused=True)  # fmt: skip
            assert (await notify_outcome(uow, referral, actor="test")).police
    if case == ASKED:  # as the extension form does it (tests/test_extension_e2e.py drives it)
        async with storage.unit_of_work() as uow:
            referral = await uow.referrals.get_by_id(referral_id)
            assert referral.support_due is not None
            await uow.extensions.ask(
                referral,
                by=mair.user_id,
                actor="test",
                reason="why",
                until=referral.support_due + timedelta(days=28),
            )
    if case == ACK_NUDGED:
        assert isinstance(storage.clock, FixedClock)
        storage.clock.advance(days=2, minutes=1)  # Wednesday: 2 working days since
        (reminder,) = (await assistant.nudges_due()).notices
        assert reminder.telegram_id == PEOPLE["sergeant-gwent"][0]
    return World(assistant, actors, referral_id)


def under_18_steps() -> list[script.Step]:
    """The sergeant's screening up to the age, typed as 17 (tests/test_screening_e2e.py)."""
    a = script.a
    return [
        ("say", "/screen"),
        *[("press", a("en", k, v)) for k, v in [
            ("outcome", "community_resolution"), ("offence", "first"), ("gravity", "1")]],
        ("say", "today"),
        *[("press", a("en", k, v)) for k, v in [
            ("relationship", "parent"), ("responsibility", "all")]],
        ("say", "CF10 1AA"), ("press", "Cardiff"), ("say", "17"),
    ]  # fmt: skip


async def presser(storage: Storage, here: World, who: str) -> Actor:
    """The person pressing; "… moved to newport" is revoked and invited again for Newport
    (the same user row, so only a check at use can stop an old token)."""
    if not who.endswith(" moved to newport"):
        return here.actors[who]
    telegram_id, spec = PEOPLE[who.removesuffix(" moved to newport")]
    await revoke(storage, telegram_id)
    moved = InviteSpec(spec.role, spec.display_name, la_codes=("newport",))
    return await enrol(here.assistant, telegram_id, moved)


async def payload_for(
    storage: Storage, action: str, here: World, case: str, actor: Actor
) -> dict[str, Any]:
    if action == "language.set":
        return {"language": "cy"}
    if action.startswith(("referral.", "case.")):
        return {"referral_id": here.referral_id}
    if action.startswith("extension."):
        async with storage.unit_of_work() as uow:
            asked = await uow.session.scalar(select(func.max(ExtensionRequest.id)))
        return {"request_id": asked}
    if action == "workload.reallocate":
        return {"worker_id": here.actors["worker-cardiff"].user_id}
    if action == "nudge.snooze":
        whose = actor if case == NUDGED_OWN else here.actors["worker-cardiff"]
        if case == ACK_NUDGED:
            whose = here.actors["sergeant-gwent"]
        async with storage.unit_of_work() as uow:
            claim = await uow.session.scalar(
                select(NudgeSent.id).where(NudgeSent.recipient_user_id == whose.user_id)
            )
        assert claim is not None, "a nudge was claimed for them"
        return {"nudge": claim}
    if action in ("cases.page", "nudges.page", "overdue.page"):
        return {"page": 0}
    if action == "summary.list":
        return {"la": "cardiff", "key": "referred", "page": 0}
    if action in ("return.period", "return.file"):
        return {"period": "2026-H1", "format": "json"}
    return {}


@pytest.mark.parametrize(
    ("who", "action", "case", "expected"),
    [pytest.param(who, action, case, expected, id=f"{who} {story} -> {expected}")
     for who, story, action, case, expected in ACTION_ROWS],
)  # fmt: skip
async def test_a_button_is_allowed_only_in_role_and_scope_when_it_is_pressed(
    storage: Storage, who: str, action: str, case: str, expected: str
) -> None:
    here = await world(storage, case)
    actor = await presser(storage, here, who)
    token = await issue(
        storage, actor, action, await payload_for(storage, action, here, case, actor)
    )
    said = texts(await here.assistant.press(actor, token))
    if expected == ALLOWED:
        assert said and STALE not in said
    else:
        assert said == [t(actor.language, "button.stale")]


# 3. A dialogue's buttons: (kind, the roles that may carry it on, its first step, an answer
#    there, what opens it: a command, or a button on the card of a case the person accepted).
#    Each is pressed by every role that may not carry it on (refused, even inside such a
#    dialogue), by every role that may but is not in it (refused), and inside it (accepted).
DIALOGUE_TABLE: list[tuple[str, frozenset[str], str, str, str]] = [
    ("screening", frozenset({"police", "yot"}), "outcome", "community_resolution", "/screen"),
    ("invite", frozenset({"admin"}), "role", "worker", "/invite"),
    ("contact", frozenset({"worker"}), "on", "today", "case.contact"),
    ("first_session", frozenset({"worker"}), "date", "2026-11-24", "case.first_session"),
    ("session", frozenset({"worker"}), "on", "today", "case.session"),
    ("next_session", frozenset({"worker"}), "date", "2026-11-25", "case.next_session"),
    ("feedback", frozenset({"worker"}), "helpful", "4", "case.feedback"),
    ("outcome", frozenset({"worker"}), "outcome", "not_taken_up", "case.outcome"),
    ("concern", frozenset({"worker"}), "level", "concern", "case.concern"),
    ("measure", frozenset({"worker"}), "tool", "sdq_total", "case.measure"),
    ("extension_request", frozenset({"worker"}), "until", "2027-03-23", "case.extension"),
    ("transfer", frozenset({"worker"}), "la", "newport", "case.transfer"),
    ("withdraw", frozenset({"worker"}), "why", "other", "case.withdraw"),
    # Opened by Decline on an extension request, by a police user of the force.
    ("extension_decline", frozenset({"police"}), "reason", "no", "extension.decline"),
    # The managers' figures, opened from /return's button (one LA: its period comes first).
    ("figures", frozenset({"manager"}), "period", "2026-H2", "return.enter"),
]
# Opened from the card of an engaged case (a first-session date set), not just accepted.
FROM_ENGAGED = {"case.session", "case.next_session", "case.feedback"}
INSIDE, OUTSIDE, NOT_THEIRS = "inside it", "not in it", "in one it may not run"
DIALOGUE_ROWS = [
    pytest.param(
        kind, role, where, ALLOWED if where == INSIDE else REFUSED,
        id=f"{role} presses {'an' if kind[0] in 'aeiou' else 'a'} {kind} button {where} -> "
           f"{ALLOWED if where == INSIDE else REFUSED}",
    )
    for kind, roles, _step, _value, _opener in DIALOGUE_TABLE
    for role in ROLES
    for where in ((INSIDE, OUTSIDE) if role in roles else (NOT_THEIRS,))
]  # fmt: skip


@pytest.mark.parametrize(("kind", "role", "where", "expected"), DIALOGUE_ROWS)
async def test_a_dialogue_button_answers_only_inside_a_dialogue_the_role_may_run(
    storage: Storage, kind: str, role: str, where: str, expected: str
) -> None:
    (step, value, opener) = next((s, v, o) for k, _r, s, v, o in DIALOGUE_TABLE if k == kind)
    if where == INSIDE and opener.startswith("extension."):  # on a request asked of them
        here = await world(storage, ASKED)
        assistant, actor = here.assistant, here.actors[ROLE_PERSON[role]]
        payload = await payload_for(storage, opener, here, ASKED, actor)
        shown = await assistant.press(actor, await issue(storage, actor, opener, payload))
        shown = await assistant.text(actor, "The conditions end sooner")  # to the review
    elif where == INSIDE and not opener.startswith("/"):  # opened from a case they accepted
        here = await world(storage, ENGAGED if opener in FROM_ENGAGED else ACCEPTED)
        assistant, actor = here.assistant, here.actors[ROLE_PERSON[role]]
        opened = await issue(storage, actor, opener, {"referral_id": here.referral_id})
        shown = await assistant.press(actor, opened)
    else:
        assistant, actor = await one_person(storage, ROLE_PERSON[role])
        shown = await assistant.command(actor, opener[1:]) if where == INSIDE else None
    if where == INSIDE:  # the button as the dialogue showed it
        assert shown is not None
        token = shown.replies[-1].buttons[0][0].token
    else:
        if where == NOT_THEIRS:  # a dialogue row of a kind they could never have opened
            async with storage.unit_of_work() as uow:
                await uow.dialogues.begin(actor.user_id, kind, step)
        token = await issue(storage, actor, f"{kind}.answer", {"q": step, "v": value})
    said = texts(await assistant.press(actor, token))
    if expected == ALLOWED:
        assert said and STALE not in said
    else:
        assert said == [t(actor.language, "button.stale")]
    if where == NOT_THEIRS:  # nor does typing carry it on
        assert texts(await assistant.text(actor, value)) == [t(actor.language, "text.not_expected")]


# 3b. A way past a problem (`<kind>.offer`: keep a date of birth, change the age to fit).
#     Only the one the dialogue offered, to its user, at its question, while it still stands.
OWN, REPLAYED, OTHER_OFFER, OTHER_STEP, CRAFTED = (
    "their own",
    "theirs again",
    "an offer not made",
    "at another question",
    "crafted",
)
OFFER_ROWS: list[tuple[str, str, str]] = [
    ("sergeant-gwent", OWN, ALLOWED),
    ("sergeant-gwent", REPLAYED, REFUSED),
    ("sergeant-gwent", OTHER_OFFER, REFUSED),
    ("sergeant-gwent", OTHER_STEP, REFUSED),
    ("police-south-wales", OWN, REFUSED),  # the Gwent sergeant's token, pressed by another
    ("police-south-wales", CRAFTED, REFUSED),  # not in a screening
    ("yot-gwent", CRAFTED, REFUSED),
    ("worker-cardiff", CRAFTED, REFUSED),
    ("manager-cardiff", CRAFTED, REFUSED),
    ("admin", CRAFTED, REFUSED),
]  # fmt: skip


def at_a_date_of_birth_that_does_not_fit() -> list[script.Step]:
    """The sergeant's screening to the date of birth, typed as 17 years ago (the age was 34)."""
    return [("say", "/screen"), *script.to_consent("en"),
            ("press", script.a("en", "consent", "given")), ("say", "Siân Jones"),
            ("say", "01/01/2009")]  # fmt: skip


@pytest.mark.parametrize(
    ("who", "token", "expected"),
    [pytest.param(who, token, expected, id=f"{who} presses {token} offer -> {expected}")
     for who, token, expected in OFFER_ROWS],
)  # fmt: skip
async def test_an_offer_is_taken_only_as_it_was_made_to_whom_it_was_made(
    storage: Storage, who: str, token: str, expected: str
) -> None:
    here = await world(storage, PEOPLE_ONLY)
    sergeant, actor = here.actors["sergeant-gwent"], here.actors[who]
    offered = await drive(here.assistant, sergeant, at_a_date_of_birth_that_does_not_fit())
    keep = offered.replies[-1].buttons[0][0].token
    made = {OWN: keep, REPLAYED: keep}
    if token == REPLAYED:
        assert STALE not in texts(await here.assistant.press(sergeant, keep))
    payload = {OTHER_OFFER: {"q": "dob", "o": "made up"}, OTHER_STEP: {"q": "age", "o": "keep"},
               CRAFTED: {"q": "dob", "o": "keep"}}.get(token)  # fmt: skip
    pressed = made[token] if payload is None else await issue(storage, actor, "screening.offer",
                                                              payload)  # fmt: skip
    said = texts(await here.assistant.press(actor, pressed))
    if expected == ALLOWED:
        assert said[-1].startswith(t("en", "handover.done", reference="R-")[:30])
    else:
        assert said == [t(actor.language, "button.stale")]


# 4. Tokens that are not this person's to press, or no token at all.
async def test_another_users_token_is_refused_and_still_works_for_its_owner(
    storage: Storage,
) -> None:
    here = await world(storage, SUBMITTED)
    mair, ifan = here.actors["worker-cardiff"], here.actors["worker-cardiff-2"]
    accept = await issue(storage, mair, "referral.accept", {"referral_id": here.referral_id})
    assert texts(await here.assistant.press(ifan, accept)) == [STALE]  # Ifan could accept...
    assert texts(await here.assistant.press(Delivery(400, STRANGER), accept)) == [CLOSED]
    assert texts(await here.assistant.press(mair, accept))[0].startswith("You accepted")
    language = await issue(storage, mair, "language.set", {"language": "cy"})
    assert texts(await here.assistant.press(ifan, language)) == [STALE]  # ...or not: not his


async def test_a_replayed_answer_is_refused_once_the_dialogue_has_moved_on_or_ended(
    storage: Storage,
) -> None:
    assistant, sergeant = await one_person(storage, "sergeant-gwent")
    asked = await drive(assistant, sergeant, [("say", "/screen")])
    labels = {b.label: b.token for row in asked.replies[-1].buttons for b in row}
    answer = labels[script.a("en", "outcome", "community_resolution")]
    assert STALE not in texts(await assistant.press(sergeant, answer))
    assert texts(await assistant.press(sergeant, answer)) == [STALE]  # moved on
    other = next(token for token in labels.values() if token != answer)
    assert texts(await assistant.press(sergeant, other)) == [STALE]  # a sibling of it too
    cancel = await assistant.command(sergeant, "cancel")
    assert cancel is not None
    yes = next(b.token for row in cancel.replies[-1].buttons for b in row
               if b.label == t("en", "cancel.yes"))  # fmt: skip
    assert texts(await assistant.press(sergeant, yes)) == [t("en", "cancel.done")]
    assert texts(await assistant.press(sergeant, answer)) == [STALE]  # ended


async def test_a_submitted_referrals_submit_button_pressed_again_is_refused(
    storage: Storage,
) -> None:
    assistant, sergeant = await one_person(storage, "sergeant-gwent")
    steps = script.whole("en")
    review = await drive(assistant, sergeant, steps[:-1])
    submit = next(b.token for r in review.replies for row in r.buttons for b in row
                  if b.label == t("en", "screen.submit"))  # fmt: skip
    assert "Referral R-" in texts(await assistant.press(sergeant, submit))[0]
    assert texts(await assistant.press(sergeant, submit)) == [STALE]


@pytest.mark.parametrize("same_scope", [True, False], ids=["back-in-cardiff", "now-newport"])
async def test_a_revoked_users_tokens_are_refused_after_they_are_enrolled_again(
    storage: Storage, same_scope: bool
) -> None:
    here = await world(storage, SUBMITTED)
    mair = here.actors["worker-cardiff"]
    accept = await issue(storage, mair, "referral.accept", {"referral_id": here.referral_id})
    language = await issue(storage, mair, "language.set", {"language": "cy"})
    await revoke(storage, 2)
    for n, token in enumerate((accept, language)):  # revoked: nothing but the closed service
        assert texts(await here.assistant.press(Delivery(500 + n, 2), token)) == [CLOSED]
    again = InviteSpec("worker", "Mair", la_codes=("cardiff",) if same_scope else ("newport",))
    back = await enrol(here.assistant, 2, again)
    assert back.user_id == mair.user_id  # the same row: only voiding stops the old tokens
    assert texts(await here.assistant.press(back, accept)) == [STALE]
    assert texts(await here.assistant.press(back, language)) == [STALE]


MADE_UP = {
    "made up": "AAAAAAAAAAAAAAAA",
    "over-long": "x" * 65,
    "with a NUL byte": "abc\x00def",
    "empty": "",
    "not ascii": "ünïcödé",
}


@pytest.mark.parametrize("data", list(MADE_UP.values()), ids=list(MADE_UP))
async def test_a_token_nobody_was_given_is_refused_and_a_stranger_hears_the_closed_service(
    storage: Storage, data: str
) -> None:
    assistant, _ = await one_person(storage, "admin")
    for who in ONE_OF_EACH_ROLE[:-1]:
        telegram_id, spec = PEOPLE[who]
        actor = await enrol(assistant, telegram_id, spec)
        assert texts(await assistant.press(actor, data)) == [STALE]
        delivered = await assistant.press(Delivery(600 + telegram_id, telegram_id), data)
        assert texts(delivered) == [STALE]  # the same through the Telegram path
    assert texts(await assistant.press(Delivery(700, STRANGER), data)) == [CLOSED]


# 5. Work on a case: buttons that outlive what they were for, someone else's, a case that
#    does not exist, and a dialogue whose worker has been moved to another LA.
async def pressed(
    assistant: Assistant, actor: Actor, outcome: Outcome | None, label: str
) -> Outcome:
    assert outcome is not None
    token = next(b.token for r in outcome.replies for row in r.buttons for b in row
                 if b.label == label)  # fmt: skip
    done = await assistant.press(actor, token)
    assert done is not None
    return done


async def attempts_recorded(storage: Storage) -> int:
    async with storage.unit_of_work() as uow:
        return int((await uow.session.execute(select(func.count(ContactAttempt.id)))).scalar_one())


async def test_a_saved_contact_attempts_save_pressed_again_is_refused_and_saves_nothing(
    storage: Storage,
) -> None:
    here = await world(storage, ACCEPTED)
    mair = here.actors["worker-cardiff"]
    opened = await issue(storage, mair, "case.contact", {"referral_id": here.referral_id})
    shown = await here.assistant.press(mair, opened)
    for label in ("Today", "Phone", "No answer", "No note"):
        shown = await pressed(here.assistant, mair, shown, label)
    save = next(b.token for row in shown.replies[-1].buttons for b in row if b.label == "Save")
    assert texts(await here.assistant.press(mair, save))[0].startswith("Contact attempt saved")
    assert texts(await here.assistant.press(mair, save)) == [STALE]
    assert await attempts_recorded(storage) == 1


async def test_a_case_button_is_refused_to_anyone_else_and_for_a_case_that_does_not_exist(
    storage: Storage,
) -> None:
    here = await world(storage, ACCEPTED)
    mair, ifan = here.actors["worker-cardiff"], here.actors["worker-cardiff-2"]
    assert here.referral_id is not None
    for n, action in enumerate(("case.open", "case.contact", "case.first_session")):
        token = await issue(storage, mair, action, {"referral_id": here.referral_id})
        for other in (ifan, here.actors["worker-newport"], here.actors["manager-cardiff"]):
            assert texts(await here.assistant.press(other, token)) == [STALE]
        assert texts(await here.assistant.press(Delivery(800 + n, STRANGER), token)) == [CLOSED]
        assert STALE not in texts(await here.assistant.press(mair, token))  # still hers
        ghost = await issue(storage, mair, action, {"referral_id": here.referral_id + 999})
        assert texts(await here.assistant.press(mair, ghost)) == [STALE]


@pytest.mark.parametrize("how", ["presses", "types"])
async def test_a_worker_moved_to_another_la_cannot_carry_on_a_contact_attempt(
    storage: Storage, how: str
) -> None:
    here = await world(storage, ACCEPTED)
    mair = here.actors["worker-cardiff"]
    opened = await issue(storage, mair, "case.contact", {"referral_id": here.referral_id})
    await pressed(here.assistant, mair, await here.assistant.press(mair, opened), "Today")
    moved = await presser(storage, here, "worker-cardiff moved to newport")
    if how == "presses":
        method = await issue(storage, moved, "contact.answer", {"q": "method", "v": "phone"})
        assert texts(await here.assistant.press(moved, method)) == [STALE]
    else:
        said = texts(await here.assistant.text(moved, "Phone"))
        assert said == [t("en", "text.not_expected")]
    async with storage.unit_of_work() as uow:
        assert await uow.dialogues.current(moved.user_id) is None  # it ended there
    assert await attempts_recorded(storage) == 0


# 6. Scope inside a command: the monitoring return's rows are the asker's LAs and no others.
#    (who, the LAs whose rows they get; "all" is the 22). A worker and police are refused by
#    the command table above; an admin gets counts, which is all the return holds.
RETURN_ROWS = [
    ("manager-cardiff", ("cardiff",)),
    ("manager-national", "all"),
    ("admin", "all"),
]


@pytest.mark.parametrize(("who", "las"), RETURN_ROWS, ids=[w for w, _ in RETURN_ROWS])
async def test_the_return_holds_only_the_rows_of_the_askers_scope(
    storage: Storage, who: str, las: tuple[str, ...] | str
) -> None:
    here = await world(storage, ACCEPTED)  # a Cardiff referral from a Gwent sergeant
    said = await here.assistant.command(here.actors[who], "return", "2026-H2 json")
    assert said is not None and said.replies[0].document is not None
    body = json.loads(said.replies[0].document.data)
    codes = [row["la_code"] for row in body["rows"]]
    if las == "all":
        assert len(codes) == len(set(codes)) == 22
    else:
        assert codes == list(las)
    assert body["total"]["referred"] == 1  # the Cardiff referral, in every scope holding it
    assert not any(k in json.dumps(body) for k in ("Sgt", "R-", "CF10"))  # counts only


async def test_a_manager_of_another_la_sees_none_of_its_numbers(storage: Storage) -> None:
    here = await world(storage, ACCEPTED)  # the referral is Cardiff's
    newport = await enrol(here.assistant, 911, InviteSpec("manager", "Nel", la_codes=("newport",)))
    said = await here.assistant.command(newport, "return", "2026-H2 json")
    assert said is not None and said.replies[0].document is not None
    body = json.loads(said.replies[0].document.data)
    assert [row["la_code"] for row in body["rows"]] == ["newport"]
    assert body["total"]["referred"] == 0 and body["rows"][0]["referred"] == 0


# Later features add rows: these fail until every command, action and kind has them.
def test_every_command_has_rows() -> None:
    assert set(COMMAND_TABLE) == set(registry.COMMANDS)


def test_every_standalone_action_has_rows_for_every_role_allowed_and_refused() -> None:
    covered = {action for _who, _story, action, _case, _expected in ACTION_ROWS}
    assert covered == set(registry.ACTIONS)
    for action in registry.ACTIONS:
        rows = [(role_of(who), expected) for who, _s, a, _c, expected in ACTION_ROWS
                if a == action]  # fmt: skip
        assert {role for role, _ in rows} == set(ROLES), action
        assert {role for role, e in rows if e == ALLOWED} == set(registry.ACTIONS[action].roles)


def test_every_kind_of_dialogue_has_rows() -> None:
    assert {kind for kind, *_ in DIALOGUE_TABLE} == set(registry.DIALOGUES)
    for kind, roles, _step, _value, _opener in DIALOGUE_TABLE:
        declared = registry.DIALOGUES[kind]
        may = COMMAND_TABLE[declared.command] & set(declared.roles or ROLES)
        assert roles == may, kind
