"""The lifecycle diagram, generated from the same data the machine runs on."""

from transitions.extensions import GraphMachine

from state_machine.lifecycle import STATES, TRANSITIONS, ReferralState


class _Blank:
    """GraphMachine draws a model's graph; this one exists only to be drawn."""


def lifecycle_mermaid() -> str:
    """Mermaid source for docs/lifecycle.md (a test keeps the committed copy in step)."""
    machine = GraphMachine(
        model=_Blank(),
        states=STATES,
        transitions=TRANSITIONS,
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


def lifecycle_markdown() -> str:
    """The whole of docs/lifecycle.md."""
    return (
        "# Referral lifecycle\n\n"
        "Generated from `state_machine/lifecycle.py` by `oocps diagram` "
        "(a test fails when this file and the data differ). Guards are shown in brackets; "
        "each names the rule in the guidance it enforces.\n\n"
        "```mermaid\n" + lifecycle_mermaid() + "```\n"
    )
