"""Webhook delivery: POST queued updates to the URL given to setWebhook, one at a time."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import aiohttp

from .state import BotState

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class Delivery:
    """One POST to the webhook; status 0 means the connection failed."""

    update_id: int
    url: str
    status: int


class WebhookPusher:
    """Delivers updates while a webhook is set; failed updates are retried with backoff."""

    def __init__(self, state: BotState) -> None:
        self._state = state
        self.deliveries: list[Delivery] = []

    async def run(self) -> None:
        """Deliver until the queue is closed; run as a background task."""
        queue = self._state.queue
        failures = 0
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                async with queue.changed:
                    await queue.changed.wait_for(
                        lambda: queue.closed or (queue.push_mode and bool(queue.deliverable()))
                    )
                    if queue.closed:
                        return
                    entry = queue.deliverable()[0]
                    hook = self._state.webhook
                    url, secret = hook.url, hook.secret_token
                status, error = await self._post(session, url, secret, entry.update)
                self.deliveries.append(Delivery(entry.update_id, url, status))
                await self._state.touch()
                if 200 <= status < 300:
                    failures = 0
                    queue.remove(entry)
                    continue
                hook.last_error_date = int(time.time())
                hook.last_error_message = error
                await self._state.touch()
                failures += 1
                await self._back_off(min(0.05 * 2**failures, 1.0))

    async def _post(
        self, session: aiohttp.ClientSession, url: str, secret: str | None, update: object
    ) -> tuple[int, str]:
        headers = {SECRET_HEADER: secret} if secret else {}
        try:
            async with session.post(url, json=update, headers=headers) as response:
                await response.read()
                reason = f"{response.status} {response.reason}"
                return response.status, f"Wrong response from the webhook: {reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            return 0, f"Connection failed: {exc.__class__.__name__}"

    async def _back_off(self, seconds: float) -> None:
        # Waiting on the condition rather than sleeping lets close() end the task at once.
        queue = self._state.queue
        async with queue.changed:
            try:
                async with asyncio.timeout(seconds):
                    await queue.changed.wait_for(lambda: queue.closed)
            except TimeoutError:
                pass
