"""Where a form goes next, and how far along it is: plain functions over its question list.

`REVIEW` stands for the review screen (or, for a form without one, its end).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from conversations.forms.questions import Answers, Question

REVIEW = "review"


def groups(questions: Sequence[Question]) -> dict[str, str]:
    """Each part's key -> the key of the question that may answer it in the same message."""
    return {part: q.key for q in questions for part in q.parts}


def next_key(
    questions: Sequence[Question],
    after: str | None,
    answers: Answers,
    ask: Collection[str] | None = None,
    skip: Collection[str] = (),
) -> str:
    """The first question after `after` (from the start when None) that applies; while an
    answer is being changed, only those in `ask`. Parts in `skip` were answered with their
    group and are not asked again. `REVIEW` when none is left."""
    keys = [q.key for q in questions]
    start = 0 if after is None else keys.index(after) + 1
    for q in questions[start:]:
        if q.applies(answers) and (ask is None or q.key in ask) and q.key not in skip:
            return q.key
    return REVIEW


def may_apply(questions: Sequence[Question], at: str, answers: Answers) -> list[Question]:
    """The questions that count towards the progress at `at`: before it, those that apply or
    were answered (an answer may end its own question's use: a repeat offence answered with a
    Conditional Caution changes the disposal); from it on, those that apply or may still
    apply because an answer they depend on is still ahead. Going forward, this list only
    ever loses questions that are still ahead."""
    keys = [q.key for q in questions]
    here = keys.index(at)
    ahead = set(keys[here:])
    return [
        q
        for i, q in enumerate(questions)
        if q.applies(answers)
        or (q.key in answers if i < here else bool(ahead.intersection(q.depends_on)))
    ]


def progress(questions: Sequence[Question], at: str, answers: Answers) -> tuple[int, int]:
    """(n, N) for the question `at`: n goes up by one per message answered, N never rises.
    A question answering several (a checklist, a choice that fills its parts) counts once;
    a part asked on its own (the date after "Yes, another day") shows its group's number."""
    group = groups(questions)
    at = group.get(at, at)
    place = {q.key: i for i, q in enumerate(questions)}
    counted = [q for q in may_apply(questions, at, answers) if q.key not in group]
    done = sum(1 for q in counted if place[q.key] < place[at])
    return done + 1, max(len(counted), done + 1)


def asked_again(
    questions: Sequence[Question],
    changed: Question,
    still: Collection[str],
    before: Answers,
    after: Answers,
    filled: Collection[str] = (),
) -> frozenset[str]:
    """While an answer is being changed from the review: what is left to ask once `changed`
    is answered. What was still to ask, what the change made apply (the interpreter's
    language), and what rests on an answer that changed (consent on the LA); not the parts
    this answer `filled`, but those of its parts it left without an answer (a personal one,
    never in `after`, is asked again: a new address typed without its postcode asks for the
    postcode)."""
    ask = set(still) - {changed.key}
    ask |= {q.key for q in questions if q.applies(after) and not q.applies(before)}
    moved = {key for key in {*before, *after} if before.get(key) != after.get(key)}
    ask |= {q.key for q in questions if moved.intersection(q.rests_on)}
    left = set(changed.parts) - set(filled) - set(after)
    return frozenset((ask | left) - set(filled))


def opened_by_change(
    questions: Sequence[Question], key: str, sections: Collection[str], answers: Answers
) -> str | None:
    """The question a "change" on the review opens: `key` itself, if it is in an editable
    section, applies and has an answer of its own; None otherwise (consent is taken again,
    not edited; a checklist's items are changed one by one)."""
    found = next((q for q in questions if q.key == key), None)
    if found is None or found.section not in sections or not found.applies(answers):
        return None
    return found.key if found.answers_itself else None
