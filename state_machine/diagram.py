"""The lifecycle diagram, generated from the same data the machine runs on."""

from transitions.extensions import GraphMachine

from state_machine.lifecycle import MACHINE_TRANSITIONS, STATES, TRANSITIONS, ReferralState
from state_machine.obligations import RULES


class _Blank:
    """GraphMachine draws a model's graph; this one exists only to be drawn."""


def lifecycle_mermaid() -> str:
    """Mermaid source for docs/lifecycle.md (a test keeps the committed copy in step)."""
    machine = GraphMachine(
        model=_Blank(),
        states=STATES,
        transitions=MACHINE_TRANSITIONS,
        initial=ReferralState.SCREENING,
        auto_transitions=False,
        graph_engine="mermaid",
        show_conditions=True,
        title="Referral lifecycle",
    )
    graph = machine.get_graph()
    source: str = graph.draw(None)
    # The initial state is drawn as "active"; strip the styling so the diagram is neutral.
    lines = [ln for ln in source.splitlines() if not ln.strip().startswith(("classDef", "Class"))]
    return "\n".join(ln.rstrip() for ln in lines).strip() + "\n"


def _effects_table() -> str:
    rows = ["| trigger | what it changes besides the state |", "|---|---|"]
    for trigger, says in dict.fromkeys(
        (t["trigger"], t["effects"].says if "effects" in t else "nothing") for t in TRANSITIONS
    ):
        rows.append(f"| `{trigger}` | {says} |")
    return "\n".join(rows) + "\n"


def _obligations_table() -> str:
    rows = ["| what is owed | while | by whom | due | since |", "|---|---|---|---|---|"]
    rows += [f"| `{r.what}` | {r.owed_while} | {r.owed_by} | {r.due} | {r.since} |" for r in RULES]
    return "\n".join(rows) + "\n"


def lifecycle_markdown() -> str:
    """The whole of docs/lifecycle.md."""
    return (
        "# Referral lifecycle\n\n"
        "Generated from `state_machine/lifecycle.py`, `effects.py` and `obligations.py` by "
        "`oocps diagram` (a test fails when this file and the data differ). Guards are shown in "
        "brackets; each names the rule in the guidance it enforces.\n\n"
        "```mermaid\n" + lifecycle_mermaid() + "```\n\n"
        "## What each trigger changes\n\n" + _effects_table() + "\n"
        "## What is owed, by whom and by when\n\n"
        "`obligations(case, now, tz)` answers this for one case; nudges, overdue lists, case "
        "cards and the monitoring return read it. Dates are calendar dates in Europe/London, "
        "met by the end of that day and overdue from the next; working hours and bank holidays "
        "in Wales change only when a nudge is sent, never a due date. 'Did not take up' "
        "(`record_not_taken_up`) is refused until the 21 days have passed, unless the "
        "individual's refusal is recorded (`refused=True`). 'Completed' needs at least one "
        "attended session with engagement judged appropriate; 'did not engage appropriately' "
        "needs its reason recorded (encrypted on the referral, never in the audit: "
        "`reason_recorded=True`). Recording an outcome fires `notify_police` in the unit of "
        "work that owes the notice to police; their Acknowledge fires `close`. Nothing is owed "
        "on a screening or a closed case. 'Since' is when it began to be owed: the deadline "
        "nudges count from it (docs/nudges.md).\n\n" + _obligations_table()
    )
