"""Running the scanners a check asks for on that check's inputs, and judging what they say.

checkov runs on every plan file (``-f``), every manifest path and every ``--hcl`` folder
(``-d``); prowler on the live AWS account (``--aws``) and the live Kubernetes cluster
(``--k8s``), each limited to the services of the checks the spec maps for it unless services
are given. Scans run in parallel, each under a time limit, and
are cached per input hash (live scans only with a maximum age).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archproof.errors import UsageError
from archproof.run import Run
from archproof.scanners import checkov, prowler
from archproof.scanners.cache import ScanCache, cache_dir, input_key
from archproof.scanners.findings import Finding, ScanInput, ScannerFailure, ScanReport
from archproof.scanners.mapping import judge_scanners
from archproof.scanners.process import run_scanner
from archproof.scanners.tools import ScannerTool, find_tool
from archproof.session import SourceRequest
from archproof.verdict import VerdictRecord

CHECKOV_ENV = {"BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "ERROR"}
LIVE_ENV = ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_DEFAULT_REGION")


@dataclass(frozen=True)
class ScanRequest:
    """Which scanners ``archproof check`` runs (CLI: ``--checkov``, ``--hcl``, ``--prowler``)."""

    checkov: bool = False
    """checkov on the run's plan files and manifests."""
    hcl_dirs: tuple[str, ...] = ()
    """Terraform folders checkov also scans with ``-d`` (implies ``checkov``)."""
    prowler: bool = False
    """prowler on the live AWS account and/or Kubernetes cluster (the ``--aws``/``--k8s``
    sources)."""
    prowler_services: tuple[str, ...] = ()
    """Services prowler scans (AWS ones and kubernetes ones: ``core``, ``rbac`` …); default:
    those of the prowler checks the spec maps."""
    timeout_s: float = 900.0
    """Time limit of one scanner run."""
    use_cache: bool = True
    cache_dir: Path | None = None
    """Default: ``$ARCHPROOF_SCANNER_CACHE`` or ``.archproof-cache/scanners``."""
    live_cache_max_age_s: float | None = None
    """Reuse a prowler scan of the same account scope up to this age (default: never)."""
    checkov_executable: str | None = None
    prowler_executable: str | None = None
    progress: Callable[[str], None] | None = None

    @property
    def wanted(self) -> bool:
        return self.checkov or bool(self.hcl_dirs) or self.prowler


@dataclass(frozen=True)
class ScanOutcome:
    reports: tuple[ScanReport, ...] = ()
    records: tuple[VerdictRecord, ...] = ()
    unmapped: tuple[tuple[ScanReport, Finding], ...] = field(default_factory=tuple)

    def as_json(self) -> list[dict[str, Any]]:
        """The ``scanners`` section of ``results.json``: one entry per scanner run."""
        entries = []
        for report in self.reports:
            failures = [f.as_json() for r, f in self.unmapped if r is report]
            entries.append(
                {
                    "tool": report.input.tool,
                    "version": report.version,
                    "kind": report.input.kind,
                    "input": report.input.target,
                    "source": report.input.source,
                    "ran": report.ran,
                    "failed": not report.ran,
                    "reason": report.failure,
                    "cached": report.cached,
                    "seconds": round(report.seconds, 2),
                    "args": list(report.args),
                    "counts": report.counts(),
                    "verdicts": sum(1 for r in self.records if r.source == report.input.source),
                    "unmapped_failures": failures,
                }
            )
        return entries

    def summary_lines(self) -> list[str]:
        """One line per scanner run, for the terminal."""
        lines = []
        for report in self.reports:
            if not report.ran:
                lines.append(f"scanner {report.input.describe()}: ERROR {report.failure}")
                continue
            counts = "  ".join(f"{k} {v}" for k, v in sorted(report.counts().items()))
            unmapped = sum(1 for r, _ in self.unmapped if r is report)
            cached = ", cached" if report.cached else f", {report.seconds:.1f} s"
            lines.append(
                f"scanner {report.input.describe()} ({report.version}{cached}): {counts};"
                f" {unmapped} failed finding(s) no requirement maps (results.json)"
            )
        return lines


def scan_inputs(run: Run, request: ScanRequest, sources: SourceRequest) -> list[ScanInput]:
    """What each scanner runs on; a request that names nothing to scan is a usage error."""
    inputs: list[ScanInput] = []
    if request.checkov or request.hcl_dirs:
        inputs += [ScanInput("checkov", "plan", p) for p in sources.plans]
        inputs += [ScanInput("checkov", "manifests", m) for m in sources.manifests]
        for folder in request.hcl_dirs:
            if not Path(folder).is_dir():
                raise UsageError(f"--hcl {folder}: not a folder")
            inputs.append(ScanInput("checkov", "hcl", folder))
        if not inputs:
            raise UsageError("--checkov scans --plan, --manifests or --hcl inputs: none given")
    if request.prowler:
        if not sources.aws and not sources.k8s:
            raise UsageError(
                "--prowler scans the live AWS account or Kubernetes cluster: add --aws or --k8s"
            )
        if sources.aws:
            services = _services(run, request, "aws")
            regions = sources.aws_regions or _default_region()
            scope = f"{','.join(regions) or 'all regions'} {','.join(services) or 'all services'}"
            inputs.append(ScanInput("prowler", "aws", scope, services, regions))
        if sources.k8s:
            services = _services(run, request, "k8s")
            cluster = sources.k8s_context or _kubeconfig(sources) or "current context"
            where = ",".join(sources.k8s_namespaces) or "all namespaces"
            scope = f"{cluster} {where} {','.join(services) or 'all services'}"
            inputs.append(ScanInput("prowler", "k8s", scope, services))
    return inputs


def _services(run: Run, request: ScanRequest, provider: str) -> tuple[str, ...]:
    """The services given for ``provider`` (``aws``/``k8s``), else those its mapped checks use."""
    given = tuple(
        s for s in request.prowler_services if (s in prowler.K8S_SERVICES) == (provider == "k8s")
    )
    if given:
        return given
    services = {
        prowler.service_of(c.id)
        for r in run.requirements()
        for c in r.scanners.prowler
        if prowler.provider_of(c.id) == provider
    }
    return tuple(sorted(services))


def _kubeconfig(sources: SourceRequest) -> str | None:
    """The kubeconfig file the live source reads (``--kubeconfig``, else ``$KUBECONFIG``'s)."""
    if sources.kubeconfig:
        return sources.kubeconfig
    first = os.environ.get("KUBECONFIG", "").split(os.pathsep)[0]
    return first or None


def _default_region() -> tuple[str, ...]:
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    return (region,) if region else ()


def scan_for_run(run: Run, request: ScanRequest, sources: SourceRequest) -> ScanOutcome:
    """Run the requested scanners on the run's inputs and judge the mapped checks.

    Never raises for a scanner that could not run: its report carries the reason and every
    check mapped to it becomes an ``error`` verdict. Raises :class:`UsageError` for a request
    that cannot be run as given."""
    if not request.wanted:
        return ScanOutcome()
    inputs = scan_inputs(run, request, sources)
    tools: dict[str, ScannerTool | ScannerFailure] = {}
    for name in sorted({i.tool for i in inputs}):
        executable = request.checkov_executable if name == "checkov" else request.prowler_executable
        try:
            tools[name] = find_tool(name, executable)
        except ScannerFailure as failure:
            tools[name] = failure
    cache = ScanCache(cache_dir(request.cache_dir)) if request.use_cache else None
    with ThreadPoolExecutor(max_workers=max(1, min(4, len(inputs)))) as pool:
        futures = [
            pool.submit(_scan_one, scan, tools[scan.tool], request, sources, cache)
            for scan in inputs
        ]
        reports = tuple(f.result() for f in futures)
    records, unmapped = judge_scanners(run, reports)
    return ScanOutcome(reports, tuple(records), tuple(unmapped))


def _scan_one(
    scan: ScanInput,
    tool: ScannerTool | ScannerFailure,
    request: ScanRequest,
    sources: SourceRequest,
    cache: ScanCache | None,
) -> ScanReport:
    if isinstance(tool, ScannerFailure):
        return ScanReport(scan, failure=tool.reason)
    started = time.monotonic()
    if request.progress:
        request.progress(f"{scan.describe()}")
    try:
        if scan.tool == "checkov":
            args, findings, cached = _checkov(scan, tool, request, cache)
        else:
            args, findings, cached = _prowler(scan, tool, request, sources, cache)
    except ScannerFailure as failure:
        return ScanReport(scan, tool.version, failure=failure.reason, seconds=_since(started))
    except OSError as exc:
        reason = f"cannot read the input: {exc}"
        return ScanReport(scan, tool.version, failure=reason, seconds=_since(started))
    return ScanReport(scan, tool.version, tuple(findings), "", cached, _since(started), tuple(args))


def _since(started: float) -> float:
    return time.monotonic() - started


def _checkov(
    scan: ScanInput, tool: ScannerTool, request: ScanRequest, cache: ScanCache | None
) -> tuple[list[str], list[Finding], bool]:
    if scan.target == "-":
        raise ScannerFailure("checkov", "manifests read from stdin cannot be scanned again")
    path = Path(scan.target)
    args = checkov.checkov_args(scan.kind, path)
    key = input_key(tool.identity, args, [path]) if cache else ""
    if cache and (hit := cache.get("checkov", key)):
        return args, hit[1], True
    argv = [str(tool.executable), *(str(path.resolve()) if a == checkov.INPUT else a for a in args)]
    done = run_scanner(
        "checkov",
        argv,
        timeout_s=request.timeout_s,
        ok_codes=(0,),
        env={**os.environ, **CHECKOV_ENV},
    )
    findings = checkov.parse_checkov(done.stdout, scan)
    if cache:
        cache.put("checkov", key, tool.version, findings)
    return args, findings, False


def _prowler(
    scan: ScanInput,
    tool: ScannerTool,
    request: ScanRequest,
    sources: SourceRequest,
    cache: ScanCache | None,
) -> tuple[list[str], list[Finding], bool]:
    if scan.kind == "k8s":
        given = _kubeconfig(sources)
        kubeconfig = str(Path(given).resolve()) if given else None  # prowler runs elsewhere
        args = prowler.prowler_k8s_args(
            scan.services, kubeconfig, sources.k8s_context, sources.k8s_namespaces
        )
        scope, paths = [], [Path(kubeconfig)] if kubeconfig else []
    else:
        args = prowler.prowler_args(
            scan.services, scan.regions, sources.aws_profile, sources.aws_role_arn
        )
        scope, paths = [f"{k}={os.environ.get(k, '')}" for k in LIVE_ENV], []
    use_cache = cache is not None and request.live_cache_max_age_s is not None
    key = input_key(tool.identity, [*args, *scope], paths) if use_cache else ""
    if cache and use_cache and (hit := cache.get("prowler", key, request.live_cache_max_age_s)):
        return args, hit[1], True
    with tempfile.TemporaryDirectory(prefix="archproof-prowler-") as folder:
        out = Path(folder) / "out"
        argv = [str(tool.executable), *(str(out) if a == prowler.OUTPUT else a for a in args)]
        run_scanner("prowler", argv, timeout_s=request.timeout_s, ok_codes=(0, 3), cwd=Path(folder))
        findings = prowler.read_ocsf(out)
    if cache and use_cache:
        cache.put("prowler", key, tool.version, findings)
    return args, findings, False
