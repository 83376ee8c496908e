"""FakeBotApi: a local Telegram Bot API server over real HTTP for end-to-end tests."""

# wait_until takes `timeout=` on purpose (ASYNC109): it reads naturally in tests.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .faults import Fault, Faults, api_error
from .methods import METHODS
from .params import Params, Upload, normalize
from .state import JSON, ApiError, BotState, ChatState, WebhookConfig, bad_request
from .users import SimUser
from .webhook import Delivery, WebhookPusher

_API_PATH = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[^/]+)/?")
_FILE_PATH = re.compile(r"/file/bot(?P<token>[^/]+)/(?P<path>.+)")


def _unauthorized() -> ApiError:
    return ApiError(401, "Unauthorized")


def _not_found() -> ApiError:
    return ApiError(404, "Not Found")


@dataclass
class Call:
    """One request to the API; `status` is the HTTP status the fake answered with."""

    method: str
    params: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)
    status: int | None = None

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.status == 200


def _reply(error: ApiError) -> web.Response:
    return web.json_response(error.payload(), status=error.code)


async def _read_params(request: web.Request) -> dict[str, Any]:
    raw: dict[str, Any] = dict(request.query)
    if not request.body_exists:
        return normalize(raw)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON") from None
        if not isinstance(body, dict):
            raise bad_request("JSON object expected")
        raw.update(body)
    else:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                raw[key] = Upload(value.file.read(), value.filename, value.content_type)
            else:
                raw[key] = value
    return normalize(raw)


class FakeBotApi:
    """A fake api.telegram.org on 127.0.0.1, an ephemeral port; use `async with`.

    Point PTB at it with `base_url=api.base_url, base_file_url=api.base_file_url`.
    """

    def __init__(
        self,
        token: str = "123:ABC",
        bot_username: str = "oocps_test_bot",
        *,
        bot_name: str = "OOCPS Test Bot",
        host: str = "127.0.0.1",
    ) -> None:
        self.token = token
        self.host = host
        self.port = 0
        self.state = BotState(token, bot_username, bot_name)
        self.calls: list[Call] = []
        self.downloads: list[str] = []
        self._faults = Faults()
        self._stubs: dict[str, Any] = {}
        self._interrupts: list[
            tuple[str, Callable[[dict[str, Any]], bool], Callable[[], None]]
        ] = []
        self._users: dict[int, SimUser] = {}
        self._pusher = WebhookPusher(self.state)
        self._pusher_task: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None

    # --- lifecycle --------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        """Listen on an ephemeral port and start webhook delivery."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((self.host, 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self._pusher_task = asyncio.create_task(self._pusher.run(), name="fakeapi-webhook")

    async def close(self) -> None:
        """End pending long polls and webhook delivery, then stop the server."""
        self.state.queue.closed = True
        await self.state.queue.wake()
        if self._pusher_task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._pusher_task, timeout=2)
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        """The server root, e.g. http://127.0.0.1:PORT."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For `Bot(base_url=...)`; PTB appends the token."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For `Bot(base_file_url=...)`; PTB appends the token."""
        return f"{self.url}/file/bot"

    # --- simulated world --------------------------------------------------------------------

    def user(
        self,
        id: int,
        first_name: str = "Sam",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> SimUser:
        """The simulated user `id` with a private chat (created on first use)."""
        if id in self._users:
            return self._users[id]
        extra = {"last_name": last_name, "username": username}
        names = {k: v for k, v in extra.items() if v is not None}
        user: JSON = {"id": id, "is_bot": False, "first_name": first_name, **names}
        if language_code:
            user["language_code"] = language_code
        chat = ChatState({"id": id, "type": "private", "first_name": first_name, **names})
        self.state.chats[id] = chat
        self._users[id] = SimUser(self.state, chat, user)
        return self._users[id]

    async def inject_update(self, update: JSON) -> JSON:
        """Queue a raw Update as is; keeping its update_id allows duplicate deliveries."""
        return await self.state.queue.put(update)

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed (or accepted by the webhook)."""
        return len(self.state.queue)

    @property
    def allowed_updates(self) -> list[str] | None:
        """The last allowed_updates given to getUpdates or setWebhook."""
        return self.state.queue.allowed_updates

    @property
    def webhook(self) -> WebhookConfig:
        """The webhook setWebhook recorded (url "" when polling)."""
        return self.state.webhook

    @property
    def webhook_deliveries(self) -> list[Delivery]:
        """Every POST made to the webhook, including failed ones."""
        return self._pusher.deliveries

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until `predicate()` holds; re-checked after every request and webhook POST."""
        async with self.state.activity:
            try:
                async with asyncio.timeout(timeout):
                    await self.state.activity.wait_for(predicate)
            except TimeoutError:
                raise AssertionError(f"fake Bot API: condition not met in {timeout}s") from None

    def visible_commands(self, chat_id: int, language_code: str = "") -> list[JSON]:
        """The command menu a private chat sees after scope/language fallback."""
        return self.state.visible_commands(chat_id, language_code)

    # --- failures and stubs -----------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        n: int = 1,
        *,
        status: int = 429,
        retry_after: int = 1,
        description: str | None = None,
    ) -> None:
        """Fail the next `n` calls of `method` ("*" for any) with `status`."""
        error = api_error(status, retry_after, description)
        self._faults.add(Fault(method.lower(), error, remaining=n))

    def throttle(self, method: str, *, every: int = 2, retry_after: int = 1) -> None:
        """Answer every `every`-th call of `method` with 429 until clear_faults()."""
        self._faults.add(Fault(method.lower(), api_error(429, retry_after), every=every))

    def fail_for(
        self, method: str, seconds: float, *, status: int = 429, retry_after: int = 1
    ) -> None:
        """Fail every call of `method` for the next `seconds`."""
        error = api_error(status, retry_after)
        self._faults.add(Fault(method.lower(), error, until=time.monotonic() + seconds))

    def interrupt(
        self, method: str, when: Callable[[dict[str, Any]], bool], then: Callable[[], None]
    ) -> None:
        """The next call of `method` whose parameters satisfy `when` is not carried out:
        `then()` runs instead (e.g. kill the bot), as if the bot stopped before Telegram took
        the call; the call is answered with a 500 that nobody may be left to read."""
        self._interrupts.append((method.lower(), when, then))

    def _interrupted(self, method: str, params: dict[str, Any]) -> bool:
        for rule in self._interrupts:
            name, when, then = rule
            if name == method.lower() and when(params):
                self._interrupts.remove(rule)
                then()
                return True
        return False

    def clear_faults(self) -> None:
        """Remove every failure rule."""
        self._faults.clear()

    def stub(self, method: str, result: Any = True) -> None:
        """Answer a method the fake does not implement with a fixed result."""
        self._stubs[method.lower()] = result

    def calls_to(self, method: str, *, ok: bool | None = None) -> list[Call]:
        """Logged calls of `method` (case-insensitive), optionally only (un)successful ones."""
        return [
            c
            for c in self.calls
            if c.method.lower() == method.lower() and (ok is None or c.ok == ok)
        ]

    # --- HTTP -------------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        if match := _API_PATH.fullmatch(request.path):
            return await self._api(request, match["token"], match["method"])
        if request.method == "GET" and (match := _FILE_PATH.fullmatch(request.path)):
            return self._file(match["token"], match["path"])
        return _reply(_not_found())

    async def _api(self, request: web.Request, token: str, name: str) -> web.Response:
        if token != self.token:
            return _reply(_unauthorized())
        canonical, handler = METHODS.get(name.lower(), (name, None))
        call = Call(canonical)
        self.calls.append(call)
        await self.state.touch()
        try:
            call.params = await _read_params(request)
            if handler is None and name.lower() not in self._stubs:
                raise _not_found()
            if self._interrupted(canonical, call.params):
                raise ApiError(500, "Internal Server Error")
            if error := self._faults.check(canonical):
                raise error
            if handler is None:
                result = self._stubs[name.lower()]
            else:
                result = await handler(self.state, Params(call.params))
        except ApiError as error:
            call.status = error.code
            return _reply(error)
        else:
            call.status = 200
            return web.json_response({"ok": True, "result": result})
        finally:
            await self.state.touch()

    def _file(self, token: str, path: str) -> web.Response:
        if token != self.token:
            return _reply(_unauthorized())
        stored = self.state.file_by_path(path)
        if stored is None:
            return _reply(_not_found())
        self.downloads.append(path)
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, content_type=content_type)
