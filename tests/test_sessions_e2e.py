"""A parenting worker logs three sessions (one the parent did not attend) and the parent's
feedback, on a phone, through the real bot and the fake Bot API, in English and in Welsh, with
the clock moved; the card shows them; the words about the parent are not in the database in
plain text; a worker of another LA can do none of it, even with crafted callbacks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from conversations.i18n import t
from state_machine.clock import FixedClock
from storage.models import ParentFeedback, ParentingSession, Referral
from storage.uow import Storage
from tests.casework_steps import (
    STEPS,
    WELL,
    attended,
    cast,
    missed,
    press_edit,
    press_new,
    referred_and_accepted,
    send_new,
    shown,
)
from tests.fakeapi import FakeBotApi
from tests.harness import running_bot

COMMENT = "It helped me more than I thought"


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_a_worker_logs_three_sessions_and_the_parents_feedback(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    async with running_bot(storage, api):
        sergeant, worker, newport, _gwent = await cast(storage, api, lang)
        case = f"{await referred_and_accepted(sergeant, worker, lang)} (SDJ)"
        clock.advance(days=2)  # Wednesday 25 November
        await worker.send("/cases")
        await worker.wait_for_reply()
        card = await press_edit(worker, case, case)
        assert t(lang, "case.log_session") not in shown(worker)
        await press_new(worker, t(lang, "case.set_first_session"))
        card = await press_new(worker, t(lang, "first_session.tomorrow"), count=2)
        assert t(lang, "case.sessions_none") in card

        clock.advance(days=1)  # Thursday 26 November: the first session
        card = await attended(worker, lang, ("law_changed", "impact"), "03/12/2026")
        assert t(lang, "case.session_next", day="03/12/2026") in card

        clock.advance(days=7)  # Thursday 3 December: they did not come
        card = await missed(worker, lang, "10/12/2026")
        absent = t(lang, "session.a.status.missed")
        assert t(lang, "case.session_last", day="03/12/2026", status=absent) in card
        assert t(lang, "case.session_next", day="10/12/2026") in card

        clock.advance(days=7)  # Thursday 10 December
        card = await attended(worker, lang, ("anger", "behaviour", "impact"),
                              t(lang, "session.a.next_on.no_date"))  # fmt: skip
        yes = t(lang, "session.a.status.attended")
        assert t(lang, "case.sessions_held", attended=2, count=3) in card
        assert t(lang, "case.session_last", day="10/12/2026", status=yes) in card
        assert t(lang, "case.topics_covered", count=4, total=7) in card
        assert t(lang, "case.session_next", day="")[:8] not in card
        assert WELL not in card and STEPS not in card

        asked = await press_new(worker, t(lang, "case.feedback_button"))
        assert case in asked
        await press_new(worker, "5")
        review = await send_new(worker, COMMENT)
        assert COMMENT in review
        card = await press_new(worker, t(lang, "feedback.submit"))
        assert t(lang, "case.feedback", helpful=5) in card and COMMENT not in card

        # A worker of another LA: Mair's buttons, crafted into her own chat, do nothing.
        await newport.send("/cases")
        (empty,) = await newport.wait_for_reply()
        mine = next(m for m in reversed(worker.messages) if m.buttons)
        for label in ("case.log_session", "case.next_session", "case.feedback_button"):
            data = mine.button_data(t(lang, label))
            assert data is not None
            await newport.press_data(empty.message_id, data)
            (refused,) = await newport.wait_for_reply()
            assert refused.text == t("en", "button.stale")
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None
        rows = list(await uow.session.scalars(select(ParentingSession)
                                              .order_by(ParentingSession.held_on)))  # fmt: skip
        assert [(r.held_on.isoformat(), r.status, r.engagement, r.welsh_medium) for r in rows] == [
            ("2026-11-26", "attended", "appropriate", True),
            ("2026-12-03", "missed", None, False),
            ("2026-12-10", "attended", "appropriate", True),
        ]
        for row in rows[0], rows[2]:
            assert row.doing_well is not None and WELL.encode() not in row.doing_well
            assert row.next_steps is not None and STEPS.encode() not in row.next_steps
        (feedback,) = await uow.session.scalars(select(ParentFeedback))
        assert feedback.helpful == 5 and feedback.comment is not None
        assert COMMENT.encode() not in feedback.comment
        actions = [e.action for e in await uow.audit.trail(referral.id)]
        assert actions.count("session.logged") == 3 and "feedback.recorded" in actions
