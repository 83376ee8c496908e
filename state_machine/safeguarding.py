"""A safeguarding concern on a case (NICE NG76, `004_d3cd136780a13bc7.txt` §1.3: "If a child
is in immediate danger, refer to children's social care and/or the police. Otherwise ...
seek advice from ... your organisation's safeguarding lead"): how serious, and what was done.
Raising one changes nothing in the case's lifecycle: the case stays open."""

from __future__ import annotations

IMMEDIATE_RISK = "immediate_risk"
CONCERN = "concern"
LEVELS: tuple[str, ...] = (IMMEDIATE_RISK, CONCERN)
# What the worker did about it (the guidance's three routes).
SAFEGUARDING_ACTIONS: tuple[str, ...] = ("social_care", "police", "safeguarding_lead")
