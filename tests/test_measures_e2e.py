"""A parenting worker records the start and end measures of distance travelled (a
standardised questionnaire's score, from the tools file) on a phone, through the real bot and
the fake Bot API, in English and in Welsh, with the clock moved: a score outside the tool's
range is refused; an end better than the start in the tool's direction is a positive outcome
and one worse is not; the card shows both; a worker of another LA can do none of it, even
with crafted callbacks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from conversations.i18n import t
from state_machine.clock import FixedClock
from storage.models import DistanceMeasure
from storage.uow import Storage
from tests.casework_steps import TOOLS, cast, measure, press_edit, press_new, referred_and_accepted
from tests.fakeapi import FakeBotApi
from tests.harness import running_bot


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_start_and_end_measures_and_the_positive_rule(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    async with running_bot(storage, api):
        sergeant, worker, newport, _gwent = await cast(storage, api, lang)
        case = f"{await referred_and_accepted(sergeant, worker, lang)} (SDJ)"
        clock.advance(days=2)  # Wednesday 25 November: the first meeting, the start measures
        await worker.send("/cases")
        await worker.wait_for_reply()
        await press_edit(worker, case, case)

        # A score outside the SDQ's 0-40 is refused, and asked again.
        sdq = TOOLS.named("sdq_total")
        assert sdq is not None
        await press_new(worker, t(lang, "case.record_measure"))
        await press_new(worker, sdq.name(lang))
        await press_new(worker, t(lang, "measure.a.phase.start"))
        await press_new(worker, t(lang, "measure.a.on.today"))
        await worker.send("41")
        refused, _again = await worker.wait_for_reply(2)
        assert refused.text == t(lang, "measure.score_range", tool=sdq.name(lang), low="0",
                                 high="40")  # fmt: skip
        await worker.send("22")
        await worker.wait_for_reply()
        card = await press_new(worker, t(lang, "measure.submit"))
        assert t(lang, "case.measures") in card
        assert t(lang, "case.measure_start", score="22", day="25/11/2026") in card
        card = await measure(worker, lang, "wemwbs", "start", "50")

        clock.advance(days=70)  # Wednesday 3 February: the end of support
        card = await measure(worker, lang, "sdq_total", "end", "15")  # fewer difficulties
        card = await measure(worker, lang, "wemwbs", "end", "44")  # less well-being
        better, worse = (t(lang, f"case.measure_positive.{v}") for v in ("true", "false"))
        start, end = (t(lang, f"case.measure_{p}", score="22" if p == "start" else "15",
                        day="25/11/2026" if p == "start" else "03/02/2027")
                      for p in ("start", "end"))  # fmt: skip
        assert f"• {sdq.name(lang)}: {start}; {end}; {better}" in card
        wemwbs = TOOLS.named("wemwbs")
        assert wemwbs is not None
        assert f"• {wemwbs.name(lang)}: " in card and worse in card

        # A worker of another LA: Mair's button, crafted into her own chat, does nothing.
        await newport.send("/cases")
        (empty,) = await newport.wait_for_reply()
        mine = next(m for m in reversed(worker.messages)
                    if m.button_data(t(lang, "case.record_measure")))  # fmt: skip
        data = mine.button_data(t(lang, "case.record_measure"))
        assert data is not None
        await newport.press_data(empty.message_id, data)
        (stale,) = await newport.wait_for_reply()
        assert stale.text == t("en", "button.stale")
    async with storage.unit_of_work() as uow:
        rows = list(await uow.session.scalars(select(DistanceMeasure)
                                              .order_by(DistanceMeasure.id)))  # fmt: skip
        assert [(r.tool, r.phase, r.score, r.positive, r.measured_on.isoformat())
                for r in rows] == [
            ("sdq_total", "start", "22", None, "2026-11-25"),
            ("wemwbs", "start", "50", None, "2026-11-25"),
            ("sdq_total", "end", "15", True, "2027-02-03"),
            ("wemwbs", "end", "44", False, "2027-02-03"),
        ]  # fmt: skip
