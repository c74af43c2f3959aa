"""The lab's web app: one aiohttp process per instance slot, behind HAProxy.

    python -m archproof.lab.app --name app1 --host 127.0.10.2 --port 9000 \\
        --pg-dsn "host=127.0.9.1 port=5432 ..." --redis-host 127.0.9.1 --redis-port 6379

``/health`` is liveness only (200 at once). ``/`` and ``/api/item`` really touch the data tier:
Redis ``INCR`` through the redis rw entry and a PostgreSQL read (every 10th request also an
``INSERT``) through the pg rw entry. While a database or cache fails over, these answer 503 with
the reason and recover by themselves on a later request (broken connections are dropped).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import psycopg
import redis.asyncio as aioredis
from aiohttp import web
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

T = TypeVar("T")

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS items (
    id bigserial PRIMARY KEY,
    instance text NOT NULL,
    created timestamptz NOT NULL DEFAULT now(),
    note text
)
"""
READ = (
    "SELECT count(*), coalesce(max(id), 0), inet_server_addr()::text, pg_is_in_recovery() "
    "FROM items"
)
WRITE = "INSERT INTO items (instance, note) VALUES (%s, %s) RETURNING id"
WRITE_EVERY = 10
REQUEST_TIMEOUT = 3.0


class PgPool:
    """A tiny async connection pool: at most ``size`` connections; a failed one is dropped."""

    def __init__(self, dsn: str, size: int = 4) -> None:
        self.dsn = dsn
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._slots = asyncio.Semaphore(size)

    async def run(self, fn: Callable[[psycopg.AsyncConnection[Any]], Awaitable[T]]) -> T:
        async with self._slots:
            conn = self._idle.pop() if self._idle else None
            if conn is None or conn.closed:
                conn = await psycopg.AsyncConnection.connect(
                    self.dsn, autocommit=True, options="-c statement_timeout=2000"
                )
            try:
                result = await fn(conn)
            except BaseException:
                await conn.close()
                raise
            self._idle.append(conn)
            return result

    async def close(self) -> None:
        while self._idle:
            await self._idle.pop().close()


@dataclass
class AppState:
    name: str
    zone: str
    address: str
    pg: PgPool
    cache: aioredis.Redis
    work: int
    table_ready: bool = False
    started: float = field(default_factory=time.time)
    served: int = 0
    failed: int = 0
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


STATE = web.AppKey("state", AppState)


async def _ensure_table(state: AppState) -> None:
    if state.table_ready:
        return

    async def create(conn: psycopg.AsyncConnection[Any]) -> None:
        # another instance may create it at the same moment
        with contextlib.suppress(psycopg.errors.UniqueViolation, psycopg.errors.DuplicateTable):
            await conn.execute(CREATE_TABLE)

    await state.pg.run(create)
    state.table_ready = True


async def _touch_data(state: AppState, force_write: bool) -> dict[str, object]:
    hits = int(await state.cache.incr("archproof:hits"))
    await _ensure_table(state)
    write = force_write or hits % WRITE_EVERY == 0

    async def query(conn: psycopg.AsyncConnection[Any]) -> dict[str, object]:
        wrote = None
        if write:
            cur = await conn.execute(WRITE, (state.name, f"hit {hits}"))
            row = await cur.fetchone()
            wrote = int(row[0]) if row else None
        cur = await conn.execute(READ)
        count, last, server, recovery = await cur.fetchone() or (0, 0, "", False)
        return {
            "items": int(count),
            "last_item": int(last),
            "wrote": wrote,
            "db_server": str(server).split("/")[0],
            "db_in_recovery": bool(recovery),
        }

    db = await state.pg.run(query)
    return {"hits": hits, **db}


def _burn(work: int, seed: str) -> str:
    """A little CPU per request, like a real handler rendering something."""
    if work <= 0:
        return ""
    return hashlib.pbkdf2_hmac("sha256", seed.encode(), b"archproof", work).hex()[:16]


async def health(request: web.Request) -> web.Response:
    state = request.app[STATE]
    return web.json_response({"status": "ok", "instance": state.name})


async def item(request: web.Request) -> web.Response:
    state = request.app[STATE]
    t0 = time.perf_counter()
    digest = _burn(state.work, f"{state.name}{state.served}")
    base: dict[str, object] = {
        "instance": state.name,
        "zone": state.zone,
        "address": state.address,
        "path": request.path,
    }
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            data = await _touch_data(state, request.query.get("write") == "1")
    except (psycopg.Error, RedisError, OSError, TimeoutError) as exc:
        state.failed += 1
        reason = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
        return web.json_response({**base, "error": reason}, status=503)
    state.served += 1
    ms = round((time.perf_counter() - t0) * 1000, 2)
    return web.json_response({**base, **data, "digest": digest, "ms": ms})


async def stats(request: web.Request) -> web.Response:
    state = request.app[STATE]
    return web.json_response(
        {
            "instance": state.name,
            "served": state.served,
            "failed": state.failed,
            "uptime": round(time.time() - state.started, 1),
        }
    )


def build_app(state: AppState) -> web.Application:
    app = web.Application()
    app[STATE] = state
    app.router.add_get("/health", health)
    app.router.add_get("/", item)
    app.router.add_get("/api/item", item)
    app.router.add_post("/api/item", item)
    app.router.add_get("/stats", stats)

    async def warm_up(app: web.Application) -> None:
        async def create() -> None:
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT):
                    await _ensure_table(state)
            except (psycopg.Error, OSError, TimeoutError):
                pass  # the database may not be up yet; the first request retries

        task = asyncio.create_task(create())
        state.tasks.add(task)
        task.add_done_callback(state.tasks.discard)

    async def close(app: web.Application) -> None:
        await state.pg.close()
        await state.cache.aclose()

    app.on_startup.append(warm_up)
    app.on_cleanup.append(close)
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archproof.lab.app", description=__doc__)
    parser.add_argument("--name", required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--zone", default="")
    parser.add_argument("--pg-dsn", required=True)
    parser.add_argument("--redis-host", required=True)
    parser.add_argument("--redis-port", type=int, default=6379)
    parser.add_argument("--work", type=int, default=1000, help="pbkdf2 rounds per request")
    args = parser.parse_args(argv)
    cache = aioredis.Redis(
        host=args.redis_host,
        port=args.redis_port,
        socket_timeout=1.0,
        socket_connect_timeout=1.0,
        retry=Retry(NoBackoff(), 1),
    )
    state = AppState(
        name=args.name,
        zone=args.zone,
        address=f"{args.host}:{args.port}",
        pg=PgPool(args.pg_dsn),
        cache=cache,
        work=args.work,
    )
    web.run_app(
        build_app(state),
        host=args.host,
        port=args.port,
        shutdown_timeout=1.0,
        access_log=None,
        print=None,
        reuse_address=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
