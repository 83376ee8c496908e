"""The Bot API's HTTP client: aiohttp instead of PTB's default httpx.

Every reply is an HTTP call, and a button press is two (the answer that stops the spinner, and
the next question). httpx spends about twice aiohttp's CPU per call here (docs/performance.md),
so the bot answers more people per core with this. PTB's `BaseRequest` contract is kept: it
returns the status and body, and raises `TimedOut` or `NetworkError` as PTB's own client does,
so the rate limiter's "never retry a timeout" rule holds.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlencode

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput, UploadFileDict
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

# PTB's defaults (HTTPXRequest), so behaviour matches what its documentation describes.
READ, WRITE, CONNECT, POOL, MEDIA_WRITE = 5.0, 5.0, 5.0, 1.0, 20.0


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = READ,
        write_timeout: float | None = WRITE,
        connect_timeout: float | None = CONNECT,
        pool_timeout: float | None = POOL,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read, self._write = read_timeout, write_timeout
        self._connect, self._pool = connect_timeout, pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        # Made here, not in __init__: a session belongs to the event loop that runs the bot.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets none; skip the jar
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        write = _given(write_timeout, MEDIA_WRITE if files else self._write)
        # aiohttp has no separate write timeout: sending counts against the connect phase,
        # which starts after a pooled connection is free.
        connect = _given(connect_timeout, self._connect)
        timeout = _timeout(
            _sum(_given(pool_timeout, self._pool), connect, write),
            connect,
            _given(read_timeout, self._read),
        )
        body: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None and files:
            body = _form(request_data.json_parameters, files)
        elif request_data is not None:  # what aiohttp would make of the dict, made directly
            body = urlencode(request_data.json_parameters).encode()
            headers = _FORM
        try:
            async with self._session.request(
                method, _url(url), data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts are TimeoutError subclasses
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err


_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@lru_cache(maxsize=256)
def _url(url: str) -> URL:
    """The bot calls a few dozen method URLs; parse each once."""
    return URL(url)


@cache
def _timeout(connect: float | None, sock_connect: float | None, sock_read: float | None) -> Any:
    """Few distinct values are ever asked for; built once each."""
    return aiohttp.ClientTimeout(
        total=None, connect=connect, sock_connect=sock_connect, sock_read=sock_read
    )


def _given(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _sum(*parts: float | None) -> float | None:
    """No limit if any part has none."""
    return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)


def _form(fields: dict[str, str], files: UploadFileDict) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
