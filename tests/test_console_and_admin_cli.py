"""The console channel and the enrolment commands, as an administrator would use them."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.account import remember_username, remembered_username
from bot.admin_cli import describe_duration, list_users, parse_duration, revoke
from bot.cli import main
from bot.console import console_actor, run_console
from bot.settings import load_settings
from conversations.assistant import Assistant
from conversations.enrolment import InviteError, InviteSpec, create_invite
from conversations.i18n import t
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import drive, enrol
from tests.conftest import TEST_KEY
from tests.fakeapi import FakeBotApi
from tests.harness import free_port

ROOT = Path(__file__).resolve().parent.parent


class Terminal:
    """Types the given lines at the console's prompt and keeps what it printed."""

    def __init__(self, *lines: str) -> None:
        self._lines: Iterator[str] = iter(lines)
        self.shown: list[str] = []

    async def ask(self, _prompt: str) -> str | None:
        return next(self._lines, None)

    def say(self, text: str) -> None:
        self.shown.append(text)

    @property
    def text(self) -> str:
        return "\n".join(self.shown)


async def test_the_console_runs_the_same_conversations_with_numbered_buttons(
    storage: Storage,
) -> None:
    actor = await console_actor(storage, InviteSpec("admin", "Console"), "en")
    term = Terminal("/language", "2", "/whoami", "/invite", "9", "4", "/quit")
    await run_console(Assistant(storage, "oocps_bot"), actor, term.ask, term.say)
    assert t("en", "help.admin") in term.text
    assert "  [1] English" in term.text and "  [2] Cymraeg" in term.text
    assert t("cy", "language.set") in term.text
    assert "Rôl: gweinyddwr" in term.text  # the console follows the language switch
    assert t("cy", "console.pick_number", count=5) in term.text
    assert t("cy", "invite.ask_las") in term.text  # 4 = parenting worker, in Welsh


async def test_a_console_user_keeps_its_scope_and_is_not_a_telegram_account(
    storage: Storage,
) -> None:
    spec = InviteSpec("worker", "Console", la_codes=("cardiff",))
    first = await console_actor(storage, spec, "en")
    again = await console_actor(storage, spec, "cy")
    assert first.user_id == again.user_id and again.language == "cy"
    assert first.telegram_id is None and first.la_codes == ("cardiff",)


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        (InviteSpec("worker", "W"), "at least one LA"),
        (InviteSpec("worker", "W", la_codes=("atlantis",)), "unknown local authority"),
        (InviteSpec("police", "P"), "needs one force"),
        (InviteSpec("police", "P", force_code="south-wales", la_codes=("cardiff",)), "one force"),
        (InviteSpec("admin", "A", force_code="gwent"), "no force or LA"),
        (InviteSpec("manager", "M", la_codes=("cardiff",), national=True), "give no LA"),
        (InviteSpec("chief", "C"), "unknown role"),
        (InviteSpec("worker", " ", la_codes=("cardiff",)), "a name"),
    ],
)
async def test_an_invite_must_fit_its_role(storage: Storage, spec: InviteSpec, says: str) -> None:
    with pytest.raises(InviteError, match=says):
        await create_invite(storage, spec, actor="test")


def test_durations_are_read_as_people_write_them() -> None:
    assert parse_duration("72h").total_seconds() == 72 * 3600
    assert parse_duration("7d").days == 7 and parse_duration("30m").seconds == 1800
    with pytest.raises(ValueError, match="duration"):
        parse_duration("soon")


async def test_users_are_listed_and_revoked_by_telegram_id_or_name(storage: Storage) -> None:
    tokens = [
        await create_invite(storage, InviteSpec("police", name, "gwent"), actor="t")
        for name in ["Ann Evans", "Ann Jones"]
    ]
    async with storage.unit_of_work() as uow:
        for n, token in enumerate(tokens):
            invite = await uow.people.invite_for(token)
            assert invite is not None
            await uow.people.enrol(invite, telegram_id=500 + n, language="en", existing=None)
    listing = await list_users(storage)
    assert "Ann Evans" in listing and "gwent" in listing and "active" in listing
    done, message = await revoke(storage, "Ann")
    assert not done and "more than one" in message
    assert (await revoke(storage, "501"))[0]
    assert "revoked" in await list_users(storage)
    assert not (await revoke(storage, "501"))[0]  # already revoked: nothing matches


def test_the_invite_command_prints_a_single_use_link(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [n for n in os.environ if n.startswith(("TELEGRAM_", "OOCPS_", "DATABASE_"))]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("OOCPS_ENCRYPTION_KEY", TEST_KEY)
    argv = ["invite", "--role", "worker", "--la", "cardiff", "--la", "newport"]
    assert main([*argv, "--bot-username", "oocps_bot"]) == 0
    out = capsys.readouterr().out
    link = next(line for line in out.splitlines() if line.startswith("https://t.me/"))
    token = link.split("?start=", 1)[1]
    assert link == f"https://t.me/oocps_bot?start={token}"
    assert 1 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()
    assert f"token: {token}" in out
    assert "valid for 3 days.\n" in out  # the default, 72h
    assert main(["invite", "--role", "worker", "--bot-username", "b"]) == 2
    assert "at least one LA" in capsys.readouterr().err
    assert main(["users", "list"]) == 0
    assert "no users yet" in capsys.readouterr().out


async def test_a_number_typed_where_no_buttons_are_shown_is_an_answer(storage: Storage) -> None:
    actor = await console_actor(storage, InviteSpec("admin", "Console"), "en")
    # Police, the first force, then "7" typed at the name question (which has no buttons).
    term = Terminal("/invite", "1", "1", "7", "/quit")
    await run_console(Assistant(storage, "oocps_bot"), actor, term.ask, term.say)
    assert term.shown[-4] == t("en", "invite.ask_expiry")
    assert t("en", "console.pick_number", count=5) not in term.text


async def test_a_number_typed_at_a_question_without_buttons_is_its_answer_whatever_came_before(
    storage: Storage,
) -> None:
    actor = await console_actor(storage, InviteSpec("police", "Sgt", "gwent"), "en")
    # Up to the LA typed (its message and the age question have no buttons), then the age.
    steps = script.to_consent("en")
    typed = [value for _how, value in steps[: steps.index(("say", "34")) + 1]]
    term = Terminal("/screen", *typed, "/quit")
    await run_console(Assistant(storage, "oocps_bot"), actor, term.ask, term.say)
    assert t("en", "console.pick_number", count=2) not in term.shown
    # The age was taken: the next question is shown, with its buttons under it.
    question = [line for line in term.shown if t("en", "screen.q.social_services") in line]
    assert len(question) == 1 and term.shown.index(question[0]) > len(term.shown) - 8


async def test_a_console_worker_is_offered_a_new_referral_and_takes_it_on(
    storage: Storage,
) -> None:
    assistant = Assistant(storage, "oocps_bot")
    cardiff = InviteSpec("worker", "Nia", la_codes=("cardiff",))
    nia = await console_actor(storage, cardiff, "en")
    sergeant = await enrol(assistant, 1, InviteSpec("police", "Sgt", "gwent"))
    submission = await drive(assistant, sergeant, script.whole("en"))
    assert [n.telegram_id for n in submission.notices] == [None]  # hers, left for her console
    term = Terminal("1", "1", "/quit")  # Accept, then Show full details
    await run_console(assistant, nia, term.ask, term.say)
    assert any(line.startswith("New referral R-") for line in term.shown)
    assert "  [1] Accept" in term.shown
    assert any(line.startswith("You accepted R-") for line in term.shown)
    assert "Siân ap Dafydd-Jones" in term.text  # the details, for the worker who accepted
    again = Terminal("/quit")
    await run_console(assistant, nia, again.ask, again.say)
    assert not any(line.startswith("New referral") for line in again.shown)  # shown once


async def test_a_console_worker_records_a_contact_attempt_and_books_the_first_session(
    storage: Storage,
) -> None:
    assistant = Assistant(storage, "oocps_bot")
    nia = await console_actor(storage, InviteSpec("worker", "Nia", la_codes=("cardiff",)), "cy")
    sergeant = await enrol(assistant, 1, InviteSpec("police", "Sgt", "gwent"))
    await drive(assistant, sergeant, script.whole("en"))
    # Accept; Open the case; Record a contact attempt: Today, Phone, No answer, a note; Save;
    # Set the first-session date: Tomorrow.
    term = Terminal("1", "2", "1", "1", "1", "1", "Ffoniais ddwywaith", "3", "2", "2", "/quit")
    await run_console(assistant, nia, term.ask, term.say)
    case = next(line.split(" · ")[0] for line in term.shown if " · Caerdydd" in line)
    assert f"  [1] {t('cy', 'case.record_contact')}" in term.shown
    assert t("cy", "contact.saved", case=case) in term.shown
    assert f"• 23/11/2026: {t('cy', 'contact.a.method.phone')}, Dim ateb" in term.text
    assert t("cy", "first_session.set", case=case, day="24/11/2026") in term.shown
    assert t("cy", "case.state", state=t("cy", "case.state.engaged")) in term.text
    assert "Ffoniais ddwywaith" not in term.text.split(t("cy", "contact.saved", case=case))[1]


async def test_two_people_at_consoles_of_one_role_and_scope_keep_their_own_language(
    storage: Storage,
) -> None:
    ann = await console_actor(storage, InviteSpec("police", "Ann", "gwent"), "en")
    bob = await console_actor(storage, InviteSpec("police", "Bob", "gwent"), "cy")
    assert ann.user_id != bob.user_id
    term = Terminal("/whoami", "/quit")
    await run_console(Assistant(storage, "oocps_bot"), ann, term.ask, term.say)
    assert term.shown[0].startswith("You are Ann, police officer, at the console.")
    assert "Role: police officer" in term.text


async def test_buttons_stay_pressable_by_number_after_a_hint(storage: Storage) -> None:
    actor = await console_actor(storage, InviteSpec("admin", "Ada"), "en")
    term = Terminal("/invite", "a police officer please", "1", "/quit")
    await run_console(Assistant(storage, "oocps_bot"), actor, term.ask, term.say)
    assert t("en", "dialogue.use_buttons") in term.shown
    assert t("en", "invite.ask_force") in term.shown  # "1" pressed the first role: police


@pytest.mark.parametrize(
    ("given", "shown"),
    [("72h", "3 days"), ("1d", "1 day"), ("36h", "36 hours"), ("1h", "1 hour"),
     ("30m", "30 minutes"), ("90m", "90 minutes")],
)  # fmt: skip
def test_an_invite_says_how_long_it_is_valid_in_plain_words(given: str, shown: str) -> None:
    assert describe_duration(parse_duration(given)) == shown


@pytest.fixture
def admin_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """An administrator's shell: the bot's settings, and no network to Telegram."""
    for name in [n for n in os.environ if n.startswith(("TELEGRAM_", "OOCPS_", "DATABASE_"))]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "OOCPS_ENCRYPTION_KEY": TEST_KEY,
        "TELEGRAM_BOT_TOKEN": "4242:TEST-token",
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{free_port()}/bot",  # nothing listens
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


async def test_invite_without_network_uses_the_username_the_bot_learnt_when_it_last_ran(
    admin_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with FakeBotApi(token="4242:TEST-token", bot_username="oocps_cardiff_bot") as api:
        env = {**os.environ, **admin_env, "TELEGRAM_API_BASE_URL": api.base_url}
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run",
            cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)},
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            await api.wait_until(lambda: bool(api.calls_to("getUpdates")), timeout=30)
        finally:
            bot.send_signal(signal.SIGINT)
            assert await asyncio.wait_for(bot.wait(), 20) == 0
    # Telegram is out of reach now, as it is from an administrator's laptop without network.
    assert await asyncio.to_thread(main, ["invite", "--role", "admin", "--name", "Ann"]) == 0
    out = capsys.readouterr().out
    assert "Invite for Ann (admin), valid for 3 days." in out
    assert "https://t.me/oocps_cardiff_bot?start=" in out


async def test_invite_without_network_or_a_known_username_says_to_pass_it(
    admin_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert await asyncio.to_thread(main, ["invite", "--role", "admin", "--name", "Ann"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("oocps: Telegram cannot be reached (http://127.0.0.1:")
    assert captured.err.rstrip().endswith("pass --bot-username to make the link without it.")
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def test_a_username_kept_for_another_bot_is_not_used_for_this_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.delenv("OOCPS_STATE_DIR", raising=False)
    where = {"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}"}
    remember_username(load_settings(TELEGRAM_BOT_TOKEN="4242:TEST-token", **where), "old_bot")
    assert (tmp_path / "oocps-bot-username.json").exists()  # beside the database
    assert remembered_username(load_settings(TELEGRAM_BOT_TOKEN="4242:new-token", **where)) == (
        "old_bot"  # a new token for the same bot
    )
    assert remembered_username(load_settings(TELEGRAM_BOT_TOKEN="5151:OTHER", **where)) is None
