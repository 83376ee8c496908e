"""A case's timeline (issue 13): a Gwent sergeant's referral to Cardiff, taken through its
life by Mair, read back by the people who may read it, oldest first, in local time; each
reader sees only what their role and scope allow, and an unknown reference reads the same
as one out of scope."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bot.send import parts
from conversations.access import Actor
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from conversations.timeline import entries
from state_machine.clock import FixedClock
from storage.casework import SessionLog
from storage.models import AuditEvent, Referral
from storage.uow import Storage
from tests.assistant_script import Phone, enrol, submitted

NOTE = "Mum asked to be rung after school pick-up"
SEEN = "Bruise on the younger child's arm"


async def issue(storage: Storage, actor: Actor, action: str, **payload: Any) -> str:
    async with storage.unit_of_work() as uow:
        return uow.buttons.issue(actor.user_id, action, payload, uow.clock.now())


async def referral_of(storage: Storage) -> Referral:
    async with storage.unit_of_work() as uow:
        referral = await uow.session.get(Referral, 1)
        assert referral is not None
        return referral


async def lived(
    storage: Storage, clock: FixedClock, *, closed: bool = True
) -> tuple[Assistant, dict[str, Actor], str]:
    """Submitted on Monday 23 November 2026 (GMT); accepted; a contact attempt with a note;
    a first session on 30 Nov; two sessions logged; a questionnaire; a concern; then (if
    `closed`) outcome completed; the police told; acknowledged."""
    assistant, _ = await submitted(storage)
    clock.advance(minutes=20)
    people = {
        "sergeant": await assistant.identify(1),
        "mair": await assistant.identify(2),
    }
    for who, tid, spec in [
        ("manager", 5, InviteSpec("manager", "Mel", la_codes=("cardiff",))),
        ("newport", 6, InviteSpec("manager", "Nel", la_codes=("newport",))),
        ("national", 7, InviteSpec("manager", "Nat", national=True)),
        ("south-wales", 8, InviteSpec("police", "Sgt Rees", "south-wales")),
        ("admin", 9, InviteSpec("admin", "Ada")),
        ("ifan", 10, InviteSpec("worker", "Ifan", la_codes=("cardiff",))),
        ("yot", 11, InviteSpec("yot", "Yvonne", "gwent")),
    ]:
        people[who] = await enrol(assistant, tid, spec)
    actors = {k: v for k, v in people.items() if v is not None}
    mair = actors["mair"]
    referral = await referral_of(storage)
    clock.advance(minutes=10)
    accept = await issue(storage, mair, "referral.accept", referral_id=referral.id)
    accepted = await assistant.press(mair, accept)
    assert accepted is not None and accepted.replies[0].text.startswith("You accepted")
    clock.advance(hours=2)
    async with storage.unit_of_work() as uow:
        r = await uow.referrals.get_by_id(referral.id)
        await uow.casework.add_attempt(r, worker_id=mair.user_id, on=date(2026, 11, 23),
                                       method="phone", result="spoke", note=NOTE,
                                       actor=mair.audit_name)  # fmt: skip
        await uow.referrals.transition(r, "set_first_session", actor=mair.audit_name,
                                       first_session_date=date(2026, 11, 30))  # fmt: skip
    for on in (date(2026, 11, 30), date(2026, 12, 7)):
        clock.set(clock.now() + timedelta(days=7))  # logged on the day, at noon
        async with storage.unit_of_work() as uow:
            r = await uow.referrals.get_by_id(referral.id)
            log = SessionLog(
                on,
                "attended",
                minutes=60,
                delivery="face_to_face",
                language="cy",
                engagement="appropriate",
                doing_well="Calmer at bedtime",
            )
            await uow.casework.log_session(r, log, worker_id=mair.user_id, next_on=None,
                                           actor=mair.audit_name)  # fmt: skip
            tool = uow.distance_tools.named("sdq_total")
            assert tool is not None
            if on.day == 30:
                await uow.measures.record(r, tool, phase="start", on=on, score="20",
                                          recorded_by=mair.user_id,
                                          actor=mair.audit_name)  # fmt: skip
            else:
                await uow.safeguarding.raise_concern(r, raised_by=mair.user_id,
                                                     level="concern", on=on, words=SEEN,
                                                     action="social_care",
                                                     actor=mair.audit_name)  # fmt: skip
    if not closed:
        return assistant, actors, referral.reference
    clock.set(clock.now() + timedelta(days=7))
    async with storage.unit_of_work() as uow:
        r = await uow.referrals.get_by_id(referral.id)
        await uow.referrals.transition(r, "record_completed", actor=mair.audit_name)
        await uow.referrals.transition(r, "notify_police", actor="system:test")
        uow.audit.record("system:test", "referral.frobnicated", referral_id=r.id)  # unknown
    clock.advance(hours=3)
    async with storage.unit_of_work() as uow:
        r = await uow.referrals.get_by_id(referral.id)
        await uow.referrals.transition(r, "close", actor=actors["sergeant"].audit_name)
    return assistant, actors, referral.reference


def body(said: list[str]) -> list[str]:
    return "\n".join(said).split("\n")


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_a_manager_reads_the_whole_life_of_a_case_oldest_first_in_local_time(
    storage: Storage, clock: FixedClock, lang: str
) -> None:
    assistant, actors, reference = await lived(storage, clock)
    async with storage.unit_of_work() as uow:  # as if chosen with /language
        user = await uow.people.get(actors["manager"].user_id)
        assert user is not None
        user.language = lang
        sdq = uow.distance_tools.named("sdq_total")
        assert sdq is not None
    manager = Phone(assistant, await assistant.identify(5) or actors["manager"])
    lines = body(await manager.say(f"/case {reference.lower()}"))
    tl = lambda key, **p: t(lang, f"timeline.{key}", **p)  # noqa: E731
    assert lines[0].startswith(tl("title", case=f"{reference} (", la="")[:20])
    told = [line.split(" · ", 1)[1] for line in lines if " · " in line][1:]
    assert told == [
        tl("screening_started"),
        tl("received"),
        tl("notice", what=tl("notice.new_referral"), to=1, sent=0),  # to Mair
        tl("notice", what=tl("notice.new_referral"), to=1, sent=0),  # to Ifan, as he enrolled
        tl("accepted"),
        tl("first_session_set", day="30/11/2026"),
        tl("attempt", method=t(lang, "contact.a.method.phone"),
           result=t(lang, "contact.a.result.spoke")),
        tl("session", status=t(lang, "session.a.status.attended")),
        tl("measure", tool=sdq.name(lang), phase=tl("phase.start"), score="20"),
        tl("session", status=t(lang, "session.a.status.attended")),
        tl("concern", level=t(lang, "concern.a.level.concern"),
           action=t(lang, "concern.a.action.social_care")),
        tl("outcome.completed"),
        tl("police_told"),
        tl("closed"),
    ]  # fmt: skip
    # Dates in Europe/London: the referral on 23 Nov (GMT), a session by its day.
    assert any(line.startswith("23/11/2026 10:") for line in lines)
    assert any(line.startswith("30/11/2026 · ") for line in lines)
    # Nothing personal until asked; an unknown event is left out.
    assert NOTE not in "\n".join(lines) and SEEN not in "\n".join(lines)
    assert "frobnicated" not in "\n".join(lines)
    assert manager.buttons()[0] == [t(lang, "notify.show_details")]


async def test_show_details_adds_the_words_and_each_read_is_audited(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, actors, reference = await lived(storage, clock)
    manager = Phone(assistant, actors["manager"])
    await manager.say(f"/case {reference}")
    said = "\n".join(await manager.press(t("en", "notify.show_details")))
    assert NOTE in said and SEEN in said and "Calmer at bedtime" in said
    assert t("en", "timeline.individual", name="") in said
    async with storage.unit_of_work() as uow:
        trail = await uow.audit.trail(1)
    read = {(e.action, e.actor) for e in trail if e.action.endswith(".read")}
    who = actors["manager"].audit_name
    assert {("personal_details.read", who), ("contact_notes.read", who),
            ("session_notes.read", who), ("safeguarding_words.read", who)} <= read  # fmt: skip


async def test_police_of_the_force_see_the_path_and_dates_and_nothing_of_the_casework(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, actors, reference = await lived(storage, clock)
    sergeant = Phone(assistant, actors["sergeant"])
    said = "\n".join(await sergeant.say(f"/case {reference}"))
    assert said.split("\n")[0] == t("en", "timeline.title_police", reference=reference)
    assert t("en", "timeline.received") in said and t("en", "timeline.closed") in said
    assert t("en", "timeline.outcome.completed") in said
    assert "Questionnaire" not in said and "SDQ" not in said
    for hidden in ("attempt", "concern", "notice.new_referral"):
        assert t("en", f"timeline.{hidden}", method="", result="", level="", action="",
                 tool="", phase="", score="").split(":")[0] not in said, hidden  # fmt: skip
    assert "(" not in said.split("\n")[0]  # no initials
    assert sergeant.buttons() == []  # no details for the police


@pytest.mark.parametrize("who", ["newport", "south-wales", "ifan", "admin", "yot"])
async def test_out_of_scope_reads_as_unknown_and_learns_nothing(
    storage: Storage, clock: FixedClock, who: str
) -> None:
    assistant, actors, reference = await lived(storage, clock)
    phone = Phone(assistant, actors[who])
    out_of_scope = await phone.say(f"/case {reference}")
    unknown = await phone.say("/case R-ZZZZZZ")
    if who in ("admin", "yot"):  # not given the command at all
        assert out_of_scope == unknown == [t("en", "command.unknown")]
    else:
        assert out_of_scope == [t("en", "timeline.not_found", reference=reference)]
        assert unknown == [t("en", "timeline.not_found", reference="R-ZZZZZZ")]
    token = await issue(storage, actors[who], "case.timeline_details", referral_id=1)
    assert [r.text for r in (await assistant.press(actors[who], token)).replies] == [
        t("en", "button.stale")
    ]


async def test_the_national_manager_and_the_allocated_worker_may_read_it(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, actors, reference = await lived(storage, clock)
    for who in ("national", "mair"):
        said = await Phone(assistant, actors[who]).say(f"/case {reference}")
        assert t("en", "timeline.closed") in "\n".join(said), who


def test_an_event_nobody_reads_is_skipped_and_a_known_one_read() -> None:
    from datetime import UTC, datetime

    at = datetime(2026, 11, 23, 10, tzinfo=UTC)
    known = AuditEvent(
        at=at, actor="x", action="transition.extend", details={"until": "2027-03-01"}
    )
    unknown = AuditEvent(at=at, actor="x", action="extension.frobnicated", details={})
    (entry,) = entries.from_audit([known, unknown])
    assert entry.key == "extended" and entry.params == {"day": "01/03/2027"}


async def test_a_long_timeline_goes_in_parts_of_whole_lines(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, actors, reference = await lived(storage, clock)
    async with storage.unit_of_work() as uow:
        r = await uow.referrals.get_by_id(1)
        for _ in range(300):
            await uow.casework.add_attempt(r, worker_id=actors["mair"].user_id,
                                           on=date(2026, 11, 24), method="phone",
                                           result="no_answer", note=None, actor="test")  # fmt: skip
    (whole,) = await Phone(assistant, actors["manager"]).say(f"/case {reference}")
    sent = parts(whole)
    assert len(sent) > 1 and all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in sent)
    assert "\n".join(sent) == whole
    assert all(p.split("\n")[-1] in whole.split("\n") for p in sent)


async def test_reallocation_and_extensions_are_on_the_timeline_the_reallocation_not_for_police(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, actors, reference = await lived(storage, clock, closed=False)
    mair, ifan = actors["mair"], actors["ifan"]
    async with storage.unit_of_work() as uow:
        r = await uow.referrals.get_by_id(1)
        assert r.support_due is not None
        asked = await uow.extensions.ask(r, by=mair.user_id, until=r.support_due + timedelta(28),
                                         reason="why", actor=mair.audit_name)  # fmt: skip
        assert asked is not None
    clock.advance(hours=1)
    async with storage.unit_of_work() as uow:
        r = await uow.referrals.get_by_id(1)
        await uow.extensions.answer(r, asked.id, approved=False, by=actors["sergeant"].user_id,
                                    actor=actors["sergeant"].audit_name, reason="no")  # fmt: skip
    clock.advance(hours=1)
    async with storage.unit_of_work() as uow:
        r = await uow.referrals.get_by_id(1)
        await uow.referrals.transition(r, "reallocate", actor=actors["manager"].audit_name,
                                       worker_id=ifan.user_id)  # fmt: skip
    until = (asked.until).strftime("%d/%m/%Y")
    manager = "\n".join(await Phone(assistant, actors["manager"]).say(f"/case {reference}"))
    asked_line, declined = (t("en", f"timeline.extension_{k}", day=until)
                            for k in ("asked", "declined"))  # fmt: skip
    moved = t("en", "timeline.reallocated")
    assert manager.index(asked_line) < manager.index(declined) < manager.index(moved)
    police = "\n".join(await Phone(assistant, actors["sergeant"]).say(f"/case {reference}"))
    assert asked_line in police and declined in police and moved not in police
