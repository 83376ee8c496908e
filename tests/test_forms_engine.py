"""The form engine on a small form declared here: a parenting worker logs a contact attempt.

Its answers live in a fake store (a dict, and a second one standing in for the encrypted
details), so what is tested is the engine: the order, what applies, the progress, the review,
changing one answer and what rests on it, discarding.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conversations.access import Actor
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec, create_invite
from conversations.forms import engine
from conversations.forms.hooks import Hooks, Split, Store, Turn
from conversations.forms.order import REVIEW
from conversations.forms.questions import Form, Question, when
from conversations.i18n import catalogue, t
from conversations.parsing import DATE_EXAMPLE, Offer, Problem
from conversations.reply import Outcome, Reply
from storage.dialogues import DialogueState
from storage.uow import Storage, UnitOfWork

QUESTIONS = (
    Question("method", "choice", "attempt", ("phone", "visit"), per_row=1),
    Question("reached", "choice", "attempt", ("yes", "no")),
    Question("why_not", "text", "attempt", applies=when("reached", "no"),
             depends_on=("reached",), limit=40),
    Question("on", "date", "attempt", ("today",)),
    # Which number was rung is personal, and it was asked because of the method.
    Question("number", "phone", "who", personal=True, rests_on=("method",)),
)  # fmt: skip

MESSAGES = {
    "attempt.q.method": "How did you try?", "attempt.a.method.phone": "Phone",
    "attempt.a.method.visit": "Visit", "attempt.q.reached": "Did you reach them?",
    "attempt.a.reached.yes": "Yes", "attempt.a.reached.no": "No",
    "attempt.q.why_not": "What happened?", "attempt.q.on": "On which day?",
    "attempt.a.on.today": "Today", "attempt.q.number": "Which number?",
    "attempt.r.method": "How", "attempt.r.reached": "Reached", "attempt.r.why_not": "Why not",
    "attempt.r.on": "Day", "attempt.r.number": "Number", "attempt.section.attempt": "Attempt",
    "attempt.section.who": "Who", "attempt.review.title": "Check the attempt",
    "attempt.change": "Change: {section}", "attempt.change_which": "Which {section} answer?",
    "attempt.back_to_review": "Back", "attempt.submit": "Save",
    "attempt.review_use_buttons": "Use the buttons", "attempt.pause.reached": "Paused",
    "attempt.q.people": "How many people?", "attempt.q.adults": "How many adults?",
    "attempt.q.note": "Anything else?", "attempt.r.people": "People",
    "attempt.r.adults": "Adults", "attempt.r.note": "Note", "attempt.section.visit": "Visit",
    "count.over": "{n} adults, but {people} people?", "count.more": "{n} people, then",
    "count.again": "Type it again",
    # The visit form below: several answers in one message.
    "attempt.q.seen": "Who did you see?", "attempt.a.seen.child_seen": "The child",
    "attempt.a.seen.parent_seen": "The parent", "attempt.a.seen.all": "Both",
    "attempt.a.seen.done": "Done", "attempt.pause.seen": "See the child first",
    "attempt.q.child_seen": "Did you see the child?", "attempt.a.child_seen.yes": "Yes",
    "attempt.a.child_seen.no": "No", "attempt.q.parent_seen": "Did you see the parent?",
    "attempt.a.parent_seen.yes": "Yes", "attempt.a.parent_seen.no": "No",
    "attempt.q.when": "When?", "attempt.a.when.today": "Today",
    "attempt.a.when.other_day": "Another day", "attempt.r.child_seen": "Child seen",
    "attempt.r.parent_seen": "Parent seen",
    "attempt.q.where": "Where? The postcode too", "attempt.r.where": "Where",
    "attempt.q.postcode": "The postcode?", "attempt.r.postcode": "Postcode",
}  # fmt: skip

KEPT: dict[int, dict[str, Any]] = {}  # user id -> answers, as a feature's table would
SECRET: dict[int, dict[str, Any]] = {}  # user id -> personal answers ("encrypted")


class FakeStore:
    def __init__(self, user_id: int) -> None:
        self.plain = KEPT.setdefault(user_id, {})
        self.secret = SECRET.setdefault(user_id, {})

    async def answers(self) -> dict[str, Any]:
        return dict(self.plain)

    async def given(self) -> dict[str, Any]:
        return {**self.plain, **self.secret}

    async def record(self, question: Question, value: Any) -> None:
        (self.secret if question.personal else self.plain)[question.key] = value


class AttemptHooks(Hooks):
    async def store(self, turn: Turn) -> Store:
        return FakeStore(turn.actor.user_id)

    async def forget(
        self, uow: UnitOfWork, dialogue: DialogueState, *, actor: str, reason: str
    ) -> None:
        FakeStore(dialogue.user_id).plain.clear()


FORM = Form("attempt", "attempt", QUESTIONS, AttemptHooks(), editable_sections=("attempt", "who"))


@pytest.fixture(autouse=True)
def messages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, text in MESSAGES.items():  # the form's messages, in both languages
        for lang in ("en", "cy"):
            monkeypatch.setitem(catalogue(lang).messages, key, text)
    KEPT.clear()
    SECRET.clear()
    yield


class Worker:
    """A worker going through the form, one unit of work per action, as the assistant does."""

    def __init__(self, storage: Storage, actor: Actor, form: Form = FORM) -> None:
        self.storage, self.actor, self.form = storage, actor, form
        self.last: Reply | None = None
        self.on_screen: dict[str, str] = {}  # label -> the newest button with it

    async def _turn(self, act: Any) -> Outcome:
        async with self.storage.unit_of_work() as uow:
            dialogue = await uow.dialogues.current(self.actor.user_id)
            assert dialogue is not None
            outcome: Outcome = await act(uow, Turn(uow, self.actor, dialogue, self.form))
        self.show(outcome.replies[-1])
        return outcome

    def show(self, reply: Reply) -> None:
        self.last = reply
        self.on_screen |= {b.label: b.token for row in reply.buttons for b in row}

    async def press(self, label: str) -> list[str]:
        token = self.on_screen[label]
        async with self.storage.unit_of_work() as uow:
            pressed = await uow.buttons.resolve(token, self.actor.user_id)
        assert pressed is not None

        async def act(uow: Any, turn: Turn) -> Outcome:
            outcome = await engine.on_button(turn, pressed.action, dict(pressed.payload))
            assert outcome is not None
            return outcome

        return [r.text for r in (await self._turn(act)).replies]

    async def say(self, text: str) -> list[str]:
        async def act(uow: Any, turn: Turn) -> Outcome:
            return await engine.on_text(turn, text)

        return [r.text for r in (await self._turn(act)).replies]

    @property
    def buttons(self) -> list[list[str]]:
        return [[b.label for b in row] for row in (self.last.buttons if self.last else ())]

    async def step(self) -> str | None:
        async with self.storage.unit_of_work() as uow:
            dialogue = await uow.dialogues.current(self.actor.user_id)
        return None if dialogue is None else dialogue.step


async def start(storage: Storage, form: Form = FORM) -> Worker:
    assistant = Assistant(storage, "bot")
    spec = InviteSpec("worker", "Mair", la_codes=("cardiff",))
    await assistant.start(40, await create_invite(storage, spec, actor="t"), "en")
    actor = await assistant.identify(40)
    assert actor is not None
    worker = Worker(storage, actor, form)
    async with storage.unit_of_work() as uow:
        dialogue = await uow.dialogues.begin(actor.user_id, "attempt", engine.first_key(form))
        worker.show(await engine.ask(Turn(uow, actor, dialogue, form)))
    return worker


async def test_a_worker_answers_one_question_per_message_in_order(storage: Storage) -> None:
    worker = await start(storage)
    assert worker.last is not None and worker.last.text == "1/5 · How did you try?"
    assert worker.buttons == [["Phone"], ["Visit"]]
    assert await worker.press("Phone") == ["2/5 · Did you reach them?"]
    assert await worker.say("yes") == ["3/4 · On which day?"]  # typed: the button's word
    assert worker.buttons == [["Today"]]
    assert await worker.say("31/02/2026") == [
        t("en", "parse.date.invalid", example=DATE_EXAMPLE),
        "3/4 · On which day?",
    ]
    assert await worker.press("Today") == ["4/4 · Which number?"]
    (review,) = await worker.say("07400 123456")
    assert review.split("\n") == [
        "Check the attempt", "", "<Attempt>", "• How: Phone", "• Reached: Yes",
        "• Day: 23/11/2026", "", "<Who>", "• Number: +447400123456",
    ]  # fmt: skip
    assert worker.buttons == [["Change: Attempt", "Change: Who"], ["Save"]]
    assert SECRET[worker.actor.user_id] == {"number": "+447400123456"}  # kept apart
    assert "number" not in KEPT[worker.actor.user_id]


async def test_a_question_that_applies_is_counted_from_the_start_and_never_added(
    storage: Storage,
) -> None:
    worker = await start(storage)
    await worker.press("Visit")
    assert await worker.press("No") == ["3/5 · What happened?"]  # the total stays 5
    assert await worker.say("x" * 41) == [
        t("en", "parse.text.too_long", limit=40, length=41),
        "3/5 · What happened?",
    ]
    assert await worker.say("Nobody in") == ["4/5 · On which day?"]


async def test_changing_one_answer_asks_again_only_what_rests_on_it(storage: Storage) -> None:
    worker = await start(storage)
    for label in ("Phone", "Yes", "Today"):
        await worker.press(label)
    await worker.say("07400 123456")
    assert await worker.say("Save") == ["Use the buttons"]
    assert await worker.press("Change: Attempt") == ["Which Attempt answer?"]
    assert worker.buttons == [["How", "Reached"], ["Day"], ["Back"]]  # what applies
    assert await worker.press("Reached") == ["2/5 · Did you reach them?"]
    # "No" makes the reason apply: it is asked, then the review again; nothing else.
    assert await worker.press("No") == ["3/5 · What happened?"]
    (review,) = await worker.say("Nobody in")
    assert "• Why not: Nobody in" in review and "• Number: +447400123456" in review
    # The number rests on the method: changing the method asks for the number again.
    await worker.press("Change: Attempt")
    await worker.press("How")
    assert await worker.press("Visit") == ["5/5 · Which number?"]
    (review,) = await worker.say("07400 654321")
    assert "• How: Visit" in review and "+447400654321" in review
    assert await worker.step() == REVIEW


async def test_an_answer_that_changes_nothing_goes_straight_back_to_the_review(
    storage: Storage,
) -> None:
    worker = await start(storage)
    for label in ("Phone", "Yes", "Today"):
        await worker.press(label)
    await worker.say("07400 123456")
    await worker.press("Change: Attempt")
    await worker.press("How")
    (review,) = await worker.press("Phone")  # the same method: the number still stands
    assert review.startswith("Check the attempt") and "+447400123456" in review
    assert await worker.step() == REVIEW
    await worker.press("Change: Who")
    assert worker.buttons == [["Number"], ["Back"]]
    (back,) = await worker.press("Back")
    assert back == review


async def test_a_pause_keeps_the_user_on_the_question_and_stale_buttons_are_refused(
    storage: Storage,
) -> None:
    paused = Form("attempt", "attempt", (Question("reached", "choice", "attempt", ("yes", "no"),
                                                  pauses_on=("no",)),), AttemptHooks())  # fmt: skip
    worker = await start(storage)
    await worker.press("Phone")
    async with storage.unit_of_work() as uow:
        dialogue = await uow.dialogues.current(worker.actor.user_id)
        assert dialogue is not None
        turn = Turn(uow, worker.actor, dialogue, FORM)
        stale = await engine.on_button(turn, "attempt.answer", {"q": "method", "v": "visit"})
        assert stale is not None and stale.replies[0].text == t("en", "button.stale")
        uow.dialogues.advance(dialogue, "reached")
        turn = Turn(uow, worker.actor, dialogue, paused)
        held = await engine.on_button(turn, "attempt.answer", {"q": "reached", "v": "no"})
        assert held is not None and [r.text for r in held.replies] == ["Paused"]
        assert dialogue.step == "reached"


async def test_discarding_ends_the_dialogue_and_the_form_forgets_its_answers(
    storage: Storage,
) -> None:
    worker = await start(storage)
    await worker.press("Phone")
    assert KEPT[worker.actor.user_id] == {"method": "phone"}
    async with storage.unit_of_work() as uow:
        dialogue = await uow.dialogues.current(worker.actor.user_id)
        assert dialogue is not None
        await engine.discard(FORM, uow, dialogue, actor="test", reason="cancelled")
    assert await worker.step() is None and KEPT[worker.actor.user_id] == {}


class HeadcountHooks(AttemptHooks):
    """More adults than people is a slip in one of the two: either may be the one kept."""

    def check(
        self, turn: Turn, question: Question, value: Any, answers: Any, today: Any
    ) -> Problem | None:
        people = answers.get("people")
        if question.key != "adults" or people is None or value <= people:
            return None
        more = Offer("more", "count.more", {"n": value}, {"people": value})
        again = Offer("again", "count.again")
        return Problem("count.over", {"n": value, "people": people}, (more, again))


HEADCOUNT = Form(
    "attempt",
    "attempt",
    (
        Question("people", "number", "visit", limit=20),
        Question("adults", "number", "visit", limit=20),
        Question("note", "text", "visit", rests_on=("people",)),  # said about that many
    ),
    HeadcountHooks(),
    editable_sections=("visit",),
)


async def test_a_problem_may_offer_buttons_and_pressing_one_keeps_the_value_given(
    storage: Storage,
) -> None:
    worker = await start(storage, HEADCOUNT)
    await worker.say("3")
    assert await worker.say("5") == ["5 adults, but 3 people?"]  # one message, no re-ask
    assert worker.buttons == [["5 people, then"], ["Type it again"]]
    assert await worker.step() == "adults" and KEPT[worker.actor.user_id]["people"] == 3
    offered = dict(worker.on_screen)
    # Asked again: the offer's message keeps its words and says what was chosen.
    assert await worker.press("Type it again") == [
        "5 adults, but 3 people?\n\n✓ Type it again",
        "2/3 · How many adults?",
    ]
    await worker.say("5")
    # Kept: the value and the offer's answers, then on as if it had passed.
    assert await worker.press("5 people, then") == [
        "5 adults, but 3 people?\n\n✓ 5 people, then",
        "3/3 · Anything else?",
    ]
    assert KEPT[worker.actor.user_id] == {"people": 5, "adults": 5}
    worker.on_screen = offered  # the first offer's buttons, pressed now: the form moved on
    assert await worker.press("5 people, then") == [t("en", "button.stale")]
    (review,) = await worker.say("Two children")
    assert "• People: 5" in review and "• Adults: 5" in review


async def test_an_offer_taken_while_changing_an_answer_asks_what_rests_on_what_it_changed(
    storage: Storage,
) -> None:
    worker = await start(storage, HEADCOUNT)
    for answer in ("3", "2", "One child"):
        await worker.say(answer)
    await worker.press("Change: Visit")
    await worker.press("Adults")
    await worker.say("4")
    # The note rests on the people: the offer changed them, so it is asked again.
    assert (await worker.press("4 people, then"))[1] == "3/3 · Anything else?"
    (review,) = await worker.say("Two children")
    assert "• People: 4" in review and "• Note: Two children" in review
    assert await worker.step() == REVIEW


async def test_an_offer_that_no_longer_stands_is_stale_and_typing_instead_is_read_as_usual(
    storage: Storage,
) -> None:
    worker = await start(storage, HEADCOUNT)
    await worker.say("3")
    await worker.say("5")
    KEPT[worker.actor.user_id]["people"] = 6  # changed meanwhile: 5 adults now fit
    assert await worker.press("5 people, then") == [t("en", "button.stale")]
    assert await worker.step() == "adults"
    assert await worker.say("2") == ["3/3 · Anything else?"]


# A visit: one message may answer several questions, each still recorded on its own.
VISIT = (
    Question("seen", "checklist", "visit", parts=("child_seen", "parent_seen"), per_row=1),
    Question("child_seen", "choice", "visit", ("yes", "no"), pauses_on=("no",)),
    Question("parent_seen", "choice", "visit", ("yes", "no")),
    Question("when", "choice", "visit", ("today", "other_day"), parts=("on",),
             fills={"today": {"on": "today"}, "other_day": {}}),
    Question("on", "date", "visit", ("today",)),
    Question("where", "text", "visit", parts=("postcode",), limit=60),
    Question("postcode", "postcode", "visit"),
)  # fmt: skip


class VisitHooks(AttemptHooks):
    def split(self, turn: Turn, question: Question, value: Any) -> Split:
        """A place typed with a postcode gives the postcode too."""
        words = str(value).rsplit(" ", 2)
        if question.key == "where" and len(words) == 3 and words[1][:1].isalpha():
            return Split(words[0], {"postcode": " ".join(words[1:])})
        return super().split(turn, question, value)


VISIT_FORM = Form("attempt", "attempt", VISIT, VisitHooks(), editable_sections=("visit",))


async def test_a_checklist_ticks_in_place_and_records_each_part_on_its_own(
    storage: Storage,
) -> None:
    worker = await start(storage, VISIT_FORM)
    assert worker.last is not None and worker.last.text == "1/3 · Who did you see?"
    assert worker.buttons == [["☐ The child"], ["☐ The parent"], ["Both"], ["Done"]]
    assert await worker.press("☐ The parent") == ["1/3 · Who did you see?"]
    assert worker.last.edit  # redrawn in place
    assert worker.buttons == [["☐ The child"], ["☑ The parent"], ["Both"], ["Done"]]
    assert await worker.say("the child") == ["1/3 · Who did you see?"]  # typed: the same
    assert worker.buttons[0] == ["☑ The child"] and not worker.last.edit
    await worker.press("☑ The parent")  # a second press takes it off again
    assert await worker.press("Done") == ["2/3 · When?"]
    assert KEPT[worker.actor.user_id] == {"child_seen": "yes", "parent_seen": "no"}
    assert await worker.say("perhaps") == [t("en", "dialogue.use_buttons"), "2/3 · When?"]


async def test_a_part_left_at_a_pausing_value_pauses_the_checklist_with_its_message(
    storage: Storage,
) -> None:
    worker = await start(storage, VISIT_FORM)
    await worker.press("☐ The parent")
    assert await worker.press("Done") == ["See the child first"]
    assert await worker.step() == "seen"
    assert await worker.say("hello") == [t("en", "dialogue.use_buttons")]
    assert await worker.press("Both") == ["2/3 · When?"]  # ticks both, and goes on
    assert KEPT[worker.actor.user_id] == {"child_seen": "yes", "parent_seen": "yes"}


async def test_a_choice_that_fills_its_parts_skips_them_and_the_review_shows_each(
    storage: Storage,
) -> None:
    worker = await start(storage, VISIT_FORM)
    await worker.press("Both")
    assert await worker.press("Today") == ["3/3 · Where? The postcode too"]  # the day read
    (review,) = await worker.say("Y llyfrgell CF10 1AA")
    assert review.split("\n") == [
        "Check the attempt", "", "<Visit>", "• Child seen: Yes", "• Parent seen: Yes",
        "• Day: 23/11/2026", "• Where: Y llyfrgell", "• Postcode: CF10 1AA",
    ]  # fmt: skip
    assert KEPT[worker.actor.user_id]["on"] == "2026-11-23"
    await worker.press("Change: Visit")  # each answer on its own, not the questions asking two
    assert worker.buttons == [["Child seen", "Parent seen"], ["Day", "Where"], ["Postcode"],
                              ["Back"]]  # fmt: skip
    assert await worker.press("Parent seen") == ["1/3 · Did you see the parent?"]
    (again,) = await worker.press("No")  # only that one, then the review
    assert "• Parent seen: No" in again and "• Child seen: Yes" in again


async def test_a_part_not_given_is_asked_on_its_own_under_its_groups_number(
    storage: Storage,
) -> None:
    worker = await start(storage, VISIT_FORM)
    await worker.press("Both")
    assert await worker.press("Another day") == ["2/3 · On which day?"]
    assert await worker.say("31/02/2026") == [
        t("en", "parse.date.invalid", example=DATE_EXAMPLE),
        "2/3 · On which day?",
    ]
    assert await worker.say("yesterday") == ["3/3 · Where? The postcode too"]
    assert await worker.say("12 Stryd Fawr CF10 1AA") == [await review_text(worker)]
    kept = KEPT[worker.actor.user_id]
    assert kept["where"] == "12 Stryd Fawr" and kept["postcode"] == "CF10 1AA"  # read as typed


async def test_a_part_that_does_not_read_is_said_and_asked_on_its_own(
    storage: Storage,
) -> None:
    worker = await start(storage, VISIT_FORM)
    await worker.press("Both")
    await worker.press("Another day")
    await worker.say("yesterday")
    assert await worker.say("12 Stryd Fawr QQ1 1AA") == [
        t("en", "parse.postcode.invalid", example="CF10 1AA"),
        "3/3 · The postcode?",
    ]
    assert KEPT[worker.actor.user_id]["where"] == "12 Stryd Fawr"  # the rest is kept
    assert await worker.say("cf10 1aa") == [await review_text(worker)]
    # From the review, a new place whose postcode does not read asks for the postcode again.
    await worker.press("Change: Visit")
    await worker.press("Where")
    assert await worker.say("Y llyfrgell QQ1 1AA") == [
        t("en", "parse.postcode.invalid", example="CF10 1AA"),
        "3/3 · The postcode?",
    ]
    (review,) = await worker.say("CF10 2BB")
    assert "• Where: Y llyfrgell" in review and "• Postcode: CF10 2BB" in review


async def review_text(worker: Worker) -> str:
    async with worker.storage.unit_of_work() as uow:
        dialogue = await uow.dialogues.current(worker.actor.user_id)
        assert dialogue is not None
        return (await engine.ask(Turn(uow, worker.actor, dialogue, VISIT_FORM))).text


def test_a_form_whose_parts_do_not_fit_is_refused_when_declared() -> None:
    part = Question("part", "choice", "visit", ("yes", "no"))
    for questions in (
        (Question("group", "choice", "visit", ("a",), parts=("part",),
                  fills={"a": {"part": "maybe"}}), part),  # not one of its buttons
        (Question("group", "choice", "visit", ("a", "b"), parts=("part",),
                  fills={"a": {"part": "yes"}}), part),  # "b" would answer nothing
        (part, Question("group", "checklist", "visit", parts=("part",))),  # asked first
        (Question("group", "checklist", "visit", parts=("part",)),
         Question("part", "text", "visit")),  # a checklist's part is ticked, not typed
    ):  # fmt: skip
        with pytest.raises(AssertionError):
            Form("attempt", "attempt", questions, AttemptHooks())
