"""The managers' figures form's own rules (conversations/monitoring/figures.py): what an FTE
may be, and the manager's scope checked again when the figures are saved."""

from __future__ import annotations

import pytest

from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from conversations.monitoring.figures import read_fte
from conversations.parsing import Problem
from state_machine.periods import Period
from storage.models import UserLA
from storage.uow import Storage
from tests.assistant_script import Phone, enrol


@pytest.mark.parametrize(("typed", "kept"), [("1.5", "1.5"), ("1,50", "1.5"), ("0", "0"),
                                             ("12", "12")])  # fmt: skip
def test_an_fte_is_a_number_with_at_most_two_decimals(typed: str, kept: str) -> None:
    assert read_fte(typed) == kept


@pytest.mark.parametrize("typed", ["one and a half", "-1", "1.555", "1001", "nan", ""])
def test_anything_else_is_asked_again(typed: str) -> None:
    assert isinstance(read_fte(typed), Problem)


async def test_a_manager_moved_to_another_la_before_saving_saves_nothing(
    storage: Storage,
) -> None:
    assistant = Assistant(storage, "bot")
    actor = await enrol(assistant, 50, InviteSpec("manager", "Mel", la_codes=("cardiff",)))
    phone = Phone(assistant, actor)
    await phone.say("/return")
    await phone.press(t("en", "return.enter"))
    await phone.press("2026-H1")
    for answer in ("3", "4", "1.5", "2"):
        await phone.say(answer)
    await phone.press(t("en", "figures.a.universal_support.no"))
    await phone.press(t("en", "figures.a.training.none"))
    said = await phone.press(t("en", "figures.a.other_activity.none"))
    assert said[-1].startswith(t("en", "figures.review.title"))
    async with storage.unit_of_work() as uow:  # moved to Newport meanwhile
        user = await uow.people.get(actor.user_id)
        assert user is not None
        user.las = [UserLA(user_id=user.id, la_code="newport")]
    phone.actor = await assistant.identify(50) or actor
    assert phone.actor.la_codes == ("newport",)
    async with storage.unit_of_work() as uow:  # the form is still at its review
        still = await uow.dialogues.current(actor.user_id)
        assert still is not None and still.step == "review"
    assert await phone.press(t("en", "figures.submit")) == [t("en", "button.stale")]
    async with storage.unit_of_work() as uow:
        assert await uow.monitoring.entries(Period.parse("2026-H1")) == {}
        assert await uow.dialogues.current(actor.user_id) is None
