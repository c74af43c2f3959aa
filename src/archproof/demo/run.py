"""The demo: every reference estate checked as a plan and as a live account, with a summary."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from archproof.demo.forms import POLICIES, FormResult, check_estate
from archproof.demo.load_proof import LoadDemoResult
from archproof.demo.violations import ViolationResult, check_violations
from archproof.envvars import scoped_environment
from archproof.estates import build, names, reference
from archproof.moto_server import moto_server
from archproof.spec.load import load_spec
from archproof.verdict import Verdict


@dataclass(frozen=True)
class DemoOptions:
    reports: Path = Path("reports")
    violations: bool = False
    systems: tuple[str, ...] = ()
    load: bool = True
    """Also run the short load proof on the local lab."""


def say(line: str) -> None:
    """The demo narrates as it goes (a few lines, in CI too)."""
    print(line, flush=True)


@contextmanager
def _interrupt_on_sigterm() -> Iterator[None]:
    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_demo(options: DemoOptions) -> int:
    systems = options.systems or tuple(names())
    started = time.monotonic()
    root = options.reports / "demo"
    say(f"archproof demo: {', '.join(systems)} — plan JSON and a local AWS control plane (moto)")
    rows: list[FormResult] = []
    caught: list[ViolationResult] = []
    with (
        _interrupt_on_sigterm(),
        moto_server() as server,
        scoped_environment(server.client_env(), unset=("AWS_PROFILE",)),
    ):
        say(f"  local AWS control plane on {server.endpoint}")
        for system in systems:
            estate = build(system)
            say(
                f"  {system}: {len(estate.resources)} resource blocks provisioned,"
                " plan and live checked"
            )
            _, results = check_estate(system, estate, server, root / system)
            rows.extend(results)
            if options.violations:
                for violation in reference(system).violations:
                    result = check_violations(
                        system, estate, violation, server, root / system / "violations"
                    )
                    caught.append(result)
                    say("    " + result.line())
    _print_table(rows, say)
    _print_spec_only(systems, say)
    load = _load_proof(options, root)
    elapsed = time.monotonic() - started
    summary = {
        "systems": list(systems),
        "elapsed_s": round(elapsed, 1),
        "forms": [
            {"system": r.system, "form": r.form, **{str(v): r.count(v) for v in Verdict}}
            for r in rows
        ],
        "violations": [v.as_json() for v in caught],
        "load": None
        if load is None
        else {
            "ran": load.ran,
            "reason": load.reason,
            "reports": str(load.reports) if load.reports else None,
            **{str(v): load.count(v) for v in Verdict},
        },
    }
    root.mkdir(parents=True, exist_ok=True)
    (root / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    broken = [r for r in rows if r.count(Verdict.FAIL) or r.count(Verdict.ERROR)]
    missed = [v for v in caught if not v.caught]
    if options.violations:
        say(f"seeded violations caught: {len(caught) - len(missed)}/{len(caught)}")
    say(
        f"reports: {root}/<system>/ (results.json, junit.xml, checks.html);"
        f" summary: {root / 'summary.json'}"
    )
    if load is not None and load.ran:
        say(f"load proof: {root / 'load'}/ (results.json, timeline.json, chart.svg, locust.html)")
        say(f"game day: {root / 'chaos'}/ (results.json, <experiment>/journal.json)")
    say(f"done in {elapsed:.0f} s")
    return 1 if broken or missed or (load is not None and load.broken) else 0


def _load_proof(options: DemoOptions, root: Path) -> LoadDemoResult | None:
    if not options.load:
        return None
    from archproof.demo.load_proof import run_load_demo

    with _interrupt_on_sigterm():
        return run_load_demo(root / "load", say)


def _print_spec_only(systems: tuple[str, ...], say: Callable[[str], None]) -> None:
    """Specs with no reference estate yet: what they claim, and that nothing proves it here."""
    for path in sorted(POLICIES.glob("*.yaml")):
        system = path.stem
        if system in systems or system.endswith(".waivers"):
            continue
        spec = load_spec(path)
        provable = sum(1 for r in spec.requirements if r.controls)
        pending = sum(1 for r in spec.requirements if r.not_provable)
        say(
            f"{system:18} spec only ({spec.cloud}): {len(spec.requirements)} requirements, "
            f"{provable} with controls, {pending} not yet provable — no reference estate yet"
        )


def _print_table(rows: list[FormResult], say: Callable[[str], None]) -> None:
    say("")
    say(
        f"{'system':18} {'form':5} {'pass':>5} {'fail':>5} {'error':>6} {'inconcl.':>9}"
        f" {'waived':>7}"
    )
    for r in rows:
        say(
            f"{r.system:18} {r.form:5} {r.count(Verdict.PASS):5} {r.count(Verdict.FAIL):5} "
            f"{r.count(Verdict.ERROR):6} {r.count(Verdict.INCONCLUSIVE):9}"
            f" {r.count(Verdict.WAIVED):7}"
        )
        for record in r.records:
            if record.verdict is not Verdict.PASS:
                say(f"    {record.verdict.upper():12} {record.control}: {record.message}")
    say("")
