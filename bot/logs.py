"""Logging: levels and quiet libraries. Nothing personal is logged anywhere in the service.

DEBUG is for this service's own code only. Libraries speak from INFO up, whatever the level:
at DEBUG python-telegram-bot writes whole updates and request payloads (names, dates of birth,
phones, postcodes), SQLAlchemy and aiosqlite the values of every query. Their warnings and errors
always come through.
"""

import logging

OURS = ("bot", "conversations", "storage", "state_machine")
LIBRARIES_FROM = logging.INFO
# Quiet up to WARNING: httpx logs every request URL at INFO, and a Bot API URL holds the token;
# SQLAlchemy logs statements with their values at INFO; transitions two INFO lines per step.
QUIET = ("httpx", "httpcore", "sqlalchemy", "aiosqlite", "transitions")


def configure(level: str) -> None:
    chosen = logging.getLevelNamesMapping()[level.upper()]
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # A library's logger without a level of its own takes the root's: so the root is capped,
    # and this service's packages get the level asked for.
    logging.getLogger().setLevel(max(chosen, LIBRARIES_FROM))
    logging.getLogger("telegram").setLevel(max(chosen, LIBRARIES_FROM))  # even if root changes
    for name in OURS:
        logging.getLogger(name).setLevel(chosen)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(chosen, logging.WARNING))
