"""Every command, button action and kind of dialogue, declared once; the assistant dispatches
from these tables and nowhere else.

A button's stored meaning is an action name and a payload. An action that stands alone (a
language choice, Accept on an offer) is in `ACTIONS` with the roles that may use it; any
other action belongs to the dialogue whose kind prefixes it (`screening.answer`), and only
the dialogue the user is in may take it. Whoever made the button, role (and, inside each
handler, scope) is checked again when it is used.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from conversations import account, invite_dialogue
from conversations.access import ROLES, Actor, Role
from conversations.cases import (
    acknowledge,
    card,
    contact,
    extension,
    extension_answer,
    feedback,
    first_session,
    listing,
    measure,
    next_session,
    outcome,
    reallocate,
    safeguarding,
    scope,
    session,
    transfer,
    withdraw,
)
from conversations.cases.case_form import CaseForm
from conversations.i18n import t
from conversations.monitoring import figures
from conversations.monitoring import service as monitoring
from conversations.nudges import coming, snooze
from conversations.reply import Outcome, Reply
from conversations.screening import handover, submit
from conversations.screening import service as screening
from conversations.summary import overdue, workload
from conversations.summary import service as summary
from conversations.timeline import service as timeline
from state_machine.lifecycle import ReferralState
from storage.dialogues import DialogueState
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Request:
    """One user action being handled: its unit of work and who it is for."""

    uow: UnitOfWork
    actor: Actor
    bot_username: str

    @property
    def language(self) -> str:
        return self.actor.language


CommandRun = Callable[[Request, str], Awaitable[Outcome]]
ActionRun = Callable[[Request, Mapping[str, Any]], Awaitable[Outcome]]
StepButton = Callable[[Request, DialogueState, str, dict[str, Any]], Awaitable[Outcome]]
StepText = Callable[[Request, DialogueState, str], Awaitable[Outcome]]
Discard = Callable[[UnitOfWork, DialogueState, str, str], Awaitable[None]]


@dataclass(frozen=True)
class Action:
    """A button that stands alone: who may press it, and what it does."""

    roles: tuple[Role, ...]
    run: ActionRun


@dataclass(frozen=True)
class DialogueKind:
    """A kind of conversation: the command that opens it, or from whose screens it is opened
    (whose roles may carry it on; `roles`, when fewer of them may), its step handlers for a
    press and for typed text, and what discarding it means."""

    kind: str
    command: str
    on_button: StepButton
    on_text: StepText
    discard: Discard
    roles: tuple[Role, ...] | None = None

    def allows(self, actor: Actor) -> bool:
        return actor.may(self.command) and (self.roles is None or actor.role in self.roles)


def _one(reply: Reply) -> Outcome:
    return Outcome([reply])


async def _end_only(uow: UnitOfWork, dialogue: DialogueState, _actor: str, _reason: str) -> None:
    """Discarding a dialogue that holds nothing beyond its own row."""
    await uow.dialogues.end(dialogue.user_id)


async def _discard_screening(
    uow: UnitOfWork, dialogue: DialogueState, actor: str, reason: str
) -> None:
    await screening.discard(uow, dialogue, actor=actor, reason=reason)


# Commands: what each one does. Who may use which is ROLE_COMMANDS (conversations/access.py),
# which also gives each role's menu order.
async def _help(request: Request, _args: str) -> Outcome:
    return _one(account.help_reply(request.actor))


async def _whoami(request: Request, _args: str) -> Outcome:
    return _one(await account.whoami(request.uow, request.actor))


async def _language(request: Request, _args: str) -> Outcome:
    return _one(account.choose_language(request.uow, request.actor))


async def _cancel(request: Request, _args: str) -> Outcome:
    return _one(await account.cancel(request.uow, request.actor))


async def _invite(request: Request, _args: str) -> Outcome:
    return _one(await invite_dialogue.begin(request.uow, request.actor))


async def _users(request: Request, _args: str) -> Outcome:
    return _one(await account.users(request.uow, request.actor))


async def _screen(request: Request, _args: str) -> Outcome:
    return await screening.begin(request.uow, request.actor)


async def _cases(request: Request, _args: str) -> Outcome:
    return _one(await listing.show(request.uow, request.actor))


async def _return(request: Request, args: str) -> Outcome:
    return await monitoring.command(request.uow, request.actor, args)


async def _nudges(request: Request, _args: str) -> Outcome:
    return _one(await coming.show(request.uow, request.actor))


async def _summary(request: Request, _args: str) -> Outcome:
    return await summary.command(request.uow, request.actor)


async def _overdue(request: Request, _args: str) -> Outcome:
    return _one(await overdue.show(request.uow, request.actor))


async def _workload(request: Request, _args: str) -> Outcome:
    return _one(await workload.show(request.uow, request.actor))


async def _case(request: Request, args: str) -> Outcome:
    return await timeline.command(request.uow, request.actor, args)


COMMANDS: Mapping[str, CommandRun] = {
    "cases": _cases,
    "help": _help,
    "whoami": _whoami,
    "language": _language,
    "cancel": _cancel,
    "invite": _invite,
    "users": _users,
    "screen": _screen,
    "return": _return,
    "nudges": _nudges,
    "summary": _summary,
    "overdue": _overdue,
    "workload": _workload,
    "case": _case,
}


# Buttons that stand alone.
async def _set_language(request: Request, payload: Mapping[str, Any]) -> Outcome:
    return await account.set_language(request.uow, request.actor, str(payload["language"]))


async def _cancel_confirm(request: Request, _payload: Mapping[str, Any]) -> Outcome:
    dialogue = await request.uow.dialogues.current(request.actor.user_id)
    if dialogue is not None:
        await discard(request.uow, dialogue, actor=request.actor.audit_name, reason="cancelled")
    return _one(Reply(t(request.language, "cancel.done"), edit=True))


async def _cancel_keep(request: Request, _payload: Mapping[str, Any]) -> Outcome:
    return _one(Reply(t(request.language, "cancel.kept"), edit=True))


async def _accept(request: Request, payload: Mapping[str, Any]) -> Outcome:
    return _one(await submit.accept(request.uow, request.actor, int(payload["referral_id"])))


async def _take(request: Request, payload: Mapping[str, Any]) -> Outcome:
    return await handover.take(request.uow, request.actor, int(payload["referral_id"]))


async def _details(request: Request, payload: Mapping[str, Any]) -> Outcome:
    return _one(await submit.details(request.uow, request.actor, int(payload["referral_id"])))


async def _cases_page(request: Request, payload: Mapping[str, Any]) -> Outcome:
    page = int(payload.get("page", 0))
    return _one(await listing.show(request.uow, request.actor, page, edit=True))


async def _case_open(request: Request, payload: Mapping[str, Any]) -> Outcome:
    referral_id, page = int(payload["referral_id"]), int(payload.get("page", 0))
    return _one(await card.open_card(request.uow, request.actor, referral_id, page=page))


CaseDialogue = Callable[[UnitOfWork, Actor, Any], Awaitable[Outcome]]


async def _on_case(
    request: Request,
    payload: Mapping[str, Any],
    begin: CaseDialogue,
    states: tuple[ReferralState, ...] = scope.WORKED_ON,
) -> Outcome:
    """A dialogue about one case, opened from its card: only by the worker who may record on
    it now. One conversation at a time: one under way is discarded as its kind says."""
    uow, actor = request.uow, request.actor
    referral = await scope.worked_on(uow, actor, int(payload["referral_id"]), states)
    if referral is None:
        return stale(request)
    current = await uow.dialogues.current(actor.user_id)
    if current is not None:
        await discard(uow, current, actor=actor.audit_name, reason="another started")
    return await begin(uow, actor, referral)


async def _case_contact(request: Request, payload: Mapping[str, Any]) -> Outcome:
    return await _on_case(request, payload, contact.begin)


async def _case_first_session(request: Request, payload: Mapping[str, Any]) -> Outcome:
    return await _on_case(request, payload, first_session.begin)


async def _snooze(request: Request, payload: Mapping[str, Any]) -> Outcome:
    return _one(await snooze.remind_tomorrow(request.uow, request.actor, int(payload["nudge"])))


async def _nudges_page(request: Request, payload: Mapping[str, Any]) -> Outcome:
    page = int(payload.get("page", 0))
    return _one(await coming.show(request.uow, request.actor, page, edit=True))


async def _summary_list(request: Request, payload: Mapping[str, Any]) -> Outcome:
    la = payload.get("la")
    return _one(
        await summary.show_list(
            request.uow, request.actor, None if la is None else str(la),
            str(payload.get("key")), int(payload.get("page", 0)),
            turn=bool(payload.get("turn", False)),
        )
    )  # fmt: skip


async def _overdue_page(request: Request, payload: Mapping[str, Any]) -> Outcome:
    page = int(payload.get("page", 0))
    return _one(await overdue.show(request.uow, request.actor, page, edit=True))


def _opens(entry: CaseForm) -> ActionRun:
    """A card's button that opens a case form, in the case states the form allows."""

    async def run(request: Request, payload: Mapping[str, Any]) -> Outcome:
        return await _on_case(request, payload, entry.begin, entry.states)

    return run


async def _case_outcome(request: Request, payload: Mapping[str, Any]) -> Outcome:
    return await _on_case(request, payload, outcome.begin)


async def _case_not_taken_up(request: Request, payload: Mapping[str, Any]) -> Outcome:
    return await _on_case(request, payload, outcome.begin_not_taken_up)


async def _acknowledge(request: Request, payload: Mapping[str, Any]) -> Outcome:
    referral_id = int(payload["referral_id"])
    return await acknowledge.acknowledge(request.uow, request.actor, referral_id)


async def _case_extension(request: Request, payload: Mapping[str, Any]) -> Outcome:
    return await _on_case(request, payload, extension.begin)


async def _reallocate(request: Request, payload: Mapping[str, Any]) -> Outcome:
    return await reallocate.reallocate(request.uow, request.actor, dict(payload))


async def _workload_reallocate(request: Request, payload: Mapping[str, Any]) -> Outcome:
    return await reallocate.cases_of(request.uow, request.actor, payload.get("worker_id"))


async def _extension_approve(request: Request, payload: Mapping[str, Any]) -> Outcome:
    confirmed = payload.get("confirmed") is True
    return await extension_answer.approve(
        request.uow, request.actor, payload.get("request_id"), confirmed=confirmed
    )


async def _extension_reason(request: Request, payload: Mapping[str, Any]) -> Outcome:
    return await extension_answer.reason(request.uow, request.actor, payload.get("request_id"))


async def _extension_decline(request: Request, payload: Mapping[str, Any]) -> Outcome:
    """Decline asks its reason: a dialogue; one under way is discarded as its kind says."""
    uow, actor = request.uow, request.actor
    if await extension_answer.answerable(uow, actor, payload.get("request_id")) is None:
        return stale(request)
    current = await uow.dialogues.current(actor.user_id)
    if current is not None:
        await discard(uow, current, actor=actor.audit_name, reason="another started")
    return await extension_answer.decline(uow, actor, payload.get("request_id"))


async def _case_timeline(request: Request, payload: Mapping[str, Any]) -> Outcome:
    referral_id = int(payload["referral_id"])
    return _one(await timeline.open_timeline(request.uow, request.actor, referral_id))


async def _case_timeline_details(request: Request, payload: Mapping[str, Any]) -> Outcome:
    referral_id = int(payload["referral_id"])
    return _one(await timeline.open_details(request.uow, request.actor, referral_id))


async def _return_period(request: Request, payload: Mapping[str, Any]) -> Outcome:
    return _one(monitoring.choose_format(request.uow, request.actor, str(payload.get("period"))))


async def _return_file(request: Request, payload: Mapping[str, Any]) -> Outcome:
    period, fmt = str(payload.get("period")), str(payload.get("format"))
    return await monitoring.file_pressed(request.uow, request.actor, period, fmt)


async def _return_enter(request: Request, _payload: Mapping[str, Any]) -> Outcome:
    current = await request.uow.dialogues.current(request.actor.user_id)
    if current is not None:
        await discard(request.uow, current, actor=request.actor.audit_name,
                      reason="another started")  # fmt: skip
    return await figures.begin(request.uow, request.actor)


EVERYONE = ROLES
CASE_READERS: tuple[Role, ...] = ("worker", "manager")
NUDGED: tuple[Role, ...] = ("worker", "manager", "police")  # the roles deadline nudges go to
NUDGE_PLANNERS: tuple[Role, ...] = ("worker", "manager")  # /nudges: LA staff plan with it
ACTIONS: Mapping[str, Action] = {
    "language.set": Action(EVERYONE, _set_language),
    "cancel.confirm": Action(EVERYONE, _cancel_confirm),
    "cancel.keep": Action(EVERYONE, _cancel_keep),
    "referral.accept": Action(("worker",), _accept),
    "referral.take": Action(("yot",), _take),
    "referral.details": Action(("worker",), _details),
    "cases.page": Action(CASE_READERS, _cases_page),
    "case.open": Action(CASE_READERS, _case_open),
    "case.contact": Action(("worker",), _case_contact),
    "case.first_session": Action(("worker",), _case_first_session),
    "nudge.snooze": Action(NUDGED, _snooze),
    "nudges.page": Action(NUDGE_PLANNERS, _nudges_page),
    "summary.list": Action(("manager",), _summary_list),  # lists: managers only
    "overdue.page": Action(("manager",), _overdue_page),
    "case.session": Action(("worker",), _opens(session.ENTRY)),
    "case.next_session": Action(("worker",), _opens(next_session.ENTRY)),
    "case.feedback": Action(("worker",), _opens(feedback.ENTRY)),
    "case.outcome": Action(("worker",), _case_outcome),
    "case.not_taken_up": Action(("worker",), _case_not_taken_up),  # the day-21 nudge's
    "referral.acknowledge": Action(("police",), _acknowledge),
    "case.concern": Action(("worker",), _opens(safeguarding.ENTRY)),
    "case.measure": Action(("worker",), _opens(measure.ENTRY)),
    # Extensions (footnote 14): the worker asks, a police user of the force answers.
    "case.extension": Action(("worker",), _case_extension),
    "extension.approve": Action(("police",), _extension_approve),
    "extension.decline": Action(("police",), _extension_decline),
    "extension.reason": Action(("police",), _extension_reason),
    "case.transfer": Action(("worker",), _opens(transfer.ENTRY)),
    "case.withdraw": Action(("worker",), _opens(withdraw.ENTRY)),
    # Re-allocation: a manager of the case's LA, from the card or from /workload.
    "case.reallocate": Action(("manager",), _reallocate),
    "workload.reallocate": Action(("manager",), _workload_reallocate),
    # The timeline: from the card (LA staff) or a timeline's Show details (never police).
    "case.timeline": Action(CASE_READERS, _case_timeline),
    "case.timeline_details": Action(CASE_READERS, _case_timeline_details),
    # /return's buttons: a period, then a format; an LA's manager enters their figures.
    "return.period": Action(("manager", "admin"), _return_period),
    "return.file": Action(("manager", "admin"), _return_file),
    "return.enter": Action(("manager",), _return_enter),
}


# Dialogues.
async def _screening_button(
    request: Request, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Outcome:
    return await screening.on_button(request.uow, request.actor, dialogue, action, payload)


async def _screening_text(request: Request, dialogue: DialogueState, text: str) -> Outcome:
    return await screening.on_text(request.uow, request.actor, dialogue, text)


async def _invite_button(
    request: Request, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Outcome:
    reply = await invite_dialogue.on_button(
        request.uow, request.actor, dialogue, action, payload, bot_username=request.bot_username
    )
    return _one(reply)


async def _invite_text(request: Request, dialogue: DialogueState, text: str) -> Outcome:
    return _one(await invite_dialogue.on_text(request.uow, request.actor, dialogue, text))


async def _contact_button(
    request: Request, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Outcome:
    return await contact.on_button(request.uow, request.actor, dialogue, action, payload)


async def _contact_text(request: Request, dialogue: DialogueState, text: str) -> Outcome:
    return await contact.on_text(request.uow, request.actor, dialogue, text)


async def _first_session_button(
    request: Request, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Outcome:
    return await first_session.on_button(request.uow, request.actor, dialogue, action, payload)


async def _first_session_text(request: Request, dialogue: DialogueState, text: str) -> Outcome:
    return await first_session.on_text(request.uow, request.actor, dialogue, text)


def _case_form(entry: CaseForm) -> DialogueKind:
    """A form about one case, opened from its card by the worker it is allocated to."""

    async def on_button(
        request: Request, dialogue: DialogueState, action: str, payload: dict[str, Any]
    ) -> Outcome:
        return await entry.on_button(request.uow, request.actor, dialogue, action, payload)

    async def on_text(request: Request, dialogue: DialogueState, text: str) -> Outcome:
        return await entry.on_text(request.uow, request.actor, dialogue, text)

    return DialogueKind(entry.kind, "cases", on_button, on_text, _end_only, roles=("worker",))


async def _outcome_button(
    request: Request, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Outcome:
    return await outcome.on_button(request.uow, request.actor, dialogue, action, payload)


async def _outcome_text(request: Request, dialogue: DialogueState, text: str) -> Outcome:
    return await outcome.on_text(request.uow, request.actor, dialogue, text)


async def _decline_button(
    request: Request, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Outcome:
    return await extension_answer.on_button(request.uow, request.actor, dialogue, action, payload)


async def _decline_text(request: Request, dialogue: DialogueState, text: str) -> Outcome:
    return await extension_answer.on_text(request.uow, request.actor, dialogue, text)


async def _figures_button(
    request: Request, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Outcome:
    return await figures.on_button(request.uow, request.actor, dialogue, action, payload)


async def _figures_text(request: Request, dialogue: DialogueState, text: str) -> Outcome:
    return await figures.on_text(request.uow, request.actor, dialogue, text)


DIALOGUES: Mapping[str, DialogueKind] = {
    d.kind: d
    for d in (
        DialogueKind(screening.KIND, "screen", _screening_button, _screening_text,
                     _discard_screening),
        DialogueKind(invite_dialogue.KIND, "invite", _invite_button, _invite_text, _end_only),
        # Opened from a case card, by the worker the case is allocated to.
        DialogueKind(contact.KIND, "cases", _contact_button, _contact_text, _end_only,
                     roles=("worker",)),
        DialogueKind(first_session.KIND, "cases", _first_session_button, _first_session_text,
                     _end_only, roles=("worker",)),
        *(_case_form(entry) for entry in (session.ENTRY, next_session.ENTRY, feedback.ENTRY,
                                          safeguarding.ENTRY, measure.ENTRY,
                                          extension.ENTRY, transfer.ENTRY, withdraw.ENTRY)),
        # Opened from an extension request's Decline, by a police user of the force.
        DialogueKind(extension_answer.KIND, "screen", _decline_button, _decline_text,
                     _end_only, roles=("police",)),
        DialogueKind(outcome.KIND, "cases", _outcome_button, _outcome_text, _end_only,
                     roles=("worker",)),
        # Opened from /return, by an LA's manager (an admin has /return, counts only).
        DialogueKind(figures.KIND, "return", _figures_button, _figures_text, _end_only,
                     roles=("manager",)),
    )
}  # fmt: skip


def stale(request: Request) -> Outcome:
    """The one answer to a button that is unknown, old, someone else's or not for this user."""
    return _one(Reply(t(request.language, "button.stale")))


async def run_command(request: Request, name: str, args: str) -> Outcome:
    run = COMMANDS.get(name)
    if run is None or not request.actor.may(name):
        return _one(Reply(t(request.language, "command.unknown")))
    return await run(request, args)


async def press(request: Request, action: str, payload: dict[str, Any]) -> Outcome:
    """A button whose token resolved for this user: run it if their role (and the dialogue
    they are in, for a dialogue's button) still allows it."""
    standalone = ACTIONS.get(action)
    if standalone is not None:
        if request.actor.role not in standalone.roles:
            return stale(request)
        return await standalone.run(request, payload)
    dialogue = await request.uow.dialogues.current(request.actor.user_id)
    kind = DIALOGUES.get(action.split(".")[0])
    if kind is None or dialogue is None or dialogue.kind != kind.kind:
        return stale(request)
    if not kind.allows(request.actor):
        return stale(request)
    return await kind.on_button(request, dialogue, action, payload)


async def text(request: Request, typed: str) -> Outcome:
    """Typed text goes to the dialogue the user is in, if their role may carry it on."""
    dialogue = await request.uow.dialogues.current(request.actor.user_id)
    kind = DIALOGUES.get(dialogue.kind) if dialogue is not None else None
    if dialogue is None or kind is None or not kind.allows(request.actor):
        return _one(Reply(t(request.language, "text.not_expected")))
    return await kind.on_text(request, dialogue, typed)


async def discard(uow: UnitOfWork, dialogue: DialogueState, *, actor: str, reason: str) -> None:
    """End a dialogue as its kind says (/cancel, the idle sweep); a kind no longer known is
    simply ended."""
    kind = DIALOGUES.get(dialogue.kind)
    await (kind.discard if kind is not None else _end_only)(uow, dialogue, actor, reason)
