"""Free text typed about people is stored encrypted, never as plain text (issue 10 item 3)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from conversations.screening.questions import QUESTIONS
from storage.models import ScreeningAnswer
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import drive, enrol, submitted

TYPED = "Partner Dai Prosser lives at 3 Stryd y Castell"


# "Yes, something may affect it": the factors are then typed at their own question.
NOTHING_KNOWN = ("press", script.a("en", "needs", "nothing_known"))
SOMETHING = ("press", script.a("en", "needs", "something"))


def test_every_typed_answer_of_the_screening_is_kept_encrypted() -> None:
    typed = [q.key for q in QUESTIONS if q.kind in ("text", "name", "phone", "postcode")]
    assert typed and all(q.personal for q in QUESTIONS if q.key in typed)


async def test_compliance_factors_typed_by_the_sergeant_are_not_stored_in_plain_text(
    storage: Storage,
) -> None:
    steps = script.whole("en")
    at = steps.index(NOTHING_KNOWN)
    steps[at : at + 1] = [SOMETHING, ("say", TYPED)]
    assistant, outcome = await submitted(storage, steps=steps)
    async with storage.unit_of_work() as uow:
        stored = list(await uow.session.scalars(select(ScreeningAnswer.value)))
    assert TYPED not in repr(stored)
    if not storage.db.is_postgresql:  # the file itself, and its write-ahead log
        path = Path(str(storage.db.url.database))
        for part in (path, path.with_name(path.name + "-wal")):
            assert not part.exists() or TYPED.encode() not in part.read_bytes()
    mair = await assistant.identify(2)
    assert mair is not None
    accept = outcome.notices[0].reply.buttons[0][0].token
    reply = await assistant.press(mair, accept)
    assert reply is not None
    details = await assistant.press(mair, reply.replies[0].buttons[0][0].token)
    assert details is not None
    assert f"• {t('en', 'screen.r.compliance_factors')}: {TYPED}" in details.replies[0].text


async def test_the_review_still_shows_what_was_typed(storage: Storage) -> None:
    assistant = Assistant(storage, "bot")
    sergeant = await enrol(assistant, 1, InviteSpec("police", "Sgt", "gwent"))
    steps = [("say", "/screen"), *script.to_consent("en")]
    at = steps.index(NOTHING_KNOWN)
    steps[at : at + 1] = [SOMETHING, ("say", TYPED)]
    steps += [("press", script.a("en", "consent", "given")), *script.details("en")]
    review = await drive(assistant, sergeant, steps)
    assert TYPED in review.replies[-1].text
