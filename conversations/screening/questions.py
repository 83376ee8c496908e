"""The screening's questions, as data: what is asked, how it is answered, when it applies.

Message keys follow the question key: `screen.q.<key>` is the question, `screen.a.<key>.<value>`
a button's label, `screen.r.<key>` its label on the review screen.
"""

from __future__ import annotations

from conversations.forms.questions import Question, when
from conversations.parsing import parse_children_ages
from state_machine.eligibility import repeat_needs_conditional_caution

YES_NO = ("yes", "no")
DONE = ("done", "not_yet")
MIN_AGE, MAX_AGE = 10, 110


# A question with `parts` answers them in the same message (the common answer in one press);
# each part is still recorded, checked and shown on its own, and asked on its own when the
# common answer does not give it.
QUESTIONS: tuple[Question, ...] = (
    # 1-2: the disposal and the offence (§1 Police process, §3: "a first, low level offence of
    # common assault at the previous reasonable punishment level")
    Question("outcome", "choice", "offence",
             ("community_resolution", "conditional_caution", "nfa", "charge"), per_row=1),
    Question("offence", "choice", "offence", ("first", "previous", "not_that_level"), per_row=1,
             parts=("offence_level", "history"),
             fills={"first": {"offence_level": "yes", "history": "first"},
                    "previous": {"offence_level": "yes", "history": "previous"},
                    "not_that_level": {"offence_level": "no"}}),
    Question("offence_level", "choice", "offence", YES_NO),
    Question("history", "choice", "offence", ("first", "previous"), per_row=1),
    Question("repeat_disposal", "choice", "offence", ("conditional_caution", "end"),
             applies=repeat_needs_conditional_caution, depends_on=("outcome", "history"),
             per_row=1),
    Question("gravity", "choice", "offence", ("1", "2", "3", "4", "5"), per_row=5),
    Question("incident_date", "date", "offence", ("today", "yesterday")),
    # 3-4: who they are to the child; responsibility (§3), ticked in one message
    Question("relationship", "choice", "person",
             ("parent", "guardian", "step_parent", "grandparent", "aunt_uncle", "family_friend",
              "other_family", "foster_carer", "club_leader", "other_in_loco_parentis")),
    Question("responsibility", "checklist", "person",
             parts=("accepts_responsibility", "admits_guilt", "remorse"), per_row=1),
    Question("accepts_responsibility", "choice", "person", YES_NO),
    Question("admits_guilt", "choice", "person", YES_NO),
    Question("remorse", "choice", "person", YES_NO),
    # 5-6: where they live, age (§3, §4 YOTs role). The LA they live in says they live in
    # Wales too (ScreeningHooks.split); "Lives outside Wales" says only that.
    Question("la", "search", "where", ("outside_wales",), per_row=1,  # a name, or a postcode
             parts=("resident_in_wales",),
             fills={"outside_wales": {"resident_in_wales": "no"}}),
    Question("resident_in_wales", "choice", "where", YES_NO),
    Question("age", "number", "where", least=MIN_AGE, limit=MAX_AGE),
    # 7: police checks (§4 Police role)
    Question("social_services_when", "choice", "checks",
             ("today", "yesterday", "another_day", "no"), per_row=1,
             parts=("social_services", "social_services_date"),
             fills={"today": {"social_services": "yes", "social_services_date": "today"},
                    "yesterday": {"social_services": "yes",
                                  "social_services_date": "yesterday"},
                    "another_day": {"social_services": "yes"},
                    "no": {"social_services": "no"}}),
    Question("social_services", "choice", "checks", YES_NO, pauses_on=("no",)),
    Question("social_services_date", "date", "checks", ("today", "yesterday")),
    Question("needs", "choice", "checks", ("nothing_known", "something", "no"), per_row=1,
             parts=("needs_screened", "compliance_factors"),
             fills={"nothing_known": {"needs_screened": "yes",
                                      "compliance_factors": "none_known"},
                    "something": {"needs_screened": "yes"},
                    "no": {"needs_screened": "no"}}),
    Question("needs_screened", "choice", "checks", YES_NO, pauses_on=("no",)),
    # Free text about people (it may name a partner, an address): encrypted like the details.
    Question("compliance_factors", "text", "checks", ("none_known",), personal=True,
             shortcut="none_known"),
    # 8: explained to the individual, ticked in one message; willing (§4, footnotes 3, 4, 11)
    Question("explained", "checklist", "explained",
             parts=("explained_expectations", "explained_consequences", "explained_benefits"),
             per_row=1),
    Question("explained_expectations", "choice", "explained", DONE, pauses_on=("not_yet",)),
    # What was explained differs by disposal (footnotes 3 and 4).
    Question("explained_consequences", "choice", "explained", DONE, pauses_on=("not_yet",),
             rests_on=("outcome",)),
    Question("explained_benefits", "choice", "explained", DONE, pauses_on=("not_yet",)),
    Question("willing", "choice", "explained", YES_NO),
    # 9: consent to pass details to the LA (§4)
    Question("consent", "choice", "consent", ("given", "refused"), per_row=1, rests_on=("la",)),
    # 10: what the parenting worker needs (personal: encrypted)
    Question("name", "name", "details", personal=True, limit=100),
    Question("dob", "date", "details", personal=True, rests_on=("age",)),  # checked against it
    Question("phone", "phone", "details", personal=True),
    # Typed with its postcode, the address gives the postcode too (ScreeningHooks.split).
    Question("address", "text", "details", personal=True, limit=300, parts=("postcode",)),
    Question("postcode", "postcode", "details", personal=True),
    Question("session_language", "choice", "details", ("cy", "en", "other", "bsl")),
    Question("interpreter_language", "text", "details", personal=True, limit=60,
             applies=when("session_language", "other"), depends_on=("session_language",)),
    Question("contact_times", "choice", "details",
             ("mornings", "afternoons", "evenings", "any_time"), personal=True),
    Question("additional_needs", "text", "details", ("none",), personal=True, shortcut="none"),
    Question("childcare", "choice", "details", YES_NO, personal=True),
    Question("children_ages", "text", "details", personal=True, limit=100,
             parser=parse_children_ages),
    Question("notes", "text", "details", ("no_notes",), personal=True, shortcut="no_notes",
             limit=1000),
)  # fmt: skip

BY_KEY = {q.key: q for q in QUESTIONS}
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(q.section for q in QUESTIONS))
# The review screen lets these be changed; consent is taken again, not edited.
EDITABLE_SECTIONS = tuple(s for s in SECTIONS if s != "consent")
EDITABLE_QUESTIONS = tuple(q for q in QUESTIONS if q.section in EDITABLE_SECTIONS)
