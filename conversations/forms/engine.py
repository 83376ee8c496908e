"""Asking a form: one question per message, its answer recorded through the form's store,
the review, and changing one answer from it (asking again only what rests on it).

One message may answer several questions (see `Question.parts`): each part is still recorded,
checked, shown on the review and changed on its own; a part left unanswered is asked next.

Where the user is lives in the dialogue row: `step` is the question (or `review`); while an
answer is being changed, `answers["ask"]` lists what is still to ask; a multi-select or a
checklist keeps what is ticked so far in `answers["picked"]`; `answers["filled"]` the parts
the last answer gave, not to be asked again. Button actions are `<kind>.answer`,
`<kind>.done`, `<kind>.change`, `<kind>.edit`, `<kind>.back` and `<kind>.offer` (a way past
a problem the form's `check` found); `<kind>.submit` is the feature's own.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conversations.forms.hooks import Turn
from conversations.forms.order import (
    REVIEW,
    asked_again,
    groups,
    next_key,
    opened_by_change,
    progress,
)
from conversations.forms.questions import ALL, Answers, Form, Question
from conversations.forms.reading import read_typed
from conversations.i18n import t
from conversations.keyboards import button, rows
from conversations.parsing import Offer, Problem, fold, match_choice, means_nothing
from conversations.reply import Button, Outcome, Reply
from storage.dialogues import DialogueState
from storage.uow import UnitOfWork

ANSWER, DONE, CHANGE, EDIT, BACK, OFFER = "answer", "done", "change", "edit", "back", "offer"


def first_key(form: Form, answers: Answers | None = None) -> str:
    """The first question that applies (a new dialogue's step)."""
    return next_key(form.questions, None, answers or {})


def _action(turn: Turn, name: str) -> str:
    return f"{turn.form.kind}.{name}"


def _stale(turn: Turn) -> Outcome:
    return Outcome([Reply(t(turn.lang, "button.stale"))])


async def ask(turn: Turn, answers: Answers | None = None, *, edit: bool = False) -> Reply:
    """What the user sees where they are: the question, or the review."""
    if answers is None:
        answers = await (await turn.store()).answers()
    if turn.dialogue.step == REVIEW:
        return await review(turn, answers)
    reply = await question_reply(turn, turn.form.by_key[turn.dialogue.step], answers)
    return replace(reply, edit=edit) if edit else reply


async def question_reply(turn: Turn, question: Question, answers: Answers) -> Reply:
    form, hooks, lang = turn.form, turn.form.hooks, turn.lang
    text = await hooks.text(turn, question, answers)
    if form.progress:
        n, total = progress(form.questions, question.key, answers)
        text = f"{n}/{total} · {text}"
    options = await hooks.options(turn, question, answers, lang)
    if question.kind == "multi":
        return Reply(text, buttons=_multi_buttons(turn, question, options))
    if question.kind == "checklist":
        return Reply(text, buttons=_checklist_buttons(turn, question, options))
    buttons = [
        button(turn.uow, turn.actor, label, _action(turn, ANSWER), q=question.key, v=value)
        for value, label in options
    ]
    return Reply(text, buttons=rows(buttons, question.per_row))


def _multi_buttons(
    turn: Turn, question: Question, options: list[tuple[str, str]]
) -> tuple[tuple[Button, ...], ...]:
    """Each choice ticked or not (a press toggles it); then those that answer on their own,
    and Done."""
    picked = set(turn.dialogue.answers.get("picked") or ())
    uow, actor, key = turn.uow, turn.actor, question.key
    toggles = [
        button(uow, actor, f"✓ {label}" if value in picked else label, _action(turn, ANSWER),
               q=key, v=value)
        for value, label in options
        if value not in question.alone
    ]  # fmt: skip
    last = [
        button(uow, actor, label, _action(turn, ANSWER), q=key, v=value)
        for value, label in options
        if value in question.alone
    ]
    done = turn.form.hooks.done_label(turn, question)
    last.append(button(uow, actor, done, _action(turn, DONE)))
    return (*rows(toggles, question.per_row), tuple(last))


def _checklist_buttons(
    turn: Turn, question: Question, options: list[tuple[str, str]]
) -> tuple[tuple[Button, ...], ...]:
    """Each part ticked (☑) or not (☐), a press toggling it; then All, and Done."""
    picked = set(turn.dialogue.answers.get("picked") or ())
    uow, actor, key, hooks = turn.uow, turn.actor, question.key, turn.form.hooks
    toggles = [
        button(uow, actor, f"{'☑' if value in picked else '☐'} {label}", _action(turn, ANSWER),
               q=key, v=value)
        for value, label in options
    ]  # fmt: skip
    every = button(uow, actor, hooks.label(turn, turn.lang, question, ALL), _action(turn, ANSWER),
                   q=key, v=ALL)  # fmt: skip
    done = button(uow, actor, hooks.done_label(turn, question), _action(turn, DONE))
    return (*rows(toggles, question.per_row), (every,), (done,))


async def on_button(turn: Turn, action: str, payload: dict[str, Any]) -> Outcome | None:
    """A press of one of the engine's buttons; None for an action that is the feature's."""
    name = action.removeprefix(f"{turn.form.kind}.")
    step = turn.dialogue.step
    if name in (CHANGE, EDIT, BACK):
        if step != REVIEW or not turn.form.review:
            return _stale(turn)
        return Outcome([await _from_review(turn, name, payload)])
    if name == DONE:
        question = turn.form.by_key.get(step)
        if question is None or question.kind not in ("multi", "checklist"):
            return _stale(turn)
        picked = sorted(turn.dialogue.answers.get("picked") or ())
        return await _checked(turn, question, picked, pressed=True)
    if name == OFFER:
        return await _take_offer(turn, payload)
    if name != ANSWER:
        return None
    question = turn.form.by_key.get(step)
    if question is None or payload.get("q") != step:
        return _stale(turn)
    value = str(payload.get("v"))
    if question.kind == "multi":
        return await _toggle(turn, question, value)
    if question.kind == "checklist":
        return await _tick(turn, question, value, pressed=True)
    if question.kind in ("choice", "search"):
        return await answer(turn, question, value, pressed=True)
    # A quick button on a typed question ("Today", "None known") reads as its words typed.
    return await on_text(turn, turn.form.hooks.label(turn, turn.lang, question, value))


async def _toggle(turn: Turn, question: Question, value: str) -> Outcome:
    if value in question.alone:
        return await answer(turn, question, [value], pressed=True)
    picked = set(turn.dialogue.answers.get("picked") or ())
    picked ^= {value}  # a second press takes it off again
    turn.uow.dialogues.advance(turn.dialogue, question.key, picked=sorted(picked))
    answers = await (await turn.store()).answers()
    return Outcome([await ask(turn, answers, edit=turn.form.edits)])


async def _tick(turn: Turn, question: Question, value: str, *, pressed: bool) -> Outcome:
    """A checklist's part ticked or unticked (the message is redrawn in place), or All."""
    if value == ALL:
        return await _checked(turn, question, list(question.parts), pressed=pressed)
    if value not in question.parts:
        return _stale(turn)
    picked = set(turn.dialogue.answers.get("picked") or ())
    picked ^= {value}
    turn.uow.dialogues.advance(turn.dialogue, question.key, picked=sorted(picked))
    answers = await (await turn.store()).answers()
    return Outcome([await ask(turn, answers, edit=pressed)])


async def _typed_at_checklist(turn: Turn, question: Question, text: str) -> Outcome:
    """Typing a checklist button's words (either language) does what pressing it does."""
    hooks, answers = turn.form.hooks, await (await turn.store()).answers()
    done = [(DONE, hooks.done_label(turn, question))]
    for lang in dict.fromkeys((turn.lang, "en", "cy")):
        options = await hooks.options(turn, question, answers, lang)
        value = match_choice(text, [*options, (ALL, hooks.label(turn, lang, question, ALL)), *done])
        if value == DONE:
            picked = sorted(turn.dialogue.answers.get("picked") or ())
            return await _checked(turn, question, picked, pressed=False)
        if value is not None:
            return await _tick(turn, question, value, pressed=False)
    return Outcome([Reply(t(turn.lang, turn.form.use_buttons), hint=True)])


async def _exact_button(turn: Turn, question: Question, text: str, answers: Answers) -> str | None:
    """A button's whole label typed (either language): for a search, whose typed words are
    otherwise searched for."""
    for lang in dict.fromkeys((turn.lang, "en", "cy")):
        for value, label in await turn.form.hooks.options(turn, question, answers, lang):
            if fold(label) == fold(text):
                return value
    return None


async def on_text(turn: Turn, text: str) -> Outcome:
    form, lang, step = turn.form, turn.lang, turn.dialogue.step
    if step == REVIEW:
        return Outcome([Reply(t(lang, f"{form.prefix}.review_use_buttons"), hint=True)])
    question = form.by_key[step]
    if question.kind == "search":
        answers = await (await turn.store()).answers()
        if (value := await _exact_button(turn, question, text, answers)) is not None:
            return await answer(turn, question, value, pressed=False)
        return await form.hooks.search(turn, question, text)
    if question.kind == "multi":
        return Outcome([Reply(t(lang, form.use_buttons), hint=True)])
    if question.kind == "checklist":
        return await _typed_at_checklist(turn, question, text)
    answers = await (await turn.store()).answers()
    value = await _read(turn, question, text, answers)
    if isinstance(value, Problem):
        return await _problem(turn, value, answers)
    return await _checked(turn, question, value, pressed=False, answers=answers)


async def _read(turn: Turn, question: Question, text: str, answers: Answers) -> Any:
    """Typing instead of pressing is understood when it matches a button (either language);
    otherwise the text is read by the question's kind. A date's buttons may come from data
    (the coming days, from `Hooks.options`), so a date always looks at its buttons."""
    if question.kind in ("choice", "date") or question.choices:
        pressed = await _typed_button(turn, question, text, answers)
        if question.kind == "choice":
            return pressed if pressed is not None else Problem(turn.form.use_buttons, {})
        if pressed is not None and (question.kind != "date" or pressed == question.shortcut):
            return pressed  # "None known" (a date's "No date yet" too) is the answer itself
        if pressed is not None:
            text = pressed  # "today" and "yesterday" are dates the parser reads
    today = turn.today()
    bounds = turn.form.hooks.bounds(turn, question, answers, today)
    return read_typed(question, text, today=today, bounds=bounds)


async def _typed_button(turn: Turn, question: Question, text: str, answers: Answers) -> str | None:
    if question.shortcut is not None and means_nothing(text):
        return question.shortcut  # "none" typed where a "None known" button is shown
    for lang in dict.fromkeys((turn.lang, "en", "cy")):
        options = await turn.form.hooks.options(turn, question, answers, lang)
        if (value := match_choice(text, options)) is not None:
            return value
    return None


async def _problem(turn: Turn, problem: Problem, answers: Answers) -> Outcome:
    said = Reply(t(turn.lang, problem.key, **problem.params), hint=not turn.form.reask)
    if not turn.form.reask:
        return Outcome([said])
    return Outcome([said, await ask(turn, answers)])


async def _checked(
    turn: Turn, question: Question, value: Any, *, pressed: bool, answers: Answers | None = None
) -> Outcome:
    if answers is None:
        answers = await (await turn.store()).answers()
    problem = turn.form.hooks.check(turn, question, value, answers, turn.today())
    if problem is not None and problem.offers:
        return await _offer(turn, question, value, problem)
    if problem is not None:
        return await _problem(turn, problem, answers)
    return await answer(turn, question, value, pressed=pressed)


async def _offer(turn: Turn, question: Question, value: Any, problem: Problem) -> Outcome:
    """A problem with ways past it: the value is kept through the store (encrypted if
    personal, never in a button) and the user stays on its question, with a button per way;
    typing another answer instead is read as usual."""
    await (await turn.store()).record(question, value)
    offers = [
        button(turn.uow, turn.actor, t(turn.lang, o.label, **o.params), _action(turn, OFFER),
               q=question.key, o=o.name)
        for o in problem.offers
    ]  # fmt: skip
    return Outcome([Reply(t(turn.lang, problem.key, **problem.params), buttons=rows(offers, 1))])


async def _take_offer(turn: Turn, payload: dict[str, Any]) -> Outcome:
    """A way past a problem pressed. It is made again from what is kept now (the value given,
    the other answers, today), so an offer that no longer stands is stale. Its message keeps
    its words and shows the choice; then the question again, or the value is taken with the
    offer's answers, as if it had passed: the form's `after` sees them all."""
    question = turn.form.by_key.get(turn.dialogue.step)
    if question is None or payload.get("q") != question.key:
        return _stale(turn)
    store = await turn.store()
    value, answers = (await store.given()).get(question.key), await store.answers()
    check = turn.form.hooks.check
    problem = None if value is None else check(turn, question, value, answers, turn.today())
    chosen = _offered(problem, str(payload.get("o")))
    if problem is None or chosen is None:
        return _stale(turn)
    said = t(turn.lang, problem.key, **problem.params)
    shown = Reply(f"{said}\n\n✓ {t(turn.lang, chosen.label, **chosen.params)}", edit=True)
    if not chosen.answers:
        return Outcome([shown, await ask(turn, answers)])
    # The value counts as changed: what rests on it is asked again while changing from the
    # review (it was kept before this press, so the store cannot tell).
    before = {key: v for key, v in answers.items() if key != question.key}
    for key, other in chosen.answers.items():
        await store.record(turn.form.by_key[key], other)
    taken = await answer(turn, question, value, pressed=False, before=before)
    return Outcome([shown, *taken.replies], menu=taken.menu, notices=taken.notices)


def _offered(problem: Problem | None, name: str) -> Offer | None:
    return next((o for o in problem.offers if o.name == name), None) if problem else None


async def answer(
    turn: Turn, question: Question, value: Any, *, pressed: bool, before: Answers | None = None
) -> Outcome:
    """Record an answer (and each part it answers), let the form's hooks end or pause here,
    else ask the next question (while changing an answer from the review: only what is
    still to ask, from what changed since `before`, by default the answers until now)."""
    form, hooks, dialogue = turn.form, turn.form.hooks, turn.dialogue
    store = await turn.store()
    changing = dialogue.answers.get("ask")  # None, or still to ask while changing an answer
    if before is None:
        before = await store.answers() if changing is not None else {}
    split = hooks.split(turn, question, value)
    recorded: list[tuple[Question, Any]] = []
    said: list[Reply] = []  # what was wrong with a part: it is asked on its own next
    unread: set[str] = set()

    async def keep(q: Question, v: Any) -> Outcome | None:
        await store.record(q, v)
        recorded.append((q, v))
        return await hooks.after(turn, q, v, await store.answers())

    if split.own and (stop := await keep(question, split.value)) is not None:
        return stop
    for key in (p for p in question.parts if p in split.parts):
        part = form.by_key[key]
        got = await _given(turn, part, split.parts[key], await store.answers())
        if isinstance(got, Problem):
            said.append(Reply(t(turn.lang, got.key, **got.params)))
            unread.add(key)
        elif (stop := await keep(part, got)) is not None:
            return Outcome([*said, *stop.replies], menu=stop.menu, notices=stop.notices)
    answers = await store.answers()
    if any(v in q.pauses_on for q, v in recorded):
        return Outcome([*said, Reply(t(turn.lang, f"{form.prefix}.pause.{question.key}"))])
    filled = {q.key for q, _ in recorded if q is not question}
    ask_now = None if changing is None else asked_again(
        form.questions, question, changing, before, answers, filled
    ) | unread  # fmt: skip
    if changing is None and question.key in groups(form.questions):
        filled |= set(dialogue.answers.get("filled") or ())  # its group's, answered already
    step = next_key(form.questions, question.key, answers, ask_now, filled)
    if step == REVIEW and not form.review:
        return await hooks.finish(turn)
    still = None if ask_now is None or step == REVIEW else sorted(ask_now)
    done: dict[str, Any] = {"picked": None} if question.kind in ("multi", "checklist") else {}
    if filled or dialogue.answers.get("filled"):
        done["filled"] = sorted(filled) or None
    turn.uow.dialogues.advance(dialogue, step, ask=still, **done)
    next_one = await ask(turn, answers, edit=pressed and form.edits)
    asides = [reply for q, v in recorded for reply in await hooks.aside(turn, q, v)]
    return Outcome([*said, *asides, next_one])


async def _given(turn: Turn, part: Question, given: Any, answers: Answers) -> Any:
    """A part's value from what its group gave (one of its buttons, or its words as typed),
    read and checked as if given at the part itself: the value, or the Problem with it."""
    hooks = turn.form.hooks
    value = given
    if part.kind != "choice":
        quick = given in part.choices
        text = hooks.label(turn, turn.lang, part, given) if quick else str(given)
        value = await _read(turn, part, text, answers)
        if isinstance(value, Problem):
            return value
    problem = hooks.check(turn, part, value, answers, turn.today())
    return value if problem is None else problem


async def review(turn: Turn, answers: Answers) -> Reply:
    """Every answer given, by section, with a Change button per editable section and Submit."""
    form, hooks, lang = turn.form, turn.form.hooks, turn.lang
    given = await (await turn.store()).given()
    lines = [await hooks.review_title(turn)]
    # A section none of whose questions applied (a session's topics when it did not take
    # place) is not shown, and has nothing to change.
    answered = {q.section for q in form.questions if q.applies(answers) and q.key in given}
    for section in (s for s in form.sections if s in answered):
        lines += ["", f"<{t(lang, f'{form.prefix}.section.{section}')}>"]
        for q in form.questions:
            if q.section == section and q.applies(answers) and q.key in given:
                shown = await hooks.shown(turn, q, given[q.key])
                lines.append(f"• {t(lang, f'{form.prefix}.r.{q.key}')}: {shown}")
    notes = await hooks.review_notes(turn, given)
    for note in notes:
        lines += ["", note]
    changes = [
        button(turn.uow, turn.actor, _section_label(turn, s), _action(turn, CHANGE), section=s)
        for s in form.editable_sections
        if s in answered
    ]
    submit = button(turn.uow, turn.actor, t(lang, f"{form.prefix}.submit"), f"{form.kind}.submit")
    return Reply("\n".join(lines), buttons=(*rows(changes), (submit,)))


def _section_label(turn: Turn, section: str) -> str:
    prefix = turn.form.prefix
    return t(turn.lang, f"{prefix}.change", section=t(turn.lang, f"{prefix}.section.{section}"))


def pick_answer(turn: Turn, section: str, answers: Answers) -> Reply:
    """Which answer of a section to change: one button each, and a way back to the review."""
    form, lang = turn.form, turn.lang
    choices = [
        button(turn.uow, turn.actor, t(lang, f"{form.prefix}.r.{q.key}"), _action(turn, EDIT),
               q=q.key)
        for q in form.questions
        if q.section == section and section in form.editable_sections and q.applies(answers)
        and q.answers_itself
    ]  # fmt: skip
    back = button(turn.uow, turn.actor, t(lang, f"{form.prefix}.back_to_review"),
                  _action(turn, BACK))  # fmt: skip
    name = t(lang, f"{form.prefix}.section.{section}")
    return Reply(
        t(lang, f"{form.prefix}.change_which", section=name), buttons=(*rows(choices), (back,))
    )


async def _from_review(turn: Turn, name: str, payload: dict[str, Any]) -> Reply:
    """Correcting an answer: the review's Change picks a section, then one answer in it."""
    form = turn.form
    answers = await (await turn.store()).answers()
    if name == CHANGE:
        return pick_answer(turn, str(payload.get("section")), answers)
    step = opened_by_change(form.questions, str(payload.get("q")), form.editable_sections,
                            answers)  # fmt: skip
    if name == BACK or step is None:
        return await review(turn, answers)
    turn.uow.dialogues.advance(turn.dialogue, step, ask=[], filled=None)
    return await question_reply(turn, form.by_key[step], answers)


async def discard(
    form: Form, uow: UnitOfWork, dialogue: DialogueState, *, actor: str, reason: str
) -> None:
    """End the dialogue and whatever its form kept (for /cancel, starting again, the idle
    sweep)."""
    await form.hooks.forget(uow, dialogue, actor=actor, reason=reason)
    await uow.dialogues.end(dialogue.user_id)
