"""A parenting worker raises safeguarding concerns on a case, on a phone, through the real bot
and the fake Bot API, in English and in Welsh, with the clock moved: the LA's manager is
alerted at once (reference and initials, never the words), an immediate risk tells the worker
in the confirmation itself to contact the police or children's social care now, the case stays
open with the concerns on its card, the words are shown only with the full details (the read
audited) and are not in the database in plain text; a worker and a manager of another LA get
nothing and can do nothing, even with crafted callbacks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from conversations.i18n import t
from state_machine.clock import FixedClock
from storage.models import Notification, Referral, SafeguardingConcern
from storage.uow import Storage
from tests.casework_steps import (
    cast,
    concern,
    managers,
    press_edit,
    press_new,
    referred_and_accepted,
    send_new,
)
from tests.fakeapi import FakeBotApi
from tests.harness import running_bot

SEEN = "Bruise on Osian's arm; he said his dad grabbed him"
SAID = "Osian said he is scared to go home"


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_a_concern_alerts_the_las_managers_and_the_case_stays_open(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    async with running_bot(storage, api):
        sergeant, worker, newport, _gwent = await cast(storage, api, lang)
        manager, newport_manager = await managers(storage, api, lang)
        reference = await referred_and_accepted(sergeant, worker, lang)
        case = f"{reference} (SDJ)"
        before = len(manager.messages)
        clock.advance(days=2)  # Wednesday 25 November
        await worker.send("/cases")
        await worker.wait_for_reply()
        await press_edit(worker, case, case)

        # An immediate risk, seen today, referred to the police.
        asked = await concern(worker, lang, "immediate_risk", SEEN, "police")
        assert asked.endswith(t(lang, "concern.q.on", example="25/11/2026"))  # today's
        review = await press_new(worker, t(lang, "concern.a.on.today"))
        assert review.startswith(t(lang, "concern.review.title", case=case))
        assert SEEN in review  # the worker checks their own words before saving
        card = await press_new(worker, t(lang, "concern.submit"))
        confirmation = worker.messages[-2].text or ""
        assert confirmation.startswith(t(lang, "concern.act_now"))
        assert t(lang, "concern.saved", case=case, day="25/11/2026") in confirmation
        level = t(lang, "concern.a.level.immediate_risk")
        assert t(lang, "case.concerns", count=1, day="25/11/2026", level=level) in card
        assert t(lang, "case.state.allocated") in card and SEEN not in card

        # The manager of the LA is told at once: reference and initials, no words, no names.
        (alert,) = await manager.wait_for_reply()
        police = t(lang, "concern.a.action.police")
        assert alert.text == t(lang, "safeguarding.alert", reference=reference,
                               initials="SDJ", level=level, action=police,
                               day="25/11/2026")  # fmt: skip
        assert len(manager.messages) == before + 1
        for private in (SEEN, "Mair", "Siân", "Dafydd-Jones"):
            assert private not in (alert.text or "")
        opened = await press_edit(manager, t(lang, "notify.open_case"), case)
        assert t(lang, "case.concerns", count=1, day="25/11/2026", level=level) in opened
        assert t(lang, "case.raise_concern") not in str(manager.last.buttons if manager.last
                                                        else "")  # fmt: skip

        # A concern, yesterday's, typed as a date; a day ahead is refused first.
        clock.advance(days=1)  # Thursday 26 November
        await concern(worker, lang, "concern", SAID, "safeguarding_lead")
        await worker.send("27/11/2026")
        refused, _asked_again = await worker.wait_for_reply(2)
        assert refused.text == t(lang, "parse.date.in_future", latest="26/11/2026")
        review = await send_new(worker, "25/11/2026")
        assert t(lang, "concern.a.action.safeguarding_lead") in review
        card = await press_new(worker, t(lang, "concern.submit"))
        confirmation = worker.messages[-2].text or ""
        assert t(lang, "concern.act_now") not in confirmation
        assert confirmation == t(lang, "concern.saved", case=case, day="25/11/2026")
        plain = t(lang, "concern.a.level.concern")
        assert t(lang, "case.concerns", count=2, day="25/11/2026", level=plain) in card
        (second,) = await manager.wait_for_reply()
        assert t(lang, "concern.a.action.safeguarding_lead") in (second.text or "")

        # The words: only with the full details, which are audited.
        details = await press_new(worker, t(lang, "notify.show_details"))
        assert t(lang, "notify.details_concerns") in details
        assert SEEN in details and SAID in details

        # Another LA: no alert, and Mair's buttons crafted into their chats do nothing.
        await newport.send("/cases")
        (empty,) = await newport.wait_for_reply()
        mine = next(m for m in reversed(worker.messages)
                    if m.button_data(t(lang, "case.raise_concern")))  # fmt: skip
        data = mine.button_data(t(lang, "case.raise_concern"))
        assert data is not None
        await newport.press_data(empty.message_id, data)
        (stale,) = await newport.wait_for_reply()
        assert stale.text == t("en", "button.stale")
        await newport_manager.send("/cases")
        (theirs,) = await newport_manager.wait_for_reply()
        await newport_manager.press_data(theirs.message_id, data)
        (stale,) = await newport_manager.wait_for_reply()
        assert stale.text == t("en", "button.stale")
        assert not any("⚠️" in (m.text or "") for m in newport_manager.messages)
        assert not any("⚠️" in (m.text or "") for m in newport.messages)
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None and referral.state == "allocated"  # the case stays open
        rows = list(await uow.session.scalars(select(SafeguardingConcern)
                                              .order_by(SafeguardingConcern.id)))  # fmt: skip
        assert [(r.level, r.action_taken, r.noticed_on.isoformat()) for r in rows] == [
            ("immediate_risk", "police", "2026-11-25"),
            ("concern", "safeguarding_lead", "2026-11-25"),
        ]
        for row, words in zip(rows, (SEEN, SAID), strict=True):
            assert row.summary is not None and words.encode() not in row.summary
            assert b"Osian" not in row.summary
        alerts = list(await uow.session.scalars(
            select(Notification).where(Notification.kind == "safeguarding_concern")))  # fmt: skip
        assert len(alerts) == 2 and all(n.sent_at is not None for n in alerts)
        actions = [e.action for e in await uow.audit.trail(referral.id)]
        assert actions.count("safeguarding_concern.raised") == 2
        assert "safeguarding_words.read" in actions
