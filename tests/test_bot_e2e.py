"""The real bot, over HTTP, against the fake Bot API: enrolment, strangers, language, help,
repeated updates, and Telegram's rate limits and failures."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.admin_cli import revoke
from conversations.enrolment import InviteSpec, create_invite
from conversations.i18n import t
from state_machine.clock import FixedClock
from storage.uow import Storage
from tests.fakeapi import FakeBotApi, SimUser
from tests.harness import running_bot

CLOSED_EN = t("en", "stranger.closed_service")
CLOSED_CY = t("cy", "stranger.closed_service")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="4242:TEST-token", bot_username="oocps_test_bot") as server:
        yield server


async def invite(storage: Storage, role: str = "worker", **scope: object) -> str:
    if not scope:
        scope = {"la_codes": ("cardiff", "newport")} if role in ("worker", "manager") else {}
        if role in ("police", "yot"):
            scope = {"force_code": "south-wales"}
    spec = InviteSpec(role=role, display_name=f"Test {role}", **scope)  # type: ignore[arg-type]
    return await create_invite(storage, spec, actor="test")


async def enrol(storage: Storage, user: SimUser, role: str = "worker") -> None:
    await user.send(f"/start {await invite(storage, role)}")
    await user.wait_for_reply()


async def ask(user: SimUser, text: str) -> str:
    await user.send(text)
    (reply,) = await user.wait_for_reply()
    assert reply.text is not None
    return reply.text


async def test_a_worker_enrols_with_an_invite_and_gets_a_menu_for_their_role(
    storage: Storage, api: FakeBotApi
) -> None:
    token = await invite(storage, "worker")
    sam = api.user(1001, "Sam", language_code="en")
    async with running_bot(storage, api):
        (welcome,) = await (await sam.send(f"/start {token}"), sam.wait_for_reply())[1]
        assert welcome.text is not None and welcome.text.startswith("Welcome, Test worker.")
        assert welcome.buttons == [["English", "Cymraeg"]]
        await api.wait_until(lambda: bool(sam.visible_commands))
        assert [c["command"] for c in sam.visible_commands] == [
            "cases", "nudges", "case", "help", "language", "whoami", "cancel",
        ]  # fmt: skip
        whoami = await ask(sam, "/whoami")
        assert "Role: parenting worker" in whoami and "Area: Cardiff, Newport" in whoami


async def test_an_invite_works_once(storage: Storage, api: FakeBotApi) -> None:
    token = await invite(storage, "police")
    first, second = api.user(2001, "Ann"), api.user(2002, "Bob")
    async with running_bot(storage, api):
        assert "Welcome" in await ask(first, f"/start {token}")
        reply = await ask(second, f"/start {token}")
        assert t("en", "enrol.used") in reply and t("cy", "enrol.used") in reply
        assert CLOSED_EN in await ask(second, "/help")  # still a stranger


async def test_an_expired_invite_binds_nothing(
    storage: Storage, api: FakeBotApi, clock: FixedClock
) -> None:
    token = await invite(storage, "police")
    clock.advance(timedelta(hours=73))
    user = api.user(2101, "Cai")
    async with running_bot(storage, api):
        assert t("en", "enrol.expired") in await ask(user, f"/start {token}")
        assert CLOSED_EN in await ask(user, "hello")


async def test_repeated_bad_tokens_are_slowed_down(storage: Storage, api: FakeBotApi) -> None:
    guesser = api.user(2201, "Eve")
    async with running_bot(storage, api):
        for guess in ("abc", "def", "not a token!"):
            assert t("en", "enrol.invalid") in await ask(guesser, f"/start {guess}")
        # Now even a real invite has to wait: guessing cannot be done at speed.
        token = await invite(storage, "police")
        assert t("en", "enrol.slow_down") in await ask(guesser, f"/start {token}")


async def test_a_stranger_learns_nothing_whatever_they_send(
    storage: Storage, api: FakeBotApi
) -> None:
    stranger = api.user(3001, "Mallory", language_code="cy")
    async with running_bot(storage, api):
        for text in ("hello", "/help", "/whoami", "/invite", "/start", "R-7K3M9Q"):
            reply = await ask(stranger, text)
            assert reply == f"{CLOSED_CY}\n\n{CLOSED_EN}", text
        # A forged button press on the bot's last message gets the same answer, nothing more.
        last = stranger.last
        assert last is not None
        await stranger.press_data(last.message_id, "forged-token")
        (reply,) = await stranger.wait_for_reply()
        assert reply.text == f"{CLOSED_CY}\n\n{CLOSED_EN}"
        await stranger.wait_for_answer_callback()
    assert stranger.visible_commands == []


async def test_a_user_switches_to_welsh_and_the_bot_and_menu_follow(
    storage: Storage, api: FakeBotApi
) -> None:
    sam = api.user(4001, "Sam", language_code="en")
    async with running_bot(storage, api):
        await enrol(storage, sam, "manager")
        await sam.send("/language")
        await sam.wait_for_reply()
        await sam.press("Cymraeg")
        await sam.wait_until(
            lambda u: u.last_text == t("cy", "language.set"), what="the Welsh confirmation"
        )
        await api.wait_until(
            lambda: any(c["description"] == t("cy", "command.help") for c in sam.visible_commands)
        )
        assert (await ask(sam, "/help")).startswith(t("cy", "help.manager"))
        assert "Iaith: Cymraeg" in await ask(sam, "/whoami")


@pytest.mark.parametrize(
    ("role", "sees", "does_not_see"),
    [("police", "/whoami", "/invite"), ("admin", "/invite", None), ("worker", "/cancel", "/users")],
)
async def test_help_lists_what_each_role_can_do(
    storage: Storage, api: FakeBotApi, role: str, sees: str, does_not_see: str | None
) -> None:
    user = api.user(5001, "Pat")
    async with running_bot(storage, api):
        await enrol(storage, user, role)
        text = await ask(user, "/help")
        assert text.startswith(t("en", f"help.{role}")) and sees in text
        if does_not_see:
            assert does_not_see not in text
            assert await ask(user, does_not_see) == t("en", "command.unknown")


async def test_an_admin_invites_a_worker_from_the_phone(storage: Storage, api: FakeBotApi) -> None:
    admin, newcomer = api.user(6001, "Ada"), api.user(6002, "Nia")
    async with running_bot(storage, api):
        await enrol(storage, admin, "admin")
        await admin.send("/invite")
        await admin.wait_for_reply()
        await admin.press("parenting worker")
        await admin.wait_until(lambda u: u.last_text == t("en", "invite.ask_las"), what="LAs")
        for name in ("Cardiff", "Newport"):
            await admin.press(name)
            await admin.wait_until(lambda u, n=name: [f"✓ {n}"] in [  # type: ignore[misc]
                [b] for row in (u.last.buttons if u.last else []) for b in row
            ], what=f"{name} ticked")  # fmt: skip
        await admin.press("Done")
        await admin.wait_until(lambda u: "Type the person's name" in (u.last_text or ""))
        reply = await ask(admin, "Nia Jones")
        assert reply == t("en", "invite.ask_expiry")
        await admin.press("3 days")
        await admin.wait_until(
            lambda u: "https://t.me/oocps_test_bot?start=" in (u.last_text or "")
        )
        link = (admin.last_text or "").rsplit("\n", 1)[-1]
        token = link.split("start=", 1)[1]
        assert "Welcome, Nia Jones." in await ask(newcomer, f"/start {token}")
        assert "Area: Cardiff, Newport" in await ask(newcomer, "/whoami")


async def test_a_revoked_user_is_a_stranger_at_once(storage: Storage, api: FakeBotApi) -> None:
    user = api.user(7001, "Rhys")
    async with running_bot(storage, api):
        await enrol(storage, user, "police")
        assert (await ask(user, "/whoami")).startswith("Name: Test police")
        done, _ = await revoke(storage, "7001")
        assert done
        assert CLOSED_EN in await ask(user, "/whoami")


async def test_the_same_update_delivered_twice_is_acted_on_once_even_after_a_restart(
    storage: Storage, api: FakeBotApi
) -> None:
    user = api.user(8001, "Dai")
    async with running_bot(storage, api):
        await enrol(storage, user, "worker")
        update = await user.send("/whoami")
        await user.wait_for_reply()
        await api.inject_update(update)
        await user.send("/help")  # a later update, to know the repeat has been dealt with
        (reply,) = await user.wait_for_reply()
        assert reply.text is not None and reply.text.startswith(t("en", "help.worker"))
    async with running_bot(storage, api):  # a restart: nothing in memory survives
        await api.inject_update(update)
        await user.send("/cancel")
        (reply,) = await user.wait_for_reply()
        assert reply.text == t("en", "cancel.nothing")
    texts = [m.text for m in user.messages]
    assert sum(1 for text in texts if text and text.startswith("Name: ")) == 1


async def test_a_429_storm_loses_and_doubles_nothing(storage: Storage, api: FakeBotApi) -> None:
    users = [api.user(9000 + n, f"User{n}") for n in range(6)]
    async with running_bot(storage, api):
        for user in users:
            await enrol(storage, user, "worker")
        api.throttle("sendMessage", every=2, retry_after=1)
        for user in users:
            await user.send("/help")
        for user in users:
            (reply,) = await user.wait_for_reply(timeout=20)
            assert reply.text is not None and reply.text.startswith(t("en", "help.worker"))
        api.clear_faults()
        assert api.calls_to("sendMessage", ok=False), "the storm did happen"
    for user in users:
        helps = [m for m in user.messages if (m.text or "").startswith(t("en", "help.worker"))]
        assert len(helps) == 1, user


async def test_server_errors_are_retried_and_the_reply_arrives_once(
    storage: Storage, api: FakeBotApi
) -> None:
    user = api.user(9101, "Gwen")
    async with running_bot(storage, api):
        await enrol(storage, user, "worker")
        api.fail_next("sendMessage", 2, status=502)
        await user.send("/whoami")
        (reply,) = await user.wait_for_reply(timeout=10)
        assert (reply.text or "").startswith("Name: ")
        assert len(api.calls_to("sendMessage", ok=False)) == 2
    assert sum(1 for m in user.messages if (m.text or "").startswith("Name: ")) == 1


async def test_an_error_gets_an_apology_with_a_code_and_the_log_holds_no_text(
    storage: Storage, api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    user = api.user(9201, "Huw")
    async with running_bot(storage, api) as app:
        await enrol(storage, user, "worker")

        async def broken(*_: object) -> None:
            raise RuntimeError("secret-personal-detail")

        app.bot_data["deps"].assistant.text = broken
        with caplog.at_level(logging.ERROR):
            reply = await ask(user, "my name is Huw Secret")
        code = reply.rsplit(" ", 1)[-1].rstrip(".")
        assert reply == t("en", "error.incident", code=code)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"incident {code}" in logged
    assert "secret-personal-detail" not in logged and "Huw Secret" not in logged


async def test_webhook_mode_checks_the_secret_and_serves_users(
    storage: Storage, api: FakeBotApi
) -> None:
    stranger = api.user(9301, "Iolo")
    async with running_bot(storage, api, webhook_secret="s3cret-token_1"):
        assert api.webhook.url.endswith("/telegram")
        assert CLOSED_EN in await ask(stranger, "hello")
        sam = api.user(9302, "Sam")
        await enrol(storage, sam, "manager")
        assert (await ask(sam, "/help")).startswith(t("en", "help.manager"))
    assert all(d.status == 200 for d in api.webhook_deliveries)


async def test_polling_asks_for_every_update_type(storage: Storage, api: FakeBotApi) -> None:
    async with running_bot(storage, api):
        await asyncio.sleep(0)
        user = api.user(9401, "Tom")
        await ask(user, "hi")
    assert api.allowed_updates is not None and "callback_query" in api.allowed_updates


async def test_an_error_on_a_button_still_stops_the_spinner_and_apologises(
    storage: Storage, api: FakeBotApi
) -> None:
    user = api.user(9202, "Non")
    async with running_bot(storage, api) as app:
        await enrol(storage, user, "worker")

        async def broken(*_: object) -> None:
            raise RuntimeError("boom")

        app.bot_data["deps"].assistant.press = broken
        await user.press("Cymraeg")
        await user.wait_for_answer_callback()
        (reply,) = await user.wait_for_reply()
        assert (reply.text or "").startswith(t("en", "error.incident", code="X")[:30])


async def test_a_slow_reply_shows_typing_and_a_quick_one_does_not(
    storage: Storage, api: FakeBotApi
) -> None:
    user = api.user(9203, "Lowri")
    async with running_bot(storage, api) as app:
        await enrol(storage, user, "worker")
        assistant = app.bot_data["deps"].assistant
        await ask(user, "/whoami")
        assert user.chat_actions == []
        quick = assistant.command

        async def slow(*args: object) -> object:
            await asyncio.sleep(0.8)
            return await quick(*args)

        assistant.command = slow
        assert (await ask(user, "/whoami")).startswith("Name: ")
        assert user.chat_actions == ["typing"]


async def test_one_persons_updates_in_order_while_another_person_is_not_kept_waiting(
    storage: Storage, api: FakeBotApi
) -> None:
    slow_user, quick_user = api.user(9301, "Bethan"), api.user(9302, "Huw")
    async with running_bot(storage, api) as app:
        await enrol(storage, slow_user, "worker")
        await enrol(storage, quick_user, "worker")
        assistant = app.bot_data["deps"].assistant
        real = assistant.command
        finished: list[str] = []

        async def slow_for_bethan(who: object, name: str, args: str = "") -> object:
            if getattr(who, "telegram_id", None) == 9301 and name == "whoami":
                await asyncio.sleep(0.6)  # stands in for a slow database or network
            outcome = await real(who, name, args)
            finished.append(f"{getattr(who, 'telegram_id', '?')}:{name}")
            return outcome

        assistant.command = slow_for_bethan
        await slow_user.send("/whoami")
        await slow_user.send("/help")  # must not overtake her /whoami
        await quick_user.send("/help")
        replies = await slow_user.wait_for_reply(2)
        assert replies[0].text is not None and replies[0].text.startswith("Name: ")
        await quick_user.wait_for_reply()
        assert finished == ["9302:help", "9301:whoami", "9301:help"]
        await asyncio.sleep(0.1)
        assert app.update_processor._queues == {}  # nothing kept per chat once it is quiet


async def test_a_persons_queued_messages_never_run_side_by_side_however_many_wait(
    storage: Storage, api: FakeBotApi
) -> None:
    user = api.user(9303, "Ffion")
    async with running_bot(storage, api) as app:
        await enrol(storage, user, "worker")
        assistant = app.bot_data["deps"].assistant
        real = assistant.text
        started: list[str] = []
        running: list[str] = []
        overlaps: list[tuple[str, ...]] = []

        two_began, four_ended = threading.Event(), threading.Event()  # the bot has its thread

        async def slow_probe(who: object, text: str) -> object:
            started.append(text)
            running.append(text)
            if len(running) > 1:
                overlaps.append(tuple(running))
            if text == "two":
                two_began.set()
            await asyncio.sleep(0.4)  # stands in for a slow database or network
            try:
                return await real(who, text)
            finally:
                running.remove(text)
                if text == "four":
                    four_ended.set()

        assistant.text = slow_probe
        for text in ("one", "two", "three"):
            await user.send(text)
        assert await asyncio.to_thread(two_began.wait, 5)  # "one" is done, "two" just begun
        await user.send("four")  # arrives while "three" still waits its turn
        assert await asyncio.to_thread(four_ended.wait, 10)
        assert overlaps == []
        assert started == ["one", "two", "three", "four"]
        unexpected = t("en", "text.not_expected")
        await user.wait_until(lambda u: [m.text for m in u.messages].count(unexpected) == 4)
        await asyncio.sleep(0.1)
        assert app.update_processor._queues == {}  # nothing kept per chat once it is quiet


async def test_two_instances_polling_get_one_clear_warning_each_not_an_incident_per_poll(
    storage: Storage, api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    def conflicts() -> int:
        return sum(1 for call in api.calls_to("getUpdates") if call.status == 409)

    with caplog.at_level(logging.WARNING):
        async with running_bot(storage, api), running_bot(storage, api):
            await api.wait_until(lambda: conflicts() >= 6, timeout=20)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [line for line in lines if "incident" in line]
    warnings = [line for line in lines if "webhook mode" in line]
    assert 1 <= len(warnings) <= 2  # one for each instance, however often Telegram says 409
    assert "another instance" in warnings[0] and "WEBHOOK_URL" in warnings[0]
