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

from archproof.demo.azure import AZURE_FORMS, libertum_backups
from archproof.demo.clusters import KUBE_FORMS, workload_objects
from archproof.demo.forms import FORMS, POLICIES, FormResult, check_azure_estate, check_estate
from archproof.demo.load_proof import LoadDemoResult
from archproof.demo.violations import (
    ViolationResult,
    check_manifest_violation,
    check_violations,
)
from archproof.envvars import scoped_environment
from archproof.estates import build, names, reference
from archproof.estates.workloads import MANIFEST_VIOLATIONS
from archproof.moto_server import MotoServer, moto_server
from archproof.scanners import ScanRequest
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
    say(
        f"archproof demo: {', '.join(systems)} — plan JSON, Kubernetes manifests, and local"
        " AWS, Azure and Kubernetes control planes"
    )
    rows: list[FormResult] = []
    caught: list[ViolationResult] = []
    with (
        _interrupt_on_sigterm(),
        moto_server() as server,
        scoped_environment(server.client_env(), unset=("AWS_PROFILE",)),
    ):
        say(f"  local AWS control plane on {server.endpoint}")
        for system in systems:
            rows_of, caught_of = _check_system(system, server, root / system, options)
            rows.extend(rows_of)
            caught.extend(caught_of)
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
    _audit_report(root)
    say(f"done in {time.monotonic() - started:.0f} s")
    return 1 if broken or missed or (load is not None and load.broken) else 0


PROWLER_SYSTEM = "bragabot"


def _check_system(
    system: str, server: MotoServer, reports: Path, options: DemoOptions
) -> tuple[list[FormResult], list[ViolationResult]]:
    """One estate in every form it has, then (when asked) each of its seeded violations."""
    chosen = reference(system)
    estate = build(system)
    workloads = workload_objects(system)
    kube = KUBE_FORMS if workloads is not None else ()
    # checkov on every plan and manifest set (cached by input); prowler on one live account
    # (about half a minute per account, so only the first system's)
    live_scan = system == PROWLER_SYSTEM and chosen.cloud == "aws"
    scanners = ScanRequest(checkov=True, prowler=live_scan)
    if chosen.cloud == "azure":
        backups = libertum_backups()
        forms = (*AZURE_FORMS, *kube, "checkov")
        _, rows = check_azure_estate(
            system,
            estate,
            reports,
            forms,
            workloads=workloads,
            backups=backups,
            scanners=scanners,
        )
        where = "plan, local Resource Manager"
    else:
        forms = (*FORMS, *kube, "checkov", *(("prowler",) if live_scan else ()))
        _, rows = check_estate(
            system, estate, server, reports, forms, workloads=workloads, scanners=scanners
        )
        where = "plan, local AWS control plane"
    scanned = "checkov and prowler" if live_scan else "checkov"
    shown = f"{where}{', manifests and a local cluster' if kube else ''}, {scanned}"
    say(f"  {system}: {len(estate.resources)} resource blocks; checked as {shown}")
    caught: list[ViolationResult] = []
    if options.violations:
        for violation in chosen.violations:
            result = check_violations(system, estate, violation, server, reports / "violations")
            caught.append(result)
            say("    " + result.line())
        for manifest_violation in MANIFEST_VIOLATIONS.get(system, ()):
            result = check_manifest_violation(
                system, estate, workloads or [], manifest_violation, server, reports / "violations"
            )
            caught.append(result)
            say("    " + result.line())
    return rows, caught


def _audit_report(root: Path) -> None:
    """One audit report over everything the demo wrote (seeded-violation runs left out),
    compared with the previous demo's snapshot in ``<root>/history``."""
    from archproof.report import write_report

    for line in write_report([root], root, None).lines():
        say(line)


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
        if system in names() or system.endswith(".waivers"):
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
        f"{'system':18} {'form':9} {'pass':>5} {'fail':>5} {'error':>6} {'inconcl.':>9}"
        f" {'waived':>7}"
    )
    for r in rows:
        say(
            f"{r.system:18} {r.form:9} {r.count(Verdict.PASS):5} {r.count(Verdict.FAIL):5} "
            f"{r.count(Verdict.ERROR):6} {r.count(Verdict.INCONCLUSIVE):9}"
            f" {r.count(Verdict.WAIVED):7}"
        )
        for record in r.records:
            if record.verdict is not Verdict.PASS:
                say(f"    {record.verdict.upper():12} {record.control}: {record.message}")
    say("")
