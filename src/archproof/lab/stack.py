"""Start, check and stop the whole lab on loopback.

    lab = Lab(LabLayout(lab_dir=Path(".lab")))
    status = lab.up(autoscaler=True, apps=2)   # waits on real health gates
    status.entry_url, status.ca_file           # https://127.0.9.1/ , .lab/tls/ca.pem
    lab.down()                                  # no process, no listening port left

``up`` starts etcd ×3, Redis master + replica, 3 Sentinels, HAProxy and the first app instances
at once, then Patroni pg1 (initdb, leader) and pg2 (basebackup, streaming replica), creates the
app database, waits until HAProxy routes app/pg_rw/pg_ro/redis_rw, and last starts the
autoscaler. If a gate is not reached within the timeout (or on Ctrl-C) it stops what it started
and raises ``LabError`` naming the gate.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import psycopg

from archproof.errors import UsageError
from archproof.lab import configs, probes
from archproof.lab.apps import child_env, start_app
from archproof.lab.autoscaler import BACKEND, load_policy, save_policy
from archproof.lab.certs import make_certificates
from archproof.lab.layout import LabLayout, Member
from archproof.lab.procs import (
    LabError,
    ProcRecord,
    pid_alive,
    postmaster_pid,
    read_pidfile,
    record_alive,
    spawn,
    stop_pids,
    taken,
    tcp_listeners,
)
from archproof.lab.runtime import RuntimeAPI

DEFAULT_TIMEOUT = 90.0
STOP_GRACE = 6.0
_SUN_PATH_MAX = 107
HAPROXY_BACKENDS = (BACKEND, "pg_rw", "pg_ro", "redis_rw")


@dataclass(frozen=True)
class ComponentStatus:
    """One process of the lab."""

    name: str
    kind: str
    """etcd, patroni, redis, sentinel, haproxy, app, autoscaler."""
    address: str
    zone: str
    pid: int | None
    running: bool
    role: str = ""
    """leader/replica (Patroni), master/slave (Redis), UP/DOWN/MAINT (app in HAProxy)."""

    def as_json(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class LabStatus:
    """What ``Lab.up``/``Lab.status`` report."""

    running: bool
    """Every core server (etcd, Patroni, Redis, Sentinel, HAProxy) is alive."""
    lab_dir: Path
    entry_url: str
    http_url: str
    stats_url: str
    ca_file: Path
    tls_server_name: str
    runtime_socket: Path
    autoscaler_log: Path
    autoscaler_state: Path
    components: tuple[ComponentStatus, ...] = ()
    backends: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    """HAProxy backends → servers (name, address, status, up, requests)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds from the start of ``up`` to each health gate (only from ``up``)."""
    autoscaler: dict[str, object] | None = None
    """The autoscaler's last state file: enabled, desired, t, in_service, up, rate …"""

    def component(self, name: str) -> ComponentStatus:
        for c in self.components:
            if c.name == name:
                return c
        raise KeyError(name)

    def as_json(self) -> dict[str, object]:
        return {
            "running": self.running,
            "lab_dir": str(self.lab_dir),
            "entry_url": self.entry_url,
            "http_url": self.http_url,
            "stats_url": self.stats_url,
            "ca_file": str(self.ca_file),
            "tls_server_name": self.tls_server_name,
            "runtime_socket": str(self.runtime_socket),
            "autoscaler_log": str(self.autoscaler_log),
            "autoscaler_state": str(self.autoscaler_state),
            "components": [c.as_json() for c in self.components],
            "backends": self.backends,
            "timings": self.timings,
            "autoscaler": self.autoscaler,
        }


@dataclass(frozen=True)
class Gate:
    """A health gate of ``up``: polled once every gate named in ``after`` has passed."""

    name: str
    check: Callable[[], bool]
    after: tuple[str, ...] = ()
    then: Callable[[], object] | None = None
    """Run once when the gate passes (starts the next server)."""


def missing_tools(layout: LabLayout) -> list[str]:
    """What the lab needs and this machine lacks (``scripts/lab-install.sh`` installs it)."""
    missing = [
        b for b in ("haproxy", "etcd", "redis-server", "redis-sentinel") if not shutil.which(b)
    ]
    if not layout.patroni_bin.exists():
        missing.append(str(layout.patroni_bin))
    if not (layout.pg_bin_dir / "postgres").exists():
        missing.append(str(layout.pg_bin_dir / "postgres"))
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        missing.append("setpriv")
    return missing


CORE_KINDS = ("etcd", "patroni", "redis", "sentinel", "haproxy")


class Lab:
    """Control of one lab (one ``LabLayout``, one lab dir)."""

    def __init__(
        self,
        layout: LabLayout | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.layout = layout or LabLayout()
        self.timeout = timeout
        self.progress = progress or (lambda _msg: None)
        self.api = RuntimeAPI(self.layout.runtime_socket)
        self._t0 = 0.0
        self._timings: dict[str, float] = {}
        self.last_up: LabStatus | None = None
        """What the last successful ``up`` returned (with its gate timings)."""

    # ===== up ===============================================================================

    def up(self, autoscaler: bool = True, apps: int = 2) -> LabStatus:
        """Start everything and wait for the health gates; on failure stop it all again."""
        layout = self.layout
        if not 1 <= apps <= len(layout.app_slots):
            raise UsageError(f"--apps must be between 1 and {len(layout.app_slots)}")
        self._preflight()
        self._t0 = time.monotonic()
        self._timings = {}
        deadline = self._t0 + self.timeout
        try:
            self._prepare(autoscaler, apps)
            self._start_servers(apps)
            self._run_gates(self._gates(apps), deadline)
            self._start(
                "autoscaler",
                [
                    sys.executable,
                    "-m",
                    "archproof.lab.autoscaler",
                    "--lab-dir",
                    str(layout.lab_dir),
                ],
                env=child_env(),
            )
            self._run_gates(
                [Gate("autoscaler evaluating", layout.autoscaler_state.is_file)], deadline
            )
        except BaseException:
            self.progress("lab up failed: stopping what was started")
            with contextlib.suppress(Exception):
                self.down()
            raise
        total = round(time.monotonic() - self._t0, 2)
        self._timings["ready"] = total
        (layout.lab_dir / "up.json").write_text(
            json.dumps({"t": time.time(), "timings": self._timings}) + "\n"
        )
        self.progress(f"lab ready in {total} s: {layout.entry_url}")
        self.last_up = replace(self.status(), timings=dict(self._timings))
        return self.last_up

    def _preflight(self) -> None:
        layout = self.layout
        missing = missing_tools(layout)
        if missing:
            raise LabError(
                "the lab is not installed (missing: " + ", ".join(missing) + "); "
                "run scripts/lab-install.sh"
            )
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError as exc:
                raise LabError("no 'postgres' user; run scripts/lab-install.sh") from exc
            for parent in [layout.lab_dir, *layout.lab_dir.parents]:
                if parent.exists() and not parent.stat().st_mode & 0o001:
                    raise UsageError(
                        f"{parent} is not searchable by other users: the postgres user cannot "
                        "reach the lab dir; choose another lab dir (ARCHPROOF_LAB_DIR)"
                    )
        if len(str(layout.runtime_socket)) > _SUN_PATH_MAX:
            raise UsageError(f"lab dir path too long for a unix socket: {layout.runtime_socket}")
        if self.is_running():
            raise UsageError(
                f"the lab in {layout.lab_dir} is already running; run `archproof lab down` first"
            )
        if self.records() or self._postmasters():
            self.down()  # clears leftovers of a crashed run
        problems = taken(layout.listeners())
        if problems:
            raise LabError("cannot start the lab: " + "; ".join(problems))

    def _prepare(self, autoscaler: bool, apps: int) -> None:
        layout = self.layout
        layout.lab_dir.mkdir(parents=True, exist_ok=True)
        layout.lab_dir.chmod(0o755)
        for sub in ("etcd", "pg", "redis", "haproxy", "run", "logs", "tls"):
            shutil.rmtree(layout.lab_dir / sub, ignore_errors=True)
        for stale in (layout.autoscaler_log, layout.autoscaler_state, layout.lab_dir / "up.json"):
            stale.unlink(missing_ok=True)
        for sub in ("etcd", "redis", "haproxy", "run", "logs"):
            (layout.lab_dir / sub).mkdir(parents=True)
        layout.save()
        save_policy(layout, replace(load_policy(layout), enabled=autoscaler))
        certs = make_certificates(
            layout.cert_dir, hosts=(layout.tls_server_name, layout.entry_host)
        )
        layout.cert_dir.chmod(0o755)
        layout.haproxy_config.write_text(configs.haproxy_config(layout, certs.bundle, apps))
        for node in (*layout.redis_nodes, *layout.sentinels):
            (layout.lab_dir / "redis" / node.name).mkdir(parents=True)
        master = layout.redis_nodes[0]
        for sentinel in layout.sentinels:
            conf = layout.lab_dir / "redis" / sentinel.name / "sentinel.conf"
            conf.write_text(configs.sentinel_config(layout, sentinel, master))
        (layout.lab_dir / "pg").mkdir(mode=0o755)
        for node in layout.pg_nodes:
            d = layout.pg_dir(node.name)
            d.mkdir(mode=0o700)
            (d / "patroni.yml").write_text(configs.patroni_config(layout, node))
            if os.geteuid() == 0:
                pg = pwd.getpwnam("postgres")
                for path in (d, d / "patroni.yml"):
                    os.chown(path, pg.pw_uid, pg.pw_gid)
            d.chmod(0o700)

    def _start(
        self, name: str, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> ProcRecord:
        return spawn(
            name, argv, self.layout.pidfile(name), self.layout.logfile(name), env=env, cwd=cwd
        )

    def _start_servers(self, apps: int) -> None:
        layout = self.layout
        for m in layout.etcd_members:
            self._start(m.name, configs.etcd_argv(layout, m))
        master, replica = layout.redis_nodes
        self._start(master.name, configs.redis_argv(layout, master, None))
        self._start(replica.name, configs.redis_argv(layout, replica, master))
        self._start("haproxy", ["haproxy", "-db", "-f", str(layout.haproxy_config)])
        for slot in layout.app_slots[:apps]:
            start_app(layout, slot)
        self.progress("started etcd, redis, haproxy and apps")

    def _start_sentinels(self) -> None:
        # after the replica is linked, so the Sentinels' first INFO already lists it
        for s in self.layout.sentinels:
            conf = self.layout.lab_dir / "redis" / s.name / "sentinel.conf"
            self._start(s.name, ["redis-sentinel", str(conf)])

    def start_component(self, name: str) -> ProcRecord:
        """Start one stopped server of a running lab again (after a crash or a chaos fault).

        etcd members rejoin with their data dir; Patroni nodes rejoin (pg_rewind when they
        diverged); a Redis node starts as a replica of the current Sentinel master (never as
        a second empty master); Sentinels reuse the config they rewrote; apps start in their
        slot. Raises ``LabError`` when ``name`` is not a lab server or is still running.
        """
        layout = self.layout
        record = read_pidfile(layout.pidfile(name))
        if record is not None and record_alive(record):
            raise LabError(f"{name} is still running (pid {record.pid})")
        members = {
            m.name: m
            for m in (
                *layout.etcd_members,
                *layout.pg_nodes,
                *layout.redis_nodes,
                *layout.sentinels,
                *layout.app_slots,
            )
        }
        member = members.get(name)
        kind = _kind(name)
        if member is None:
            raise LabError(f"{name!r} is not a server of the lab that can be started alone")
        if kind == "etcd":
            return self._start(name, configs.etcd_argv(layout, member))
        if kind == "patroni":
            if postmaster_pid(layout.pg_dir(name) / "data") is not None:
                raise LabError(f"{name}: its postmaster still runs without Patroni")
            self._start_patroni(member)
            return read_pidfile(layout.pidfile(name)) or _missing(name)
        if kind == "redis":
            master = probes.sentinel_master(layout)
            if master == (member.host, member.port) and any(
                probes.redis_role(n) for n in layout.redis_nodes if n != member
            ):
                raise LabError(
                    f"Sentinel still names {name} the master: restarted empty (no persistence) "
                    "it would wipe its replica; wait for the Sentinel failover first"
                )
            upstream = next(
                (n for n in layout.redis_nodes if master == (n.host, n.port) and n != member),
                None,
            )
            return self._start(name, configs.redis_argv(layout, member, upstream))
        if kind == "sentinel":
            conf = layout.lab_dir / "redis" / name / "sentinel.conf"
            return self._start(name, ["redis-sentinel", str(conf)])
        return start_app(layout, member)

    def _start_patroni(self, node: Member) -> None:
        layout = self.layout
        d = layout.pg_dir(node.name)
        argv = [str(layout.patroni_bin), str(d / "patroni.yml")]
        home = str(d)
        if os.geteuid() == 0:
            argv = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", *argv]
            home = pwd.getpwnam("postgres").pw_dir
        env = {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        self._start(node.name, argv, env=env, cwd=d)

    # ----- gates ----------------------------------------------------------------------------

    def _gates(self, apps: int) -> list[Gate]:
        pg1, pg2 = self.layout.pg_nodes

        def backend(name: str, want: int = 1) -> Callable[[], bool]:
            return lambda: self._backend_up(name) >= want

        return [
            Gate("etcd healthy", self._etcd_ok, then=lambda: self._start_patroni(pg1)),
            Gate(
                "patroni leader pg1",
                lambda: probes.patroni_primary_ok(pg1),
                after=("etcd healthy",),
                then=lambda: self._start_patroni(pg2),
            ),
            Gate("app database created", self._create_app_db, after=("patroni leader pg1",)),
            Gate(
                "patroni replica streaming",
                self._replica_streaming,
                after=("patroni leader pg1",),
            ),
            Gate("redis replica linked", self._redis_linked, then=self._start_sentinels),
            Gate("sentinels see each other", self._sentinels_ok, after=("redis replica linked",)),
            Gate(f"haproxy backend {BACKEND} UP", backend(BACKEND, apps)),
            Gate("haproxy backend pg_rw UP", backend("pg_rw"), after=("patroni leader pg1",)),
            Gate(
                "haproxy backend pg_ro UP", backend("pg_ro"), after=("patroni replica streaming",)
            ),
            Gate("haproxy backend redis_rw UP", backend("redis_rw")),
        ]

    def _run_gates(self, gates: list[Gate], deadline: float) -> None:
        """Poll every gate whose prerequisites passed; run its ``then`` when it passes."""
        pending = list(gates)
        while pending:
            for gate in [g for g in pending if all(a in self._timings for a in g.after)]:
                try:
                    ok = gate.check()
                except (OSError, LabError):
                    ok = False
                if ok:
                    elapsed = round(time.monotonic() - self._t0, 2)
                    self._timings[gate.name] = elapsed
                    self.progress(f"{gate.name} ({elapsed} s)")
                    pending.remove(gate)
                    if gate.then is not None:
                        gate.then()
            if not pending:
                return
            dead = self._dead_core()
            if dead or time.monotonic() >= deadline:
                why = f"{', '.join(dead)} exited" if dead else f"timeout {self.timeout:g} s"
                names = ", ".join(f"'{g.name}'" for g in pending)
                raise LabError(
                    f"lab up: gate {names} not reached ({why}); logs in {self.layout.log_dir}"
                )
            time.sleep(0.1)

    def _dead_core(self) -> list[str]:
        dead = []
        for path in sorted(self.layout.run_dir.glob("*.pid")):
            record = read_pidfile(path)
            if record is not None and _kind(record.name) in CORE_KINDS and not record_alive(record):
                dead.append(record.name)
        return dead

    def _etcd_ok(self) -> bool:
        return all(probes.etcd_healthy(m) for m in self.layout.etcd_members)

    def _replica_streaming(self) -> bool:
        members = probes.patroni_cluster(self.layout)
        return any(m.get("role") == "replica" and m.get("state") == "streaming" for m in members)

    def _create_app_db(self) -> bool:
        layout = self.layout
        leader = layout.pg_nodes[0]
        su = (
            f"host={leader.host} port={leader.port} user=postgres dbname=postgres "
            f"password={layout.pg_superuser_password} connect_timeout=2"
        )
        try:
            with psycopg.connect(su, autocommit=True) as conn:
                if not conn.execute(
                    "SELECT 1 FROM pg_roles WHERE rolname = %s", (layout.app_db_user,)
                ).fetchone():
                    conn.execute(
                        f"CREATE ROLE {layout.app_db_user} LOGIN PASSWORD "
                        f"'{layout.app_db_password}'"
                    )
                if not conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", (layout.app_db,)
                ).fetchone():
                    conn.execute(f"CREATE DATABASE {layout.app_db} OWNER {layout.app_db_user}")
            app_dsn = layout.pg_dsn(port=leader.port, host=leader.host)
            with psycopg.connect(app_dsn, autocommit=True) as conn:
                from archproof.lab.app import CREATE_TABLE

                conn.execute(CREATE_TABLE)
        except psycopg.Error:
            return False
        return True

    def _redis_linked(self) -> bool:
        info = probes.redis_info(self.layout.redis_nodes[0])
        slave = info.get("slave0")
        online = isinstance(slave, dict) and slave.get("state") == "online"
        return info.get("role") == "master" and online

    def _sentinels_ok(self) -> bool:
        n = len(self.layout.sentinels)
        for s in self.layout.sentinels:
            view = probes.sentinel_view(self.layout, s)
            if view is None or view[0] < n - 1 or view[1] < 1:
                return False
        return True

    def _backend_up(self, backend: str) -> int:
        return sum(1 for s in self.api.servers(backend) if s.up)

    # ===== status ===========================================================================

    def records(self) -> list[ProcRecord]:
        out = []
        for path in sorted(self.layout.run_dir.glob("*.pid")):
            record = read_pidfile(path)
            if record is not None:
                out.append(record)
        return out

    def is_running(self) -> bool:
        """True when any process of this lab is alive."""
        return any(record_alive(r) for r in self.records()) or bool(self._postmasters())

    def status(self) -> LabStatus:
        layout = self.layout
        records = {r.name: r for r in self.records()}
        backends: dict[str, list[dict[str, object]]] = {}
        if layout.runtime_socket.exists():
            with contextlib.suppress(LabError):
                for row in self.api.show_stat():
                    if row.get("svname") in ("FRONTEND", "BACKEND"):
                        continue
                    backends.setdefault(row["pxname"], []).append(
                        {
                            "name": row["svname"],
                            "address": row.get("addr", ""),
                            "status": row.get("status", ""),
                            "up": row.get("status", "").startswith("UP"),
                            "requests": int(row.get("req_tot") or row.get("stot") or 0),
                        }
                    )
        app_state = {str(s["name"]): str(s["status"]) for s in backends.get(BACKEND, [])}
        members = {str(m.get("name")): m for m in probes.patroni_cluster(layout)}
        components: list[ComponentStatus] = []

        def add(name: str, kind: str, member: Member | None, role: str = "") -> None:
            record = records.get(name)
            alive = record is not None and record_alive(record)
            components.append(
                ComponentStatus(
                    name=name,
                    kind=kind,
                    address=member.address if member else "",
                    zone=member.zone if member else "",
                    pid=record.pid if record and alive else None,
                    running=alive,
                    role=role if alive else "",
                )
            )

        for m in layout.etcd_members:
            add(m.name, "etcd", m)
        for m in layout.pg_nodes:
            add(m.name, "patroni", m, str(members.get(m.name, {}).get("role", "")))
        for m in layout.redis_nodes:
            add(m.name, "redis", m, probes.redis_role(m) if _alive(records.get(m.name)) else "")
        for m in layout.sentinels:
            add(m.name, "sentinel", m)
        add("haproxy", "haproxy", Member("haproxy", layout.entry_host, layout.https_port, ""))
        for m in layout.app_slots:
            if m.name in records:
                add(m.name, "app", m, app_state.get(m.name, ""))
        add("autoscaler", "autoscaler", None)
        running = all(c.running for c in components if c.kind in CORE_KINDS)
        scaler_state = None
        if records.get("autoscaler") and running:
            with contextlib.suppress(OSError, ValueError):
                scaler_state = json.loads(layout.autoscaler_state.read_text())
        return LabStatus(
            running=running,
            lab_dir=layout.lab_dir,
            entry_url=layout.entry_url,
            http_url=layout.http_url,
            stats_url=layout.stats_url,
            ca_file=layout.ca_file,
            tls_server_name=layout.tls_server_name,
            runtime_socket=layout.runtime_socket,
            autoscaler_log=layout.autoscaler_log,
            autoscaler_state=layout.autoscaler_state,
            components=tuple(components),
            backends=backends,
            autoscaler=scaler_state,
        )

    # ===== down =============================================================================

    def _postmasters(self) -> list[int]:
        pg = self.layout.lab_dir / "pg"
        pids = []
        for node in self.layout.pg_nodes:
            pid = postmaster_pid(pg / node.name / "data")
            if pid is not None:
                pids.append(pid)
        return pids

    def down(self) -> None:
        """Stop every lab process, verify no process and no listening port is left.

        SIGTERM first (SIGKILL after a few seconds); etcd gets SIGKILL at once (throwaway
        data); the postmasters Patroni double-forked are stopped from ``postmaster.pid``.
        Idempotent: does nothing when nothing runs.
        """
        layout = self.layout
        t0 = time.monotonic()
        by_kind: dict[str, list[ProcRecord]] = {}
        with _ignore_sigint():
            for record in self.records():
                by_kind.setdefault(_kind(record.name), []).append(record)
            live = {k: [r.pid for r in rs if record_alive(r)] for k, rs in by_kind.items()}
            stopping = any(live.values()) or bool(self._postmasters())
            if stopping:
                self.progress("stopping the lab")
            # the autoscaler first, so it starts nothing new; then re-read (it may have)
            stop_pids(live.pop("autoscaler", []), grace=3.0)
            for record in self.records():
                kind = _kind(record.name)
                if kind == "app" and record_alive(record):
                    live.setdefault("app", []).append(record.pid)
            etcd = live.pop("etcd", [])
            rest = [pid for pids in live.values() for pid in pids]
            stop_pids(rest, grace=STOP_GRACE)
            stop_pids(self._postmasters(), grace=3.0, first=signal.SIGQUIT)
            stop_pids(etcd, grace=0.0, first=signal.SIGKILL)
            layout.runtime_socket.unlink(missing_ok=True)
            # ports are checked only after stopping something: a port held by a process
            # that is not this lab's is named by `up`, not blamed on `down`
            left = self._leftovers(ports=stopping)
            if not left:
                for path in layout.run_dir.glob("*.pid"):
                    path.unlink(missing_ok=True)
        if left:
            raise LabError("lab down left: " + "; ".join(left))
        if stopping:
            self.progress(f"lab stopped in {time.monotonic() - t0:.1f} s")

    def _leftovers(self, ports: bool = True) -> list[str]:
        """Processes and listening ports of this lab that are still there (waits ≤ 3 s)."""
        wanted = {(h, p): what for h, p, what in self.layout.listeners()}
        deadline = time.monotonic() + 3.0
        while True:
            left = [f"{r.name} (pid {r.pid})" for r in self.records() if record_alive(r)]
            left += [f"postmaster (pid {p})" for p in self._postmasters()]
            left += [
                f"{lst.host}:{lst.port} ({wanted[(lst.host, lst.port)]}) still listening"
                for lst in (tcp_listeners() if ports else [])
                if (lst.host, lst.port) in wanted
            ]
            if not left or time.monotonic() >= deadline:
                return left
            time.sleep(0.1)


def _missing(name: str) -> ProcRecord:
    raise LabError(f"{name}: started but no pidfile was written")


def _alive(record: ProcRecord | None) -> bool:
    return record is not None and record_alive(record)


def _kind(name: str) -> str:
    for kind, prefix in (
        ("etcd", "etcd"),
        ("patroni", "pg"),
        ("redis", "redis"),
        ("sentinel", "sentinel"),
        ("haproxy", "haproxy"),
        ("app", "app"),
        ("autoscaler", "autoscaler"),
    ):
        if name.startswith(prefix):
            return kind
    return "other"


@contextlib.contextmanager
def _ignore_sigint() -> Iterator[None]:
    """Teardown is not interrupted by a second Ctrl-C (main thread only)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


__all__ = ["ComponentStatus", "Lab", "LabError", "LabStatus", "pid_alive"]
