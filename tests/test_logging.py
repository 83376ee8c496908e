"""At OOCPS_LOG_LEVEL=DEBUG the log still holds nothing a person typed or is called."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.logs import configure
from conversations.enrolment import InviteSpec
from storage.uow import Storage
from tests import screening_script as script
from tests.fakeapi import FakeBotApi
from tests.harness import running_bot

# What the sergeant types about the parent (tests/screening_script.py), and the people's names.
PERSONAL = ["Siân", "Dafydd-Jones", "02/05/1992", "07400", "123456", "Heol y Frenhines", "1aa"]
NAMES = ["Gwilym", "Prydderch", "Angharad"]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="6161:LOGS", bot_username="oocps_test_bot") as server:
        yield server


@pytest.fixture
def debug_log() -> Iterator[list[str]]:
    """`configure("DEBUG")` as `oocps run` does it, with every record it lets through kept."""
    root = logging.getLogger()
    handlers = root.handlers[:]
    levels = {
        name: logger.level
        for name, logger in [("", root), *logging.Logger.manager.loggerDict.items()]
        if isinstance(logger, logging.Logger)
    }
    root.handlers.clear()  # as in production: nothing configured before `configure`
    configure("DEBUG")
    kept: list[str] = []
    formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kept.append(formatter.format(record))  # with any traceback

    root.addHandler(Keep())
    try:
        yield kept
    finally:
        root.handlers[:] = handlers
        for name, logger in logging.Logger.manager.loggerDict.items():
            if isinstance(logger, logging.Logger):
                logger.setLevel(levels.get(name, logging.NOTSET))
        root.setLevel(levels[""])


async def test_at_debug_a_whole_referral_leaves_no_personal_detail_in_the_log(
    storage: Storage, api: FakeBotApi, debug_log: list[str]
) -> None:
    sergeant = api.user(100, "Gwilym Prydderch", language_code="en")
    worker = api.user(200, "Angharad", language_code="en")
    async with running_bot(storage, api):
        await script.enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
        await script.enrol(storage, worker, InviteSpec("worker", "W", la_codes=("cardiff",)))
        done = await script.run(sergeant, script.whole("en"))
        assert "R-" in done  # submitted, with its reference
        await worker.wait_for_reply()
    log = "\n".join(debug_log)
    assert "Application started" in log  # the library's own INFO lines still come through
    for detail in PERSONAL + NAMES:
        assert detail.lower() not in log.lower(), detail
    assert not [line for line in debug_log if " transitions." in line]  # no lines per step


@pytest.mark.usefixtures("debug_log")
def test_debug_is_for_this_service_while_libraries_keep_their_warnings_and_errors() -> None:
    assert logging.getLogger("bot.handlers").isEnabledFor(logging.DEBUG)
    assert logging.getLogger("storage.uow").isEnabledFor(logging.DEBUG)
    for name in ("telegram.ext.Application", "telegram.ext.ExtBot", "telegram.Bot"):
        logger = logging.getLogger(name)
        assert not logger.isEnabledFor(logging.DEBUG), name  # whole updates, request payloads
        assert logger.isEnabledFor(logging.WARNING), name
    assert not logging.getLogger("transitions.core").isEnabledFor(logging.INFO)  # two per step
    assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.INFO)  # values
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)  # URLs hold the token
    assert logging.getLogger("transitions.core").isEnabledFor(logging.WARNING)
