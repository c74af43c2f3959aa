"""``archproof load``: probe the entry point's TLS, drive the load, then let the proof checks
in ``load/`` judge it; reports under ``reports/load/``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from archproof.controls.catalogue import checks_dirs, discover
from archproof.errors import UsageError
from archproof.load.chart import write_chart
from archproof.load.plugin import ProofPlugin, run_proof_checks
from archproof.load.proof import LoadEvidence
from archproof.load.runner import LoadRequest, LoadTarget, check_reachable, run_load
from archproof.load.timeline import Timeline
from archproof.results import write_results
from archproof.run import Run
from archproof.spec.load import load_spec
from archproof.spec.load_profile import LoadProfile, TlsExpectations

PROOFS_DIR = Path(__file__).resolve().parents[3] / "load"


@dataclass(frozen=True)
class LoadProofRequest:
    spec_path: str
    target: LoadTarget
    environment: str | None = None
    reports: Path = Path("reports/load")
    workers: int = 0
    remote_workers: int = 0
    master_bind: str = "127.0.0.1"
    master_port: int = 0
    profile: LoadProfile | None = None
    """Overrides the spec's ``load:`` section (CLI overrides, tests)."""
    quiet: bool = False
    probe_tls: bool = True


@dataclass(frozen=True)
class LoadProofOutcome:
    run: Run
    timeline: Timeline | None
    exit_code: int
    results: dict[str, object]


def probe_tls(
    target: LoadTarget, expected: TlsExpectations
) -> tuple[list[dict[str, object]] | None, str]:
    """The TLS probe's findings for an https entry point, or why there are none."""
    parts = urlsplit(target.url)
    if parts.scheme != "https" or not parts.hostname:
        return None, f"entry point {target.url} is not HTTPS: TLS termination cannot be shown"
    from archproof.tlsprobe.judge import judge_endpoint
    from archproof.tlsprobe.scan import ProbeError, scan_endpoint

    try:
        report = scan_endpoint(
            parts.hostname,
            parts.port or 443,
            server_name=target.server_name,
            ca_file=target.ca_file,
            http_url=target.http_url,
            https_url=target.url,
        )
    except ProbeError as exc:
        return None, str(exc)
    findings = judge_endpoint(
        report,
        minimum_tls=expected.minimum_tls,
        min_days_valid=expected.min_days_valid,
        require_hsts=expected.require_hsts,
        min_hsts_age=expected.min_hsts_age,
        require_redirect=expected.require_redirect,
    )
    return [f.as_json() for f in findings], ""


def spec_profile(spec_path: str) -> LoadProfile:
    """The spec's ``load:`` section (the spec validated as for every command)."""
    return load_spec(spec_path, discover(checks_dirs())).load


def _proof_run(spec_path: str, environment: str | None) -> Run:
    spec = load_spec(spec_path, discover(checks_dirs()))
    try:
        env = spec.pick_environment(environment)
    except KeyError as exc:
        raise UsageError(f"{spec_path}: {exc.args[0]}") from None
    wanted = tuple(
        req.id for req in spec.requirements if any(p.startswith("load/") for p in req.proofs)
    )
    if not wanted:
        raise UsageError(f"{spec_path}: no requirement names a load proof (proofs: [load/…])")
    return Run(
        spec=spec,
        environment=env,
        inventories=[],
        spec_path=spec_path,
        only_requirements=wanted,
        judges=("load",),
    )


def prove_load(request: LoadProofRequest) -> LoadProofOutcome:
    run = _proof_run(request.spec_path, request.environment)
    profile = request.profile or run.spec.load
    check_reachable(request.target.url)
    out = request.reports
    out.mkdir(parents=True, exist_ok=True)
    tls_findings, tls_problem = (
        probe_tls(request.target, profile.tls) if request.probe_tls else (None, "not probed")
    )
    timeline = run_load(
        LoadRequest(
            target=request.target,
            profile=profile,
            out=out,
            workers=request.workers,
            remote_workers=request.remote_workers,
            master_bind=request.master_bind,
            master_port=request.master_port,
        )
    )
    write_chart(timeline, out / "chart.svg")
    evidence = LoadEvidence(
        target=request.target.label,
        profile=profile,
        timeline=timeline,
        tls_findings=tls_findings,
        tls_problem=tls_problem,
    )
    _judge(run, evidence, out, request.quiet)
    results = write_results(run, out / "results.json")
    code = int(str(results["exit_code"]))
    if not request.quiet:
        _print_summary(run, timeline, out, code)
    return LoadProofOutcome(run, timeline, code, results)


def _judge(run: Run, evidence: LoadEvidence, out: Path, quiet: bool) -> None:
    run_proof_checks(PROOFS_DIR, ProofPlugin(run, evidence), out, "load", quiet)


def _print_summary(run: Run, timeline: Timeline, out: Path, code: int) -> None:
    for record in run.records:
        print(
            f"{record.verdict.upper():13} {record.control} [{record.requirement}]: {record.message}"
        )
    verdict = {0: "PROVEN", 1: "NOT PROVEN", 3: "EVIDENCE MISSING"}.get(code, "?")
    totals = timeline.totals
    load = f"{totals.requests} requests, {totals.rps:.0f} req/s" if totals else "no requests"
    print(
        f"archproof load {run.spec.system}: {verdict} — {load}; capacity from {timeline.observer}"
    )
    print(
        f"reports: {out / 'results.json'}, {out / 'timeline.json'}, {out / 'chart.svg'},"
        f" {out / 'locust.html'}, {out / 'junit.xml'}"
    )
