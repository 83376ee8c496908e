"""How a case is named and described: reference and initials (never more, outside the details
view), its state, and what is owed next, in the reader's language."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from conversations.i18n import t
from state_machine.obligations import Obligation
from storage.live import Live
from storage.models import Referral
from storage.uow import UnitOfWork

_LOCALES = {"en": "en_GB", "cy": "cy"}


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "–"


def short_day(lang: str, value: date) -> str:
    """A button's day, e.g. "Wed 25 Nov" / "Mer 25 Tach" (Babel's CLDR names)."""
    return str(format_date(value, "EEE d MMM", locale=_LOCALES.get(lang, "en_GB")))


async def case_label(uow: UnitOfWork, referral: Referral | Live) -> str:
    """R-7K3M9Q (SDJ): how a case is named everywhere but the details view."""
    initials = await uow.personal.initials(referral) or "–"
    return f"{referral.reference} ({initials})"


def owed_text(lang: str, owed: Obligation | None) -> str:
    if owed is None:
        return t(lang, "case.owed.nothing")
    text = t(lang, f"case.owed.{owed.what}", due=day(owed.due))
    return t(lang, "case.overdue", owed=text) if owed.overdue else text


def state_text(lang: str, referral: Referral) -> str:
    return t(lang, f"case.state.{referral.state}")
