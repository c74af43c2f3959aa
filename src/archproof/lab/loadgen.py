"""A small bounded HTTPS load loop for the lab entry (loopback only; stops by itself).

    result = asyncio.run(generate_load(status.entry_url, status.ca_file, seconds=5))
    result.ok, result.by_instance      # 2xx count, responses per app instance

Not a load-testing tool (archproof uses locust for that): it exists so lab tests and smoke
checks can push the autoscaler without extra dependencies.
"""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from archproof.errors import UsageError

MAX_SECONDS = 120.0
MAX_REQUESTS = 200_000


@dataclass
class LoadResult:
    seconds: float = 0.0
    ok: int = 0
    errors: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    by_instance: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.ok + self.errors

    @property
    def rate(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0


def _require_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise UsageError(f"the lab load loop only targets loopback addresses, not {host!r}")


async def generate_load(
    url: str,
    ca_file: Path,
    seconds: float = 5.0,
    concurrency: int = 8,
    max_requests: int = MAX_REQUESTS,
    rate_limit: float | None = None,
) -> LoadResult:
    """GET ``url`` from ``concurrency`` workers for ``seconds`` (both bounded), new TLS per worker.

    ``rate_limit`` (requests per second in total) paces the workers when given.
    """
    _require_loopback(url)
    seconds = min(seconds, MAX_SECONDS)
    max_requests = min(max_requests, MAX_REQUESTS)
    ctx = ssl.create_default_context(cafile=str(ca_file))
    result = LoadResult()
    started = time.monotonic()
    deadline = started + seconds
    interval = concurrency / rate_limit if rate_limit else 0.0
    timeout = aiohttp.ClientTimeout(total=5)

    async def worker(session: aiohttp.ClientSession) -> None:
        while time.monotonic() < deadline and result.total < max_requests:
            t0 = time.monotonic()
            try:
                async with session.get(url) as resp:
                    body = await resp.json(content_type=None)
                    result.statuses[resp.status] += 1
                    if 200 <= resp.status < 300:
                        result.ok += 1
                    else:
                        result.errors += 1
                    if isinstance(body, dict) and "instance" in body:
                        result.by_instance[str(body["instance"])] += 1
            except (aiohttp.ClientError, TimeoutError, ValueError):
                result.errors += 1
            if interval:
                await asyncio.sleep(max(0.0, interval - (time.monotonic() - t0)))

    connector = aiohttp.TCPConnector(ssl=ctx, limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    result.seconds = time.monotonic() - started
    return result
