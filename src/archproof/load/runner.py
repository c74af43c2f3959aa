"""Drive the entry point with locust (a subprocess, never imported here) while observers
sample capacity on the same wall clock; write locust's CSV/HTML and the timeline.

Distributed runs use locust's own master/worker mode: ``workers`` local worker processes
here, or workers on other machines started with ``locust -f load/locustfile.py --worker
--master-host <this host>`` (see docs/load.md).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archproof.errors import ArchproofError
from archproof.load.observers.base import CapacitySample, Observer, ObserverError, failed_sample
from archproof.load.timeline import Timeline, read_history, read_totals
from archproof.spec.load_profile import LoadProfile

LOCUSTFILE = Path(__file__).resolve().parents[3] / "load" / "locustfile.py"
EventsReader = Callable[[float, float], list[dict[str, Any]]]


class TargetUnreachable(ArchproofError):
    """The entry point does not accept connections: nothing to load."""


@dataclass(frozen=True)
class LoadTarget:
    """What is loaded and how its capacity is read."""

    url: str
    name: str = ""
    ca_file: Path | None = None
    observer: Observer | None = None
    events: EventsReader | None = None
    """Scaling decisions between two times (lab autoscaler log, ASG activities)."""
    http_url: str | None = None
    """The plain-HTTP entry that must redirect to HTTPS (TLS probe)."""
    server_name: str | None = None
    """TLS server name to ask for (SNI, hostname check) when the URL holds an address."""

    @property
    def label(self) -> str:
        return self.name or self.url


@dataclass(frozen=True)
class LoadRequest:
    target: LoadTarget
    profile: LoadProfile
    out: Path = Path("reports/load")
    workers: int = 0
    """0: one local locust process; N: a master and N local workers."""
    remote_workers: int = 0
    """Workers the master also waits for, started on other machines (docs/load.md)."""
    master_bind: str = "127.0.0.1"
    master_port: int = 0
    """0: a free port (remote workers need a fixed one)."""
    locustfile: Path = LOCUSTFILE
    sample_every_s: float = 1.0
    grace_s: float = 60.0
    """Time allowed beyond the shape's duration before locust is stopped by force."""
    extra_args: tuple[str, ...] = field(default_factory=tuple)


def locust_binary() -> str:
    beside = Path(sys.executable).with_name("locust")
    return str(beside) if beside.exists() else "locust"


def check_reachable(url: str, timeout: float = 5.0) -> None:
    """Fail fast, naming the entry point, when nothing listens there."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetUnreachable(f"entry point {url!r}: not an http(s) URL")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            return
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise TargetUnreachable(
            f"entry point {url} ({parts.hostname}:{port}) unreachable: {reason}"
        ) from None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def locust_commands(request: LoadRequest, prefix: Path) -> list[list[str]]:
    """The locust command lines: one process, or a master followed by its workers."""
    common = [locust_binary(), "-f", str(request.locustfile)]
    main = [
        *common,
        "--headless",
        "-H",
        request.target.url.rstrip("/"),
        "--csv",
        str(prefix),
        "--csv-full-history",
        "--html",
        str(prefix.with_suffix(".html")),
        "--only-summary",
        "--stop-timeout",
        "5",
        *request.extra_args,
    ]
    expected = request.workers + request.remote_workers
    if expected <= 0:
        return [main]
    port = request.master_port or _free_port()
    master = [
        *main,
        "--master",
        "--master-bind-host",
        request.master_bind,
        "--master-bind-port",
        str(port),
        "--expect-workers",
        str(expected),
        "--expect-workers-max-wait",
        "30",
    ]
    worker = [*common, "--worker", "--master-host", "127.0.0.1", "--master-port", str(port)]
    return [master] + [list(worker) for _ in range(request.workers)]


class _Sampler(threading.Thread):
    """Samples the observer every ``every`` seconds until stopped; failures become samples."""

    def __init__(self, observer: Observer, every: float) -> None:
        super().__init__(name="archproof-capacity-sampler", daemon=True)
        self.observer, self.every = observer, every
        self.samples: list[CapacitySample] = []
        self.stopping = threading.Event()

    def take(self) -> None:
        try:
            self.samples.append(self.observer.sample())
        except ObserverError as exc:
            self.samples.append(failed_sample(str(exc)))
        except Exception as exc:  # an observer bug is missing evidence, never a pass
            self.samples.append(failed_sample(f"{type(exc).__name__}: {exc}"))

    def run(self) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            self.take()
            self.stopping.wait(max(0.0, self.every - (time.monotonic() - started)))


@contextlib.contextmanager
def _processes(
    commands: list[list[str]], env: dict[str, str], log: Path
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start locust processes in their own sessions; always stop them all (Ctrl-C too)."""
    handle = log.open("ab")
    started: list[subprocess.Popen[bytes]] = []
    try:
        for command in commands:
            started.append(
                subprocess.Popen(
                    command,
                    env=env,
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        handle.close()


def _tail(path: Path, lines: int = 8) -> str:
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return "\n".join(text[-lines:])


def run_load(request: LoadRequest) -> Timeline:
    """Run the load, sample capacity alongside, and write ``timeline.json`` under ``out``."""
    check_reachable(request.target.url)
    out = request.out
    out.mkdir(parents=True, exist_ok=True)
    prefix = out / "locust"
    for stale in out.glob("locust*"):
        stale.unlink()
    log = out / "locust.log"
    env = dict(os.environ)
    env["ARCHPROOF_LOAD_PROFILE"] = request.profile.model_dump_json()
    if request.target.ca_file is not None:
        env["ARCHPROOF_CA_FILE"] = str(request.target.ca_file)
    else:
        env.pop("ARCHPROOF_CA_FILE", None)
    commands = locust_commands(request, prefix)
    sampler = (
        _Sampler(request.target.observer, request.sample_every_s)
        if (request.target.observer is not None)
        else None
    )
    started = time.time()
    if sampler is not None:
        sampler.take()
        sampler.start()
    exit_code: int | None = None
    problem = ""
    limit = request.profile.shape.duration_s + request.grace_s
    try:
        with _processes(commands, env, log) as processes:
            try:
                exit_code = processes[0].wait(timeout=limit)
            except subprocess.TimeoutExpired:
                problem = f"locust did not stop within {limit:.0f} s; stopped by force"
        load_ended = time.time()
        if sampler is not None and request.profile.scaling.observe_after_s > 0:
            sampler.stopping.wait(request.profile.scaling.observe_after_s)
    finally:
        if sampler is not None:
            sampler.stopping.set()
            sampler.join(timeout=request.sample_every_s + 30)
    finished = time.time()
    totals = read_totals(prefix.parent / f"{prefix.name}_stats.csv")
    if totals is None and not problem:
        problem = f"locust wrote no statistics (exit code {exit_code}): {_tail(log)}"
    timeline = Timeline(
        target=request.target.label,
        observer=request.target.observer.name if request.target.observer else "none",
        started=started,
        finished=finished,
        load_ended=load_ended,
        load=read_history(prefix.parent / f"{prefix.name}_stats_history.csv"),
        capacity=list(sampler.samples) if sampler is not None else [],
        totals=totals,
        events=request.target.events(started, finished) if request.target.events else [],
        locust={
            "exit_code": exit_code,
            "commands": commands,
            "workers": request.workers,
            "problem": problem,
            "log": str(log),
        },
        profile=request.profile.model_dump(mode="json"),
    )
    timeline.write(out / "timeline.json")
    return timeline
