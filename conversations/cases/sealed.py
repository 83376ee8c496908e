"""A case form's answers while it is filled in: in the dialogue row, with the personal ones
(free text about people) sealed, so even a half-filled form keeps them encrypted."""

from __future__ import annotations

from typing import Any

from conversations.forms.questions import Form, Question
from storage.dialogues import DialogueState
from storage.uow import UnitOfWork

SEALED = "sealed"  # the dialogue row's key for the encrypted personal answers


class SealedStore:
    def __init__(self, uow: UnitOfWork, dialogue: DialogueState, form: Form) -> None:
        self.uow, self.dialogue = uow, dialogue
        self.plain = tuple(q.key for q in form.questions if not q.personal)

    async def answers(self) -> dict[str, Any]:
        return {k: self.dialogue.answers[k] for k in self.plain if k in self.dialogue.answers}

    def personal(self) -> dict[str, Any]:
        sealed = self.dialogue.answers.get(SEALED)
        return self.uow.cipher.decrypt_json(sealed.encode("ascii")) if sealed else {}

    async def given(self) -> dict[str, Any]:
        return {**await self.answers(), **self.personal()}

    async def record(self, question: Question, value: Any) -> None:
        fields = {question.key: value}
        if question.personal:
            sealed = self.uow.cipher.encrypt_json({**self.personal(), **fields})
            fields = {SEALED: sealed.decode("ascii")}
        self.uow.dialogues.advance(self.dialogue, self.dialogue.step, **fields)
