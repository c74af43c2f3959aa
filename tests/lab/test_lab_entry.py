"""The lab's entry: HTTPS with the lab CA, HTTP→HTTPS redirect, HSTS, real data tier behind it."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from typing import Any

import psycopg
import redis

from archproof.lab.describe import describe, patroni_leader, sentinel_master
from archproof.lab.runtime import RuntimeAPI
from archproof.lab.stack import Lab


def _get(lab: Lab, path: str) -> tuple[int, dict[str, str], Any]:
    layout = lab.layout
    ctx = ssl.create_default_context(cafile=str(lab.layout.ca_file))
    conn = http.client.HTTPSConnection(layout.entry_host, layout.https_port, context=ctx, timeout=5)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        return resp.status, headers, json.loads(body) if body else None
    finally:
        conn.close()


def test_https_entry_serves_json_naming_an_instance(running_lab: Lab) -> None:
    up = running_lab.last_up
    assert up is not None and up.running
    assert up.entry_url.startswith(f"https://{running_lab.layout.entry_host}")
    assert up.timings["ready"] < 60
    status, headers, body = _get(running_lab, "/")
    assert status == 200
    assert body["instance"] in {"app1", "app2"}
    assert body["zone"] in {"a", "b"}
    assert headers["strict-transport-security"] == "max-age=31536000"


def test_tls_certificate_is_valid_for_the_server_name(running_lab: Lab) -> None:
    layout = running_lab.layout
    ctx = ssl.create_default_context(cafile=str(running_lab.layout.ca_file))
    conn = http.client.HTTPSConnection(layout.entry_host, layout.https_port, context=ctx)
    conn.connect()  # verifies the IP SAN
    conn.close()
    with (
        socket.create_connection((layout.entry_host, layout.https_port), timeout=5) as raw,
        ctx.wrap_socket(raw, server_hostname=running_lab.layout.tls_server_name) as tls,
    ):
        assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_http_redirects_301_to_https_keeping_host_and_path(running_lab: Lab) -> None:
    layout = running_lab.layout
    conn = http.client.HTTPConnection(layout.entry_host, layout.http_port, timeout=5)
    conn.request("GET", "/some/path?x=1")
    resp = conn.getresponse()
    resp.read()
    conn.close()
    assert resp.status == 301
    base = running_lab.layout.entry_url.rstrip("/")
    assert resp.getheader("Location") == f"{base}/some/path?x=1"


def test_app_requests_really_reach_postgres_and_redis(running_lab: Lab) -> None:
    layout = running_lab.layout
    status, _, body = _get(running_lab, "/api/item?write=1")
    assert status == 200, body
    assert body["wrote"] > 0
    leader = patroni_leader(layout)
    leader_host = next(n.host for n in layout.pg_nodes if n.name == leader)
    assert body["db_server"] == leader_host and body["db_in_recovery"] is False
    with psycopg.connect(layout.pg_dsn()) as conn:
        row = conn.execute("SELECT instance FROM items WHERE id = %s", (body["wrote"],)).fetchone()
    assert row == (body["instance"],)
    client = redis.Redis(host=layout.entry_host, port=layout.redis_rw_port, socket_timeout=2)
    try:
        hits = int(client.get("archproof:hits") or 0)
    finally:
        client.close()
    assert hits >= body["hits"] >= 1


def test_read_only_entry_routes_to_the_replica(running_lab: Lab) -> None:
    layout = running_lab.layout
    with psycopg.connect(layout.pg_dsn(port=layout.pg_ro_port)) as conn:
        row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
    assert row == (True,)


def test_describe_shows_leader_replica_and_redis_master(running_lab: Lab) -> None:
    layout = running_lab.layout
    estate = describe(layout)
    json.dumps(estate)  # JSON-able
    nodes = estate["tiers"]["data"]["nodes"]
    assert sorted(n["role"] for n in nodes) == ["leader", "replica"]
    assert estate["tiers"]["data"]["leader"] == patroni_leader(layout) == "pg1"
    master = sentinel_master(layout)
    first = layout.redis_nodes[0]
    assert master == (first.host, 6379) and first.zone == "a"
    assert estate["tiers"]["cache"]["master"] == f"{first.host}:6379"
    assert {n["role"] for n in estate["tiers"]["cache"]["nodes"]} == {"master", "replica"}
    assert estate["tiers"]["edge"]["kind"] == "haproxy"
    apps = estate["tiers"]["app"]["instances"]
    assert [a["zone"] for a in apps] == ["a", "b", "c", "a", "b", "c"]
    assert estate["zones"]["c"]["cidr"] == f"127.{layout.net}.12.0/24"
    assert "sentinel3" in estate["zones"]["c"]["runs"]
    assert estate["entry"]["ca_file"] == str(running_lab.layout.ca_file)
    assert estate["autoscaler"]["emulated"] is True


def test_runtime_api_reports_backends(running_lab: Lab) -> None:
    api = RuntimeAPI(running_lab.layout.runtime_socket)
    assert "Version" in api.show_info()
    app = {s.name: s for s in api.servers("app")}
    assert list(app) == ["app1", "app2", "app3", "app4", "app5", "app6"]
    assert app["app1"].address == f"127.{running_lab.layout.net}.10.2:9000"
    assert [s.name for s in api.servers("pg_rw") if s.up] == ["pg1"]
    assert [s.name for s in api.servers("pg_ro") if s.up] == ["pg2"]
    assert [s.name for s in api.servers("redis_rw") if s.up] == ["redis1"]


def test_app_answers_503_while_the_cache_is_gone_and_recovers(running_lab: Lab) -> None:
    api = RuntimeAPI(running_lab.layout.runtime_socket)
    api.set_server_state("redis_rw", "redis1", "maint")
    try:
        api.shutdown_sessions("redis_rw", "redis1")
        status, _, body = _get(running_lab, "/api/item")
        assert status == 503
        assert body["instance"] in {"app1", "app2"} and body["error"]
        health, _, _ = _get(running_lab, "/health")
        assert health == 200  # liveness is not the data tier
    finally:
        api.set_server_state("redis_rw", "redis1", "ready")
    deadline = time.monotonic() + 10
    while True:
        status, _, body = _get(running_lab, "/api/item")
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status == 200, body
