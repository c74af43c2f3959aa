"""archproof beside the scanners it folds in, on the same reference estates, in one run.

1. plan: archproof's plan checks (the estate's plan JSON against its spec, scanners off) vs
   checkov on the same plan JSON (its CLI, no cache): wall time each, ratio checkov/archproof,
   for the four AWS estates and libertum's azurerm plan, and in total.
2. live: archproof's live AWS checks (collect + judge, the estate provisioned into a local
   moto server) vs prowler on the same account and region, both limited to the same fixed
   services (every service archproof collects; prowler knows them all): wall time and ratio,
   for bragabot (``--all``: the four AWS estates).
3. coverage: of the five demo specs' documented requirements, how many each tool alone can
   prove (checkov/prowler: the spec maps at least one of its checks to the requirement;
   archproof: the requirement has controls or proofs), and the ratios.

archproof is timed two ways: ``run_check`` in this process (imports warm: one untimed
warm-up run first) and ``archproof check`` as a fresh process (like each scanner's CLI, so
both pay their interpreter start-up). Ratios are given against both.

Expected wall time on 2 cores: about 1.5 minutes by default (plan ~45 s, live ~45 s of
which prowler ~35 s); ``--all`` about 5 minutes. Nothing reaches the internet.
Run: .venv/bin/python bench/compare_scanners.py [--all]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TypeVar

import boto3

from archproof.check import CheckRequest, run_check
from archproof.demo.forms import spec_path
from archproof.envvars import scoped_environment
from archproof.estates import build, names, plan_document, provision
from archproof.moto_server import moto_server
from archproof.scanners import ScanInput, checkov, find_tool, prowler
from archproof.scanners.process import run_scanner
from archproof.scanners.scan import CHECKOV_ENV
from archproof.session import SourceRequest
from archproof.spec.load import load_spec
from archproof.spec.model import Spec

T = TypeVar("T")
SCANNER_TIMEOUT_S = 600.0
LIVE_DEFAULT = ("bragabot",)
# fmt: off
ARCHPROOF_SERVICES = (
    "acm", "autoscaling", "backup", "cloudfront", "cloudtrail", "cloudwatch", "dynamodb", "ec2",
    "eks", "elasticache", "elbv2", "iam", "kms", "lambda", "rds", "redshift", "s3",
    "secretsmanager", "sns", "sqs", "ssm", "wafv2",
)
# fmt: on
"""The live services both read: all archproof collects (prowler has each of them)."""
PROWLER_NAME = {"lambda": "awslambda"}
PROWLER_SERVICES = tuple(PROWLER_NAME.get(s, s) for s in ARCHPROOF_SERVICES)


@dataclass(frozen=True)
class Row:
    estate: str
    ours_s: float
    ours_cli_s: float
    theirs_s: float
    ours_count: int
    theirs_count: int


def timed(action: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def machine_facts() -> list[str]:
    try:
        ours = metadata.version("archproof")
    except metadata.PackageNotFoundError:
        ours = "unknown"
    tools = {name: find_tool(name) for name in ("checkov", "prowler")}
    return [
        f"machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()}"
        f" {platform.release()}, Python {platform.python_version()}",
        f"archproof {ours}; checkov {tools['checkov'].version}; prowler {tools['prowler'].version}"
        " (each scanner in its own venv, run as its CLI)",
    ]


def archproof_cli(args: Sequence[str]) -> float:
    """Wall time of ``archproof check ARGS`` in a fresh process. Exit 0, 1 or 3 (compliant,
    not, evidence missing) with a results.json written means it judged; else it is an error."""
    executable = Path(sys.executable).parent / "archproof"
    start = time.perf_counter()
    done = subprocess.run(
        [str(executable), "check", *args, "--no-report", "-q"],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    reports = Path(args[list(args).index("--reports") + 1])
    if done.returncode not in (0, 1, 3) or not (reports / "results.json").is_file():
        raise RuntimeError(f"archproof check exit {done.returncode}: {done.stderr[-400:]}")
    return seconds


def checkov_plan(plan: Path) -> tuple[float, int]:
    """Wall time of checkov on a plan JSON (its CLI, no cache) and how many findings it gave."""
    tool = find_tool("checkov")
    args = checkov.checkov_args("plan", plan)
    argv = [str(tool.executable), *(str(plan) if a == checkov.INPUT else a for a in args)]
    start = time.perf_counter()
    done = run_scanner(
        "checkov",
        argv,
        timeout_s=SCANNER_TIMEOUT_S,
        ok_codes=(0,),
        env={**os.environ, **CHECKOV_ENV},
    )
    seconds = time.perf_counter() - start
    findings = checkov.parse_checkov(done.stdout, ScanInput("checkov", "plan", str(plan)))
    return seconds, len(findings)


def checkov_command() -> str:
    args = checkov.checkov_args("plan", Path("plan.json"))
    return "checkov " + " ".join("plan.json" if a == checkov.INPUT else a for a in args)


def prowler_live(services: Sequence[str], region: str) -> tuple[float, int]:
    """Wall time of prowler on the account the environment names (its CLI, no cache), and
    how many findings it wrote."""
    tool = find_tool("prowler")
    args = prowler.prowler_args(services, (region,))
    with tempfile.TemporaryDirectory(prefix="bench-prowler-") as folder:
        out = Path(folder) / "out"
        argv = [str(tool.executable), *(str(out) if a == prowler.OUTPUT else a for a in args)]
        start = time.perf_counter()
        run_scanner("prowler", argv, timeout_s=SCANNER_TIMEOUT_S, ok_codes=(0, 3), cwd=Path(folder))
        seconds = time.perf_counter() - start
        findings = prowler.read_ocsf(out)
    return seconds, len(findings)


@dataclass(frozen=True)
class Coverage:
    """Of a spec's documented requirements, how many each tool alone can prove."""

    system: str
    requirements: int
    archproof: int
    checkov: int
    prowler: int
    scanners: int
    """checkov or prowler."""
    any_tool: int


def coverage(spec: Spec) -> Coverage:
    reqs = spec.requirements
    ours = [bool(r.controls or r.proofs) for r in reqs]
    by_checkov = [bool(r.scanners.checkov) for r in reqs]
    by_prowler = [bool(r.scanners.prowler) for r in reqs]
    either = [c or p for c, p in zip(by_checkov, by_prowler, strict=True)]
    return Coverage(
        system=spec.system,
        requirements=len(reqs),
        archproof=sum(ours),
        checkov=sum(by_checkov),
        prowler=sum(by_prowler),
        scanners=sum(either),
        any_tool=sum(o or e for o, e in zip(ours, either, strict=True)),
    )


def ratio(numerator: float, denominator: float) -> str:
    if denominator == 0:
        return "n/a" if numerator == 0 else "inf"
    return f"{numerator / denominator:.2f}x"


def say(line: str = "") -> None:
    print(line, flush=True)


def write_plan(estate: str, folder: Path) -> Path:
    plan = folder / f"{estate}.plan.json"
    plan.write_text(json.dumps(plan_document(build(estate)), indent=1, sort_keys=True) + "\n")
    return plan


def archproof_plan(estate: str, plan: Path, reports: Path) -> tuple[float, int]:
    request = CheckRequest(
        spec_path=str(spec_path(estate)),
        sources=SourceRequest(plans=(str(plan),)),
        reports=reports,
        quiet=True,
    )
    seconds, outcome = timed(lambda: run_check(request))
    return seconds, len(outcome.run.records)


def plan_rows(estates: list[str], folder: Path) -> list[Row]:
    plans = {e: write_plan(e, folder) for e in estates}
    archproof_plan(estates[0], plans[estates[0]], folder / "warm-up")  # imports, not timed
    rows = []
    for estate in estates:
        ours_s, ours_n = archproof_plan(estate, plans[estate], folder / estate / "inproc")
        cli_args = ["--spec", str(spec_path(estate)), "--plan", str(plans[estate])]
        cli_s = archproof_cli([*cli_args, "--reports", str(folder / estate / "cli")])
        theirs_s, theirs_n = checkov_plan(plans[estate])
        rows.append(Row(estate, ours_s, cli_s, theirs_s, ours_n, theirs_n))
        say(_row_line(rows[-1], "checkov"))
    return rows


def archproof_live(estate: str, region: str, reports: Path) -> tuple[float, int]:
    sources = SourceRequest(aws=True, aws_regions=(region,), aws_services=ARCHPROOF_SERVICES)
    request = CheckRequest(
        spec_path=str(spec_path(estate)), sources=sources, reports=reports, quiet=True
    )
    seconds, outcome = timed(lambda: run_check(request))
    return seconds, len(outcome.run.records)


def live_rows(estates: tuple[str, ...], folder: Path) -> list[Row]:
    rows = []
    with (
        moto_server() as server,
        scoped_environment(server.client_env(), unset=("AWS_PROFILE",)),
    ):
        for estate in estates:
            built = build(estate)
            server.reset()
            provision(built, boto3.Session(region_name=built.region))
            where = folder / f"live-{estate}"
            ours_s, ours_n = archproof_live(estate, built.region, where / "inproc")
            cli_s = archproof_cli(
                [
                    *("--spec", str(spec_path(estate)), "--aws", "--aws-region", built.region),
                    *(a for s in ARCHPROOF_SERVICES for a in ("--aws-service", s)),
                    *("--reports", str(where / "cli")),
                ]
            )
            theirs_s, theirs_n = prowler_live(PROWLER_SERVICES, built.region)
            rows.append(Row(estate, ours_s, cli_s, theirs_s, ours_n, theirs_n))
            say(_row_line(rows[-1], "prowler"))
    return rows


def _row_line(row: Row, tool: str) -> str:
    return (
        f"  {row.estate:17} archproof {row.ours_s:6.2f} s in-process, {row.ours_cli_s:6.2f} s CLI"
        f" ({row.ours_count:4} verdicts) | {tool} {row.theirs_s:6.2f} s"
        f" ({row.theirs_count:4} findings) | {tool}/archproof"
        f" {ratio(row.theirs_s, row.ours_s):>7} in-process,"
        f" {ratio(row.theirs_s, row.ours_cli_s):>6} CLI"
    )


def _total(rows: list[Row], tool: str) -> None:
    ours = sum(r.ours_s for r in rows)
    cli = sum(r.ours_cli_s for r in rows)
    theirs = sum(r.theirs_s for r in rows)
    say(
        f"  {'TOTAL':17} archproof {ours:6.2f} s in-process, {cli:6.2f} s CLI"
        f"                 | {tool} {theirs:6.2f} s                 | {tool}/archproof"
        f" {ratio(theirs, ours):>7} in-process, {ratio(theirs, cli):>6} CLI"
    )


def coverage_table(systems: list[str]) -> None:
    say(
        f"  {'system':17} {'reqs':>5} {'archproof':>10} {'checkov':>8} {'prowler':>8}"
        f" {'ckv|prw':>8} {'any tool':>9}"
    )
    rows = [coverage(load_spec(spec_path(s))) for s in systems]
    for c in rows:
        say(
            f"  {c.system:17} {c.requirements:5} {c.archproof:10} {c.checkov:8} {c.prowler:8}"
            f" {c.scanners:8} {c.any_tool:9}"
        )
    total = {
        k: sum(getattr(c, k) for c in rows)
        for k in ("requirements", "archproof", "checkov", "prowler", "scanners", "any_tool")
    }
    say(
        f"  {'TOTAL':17} {total['requirements']:5} {total['archproof']:10} {total['checkov']:8}"
        f" {total['prowler']:8} {total['scanners']:8} {total['any_tool']:9}"
    )
    reqs = total["requirements"]
    for tool in ("archproof", "checkov", "prowler", "scanners"):
        shown = "checkov or prowler" if tool == "scanners" else tool
        say(f"  {shown + ' alone proves':31} {total[tool]:3}/{reqs} = {total[tool] / reqs:6.1%}")
    say(
        f"  ratio archproof/checkov {ratio(total['archproof'], total['checkov'])},"
        f" archproof/prowler {ratio(total['archproof'], total['prowler'])},"
        f" archproof/(checkov or prowler) {ratio(total['archproof'], total['scanners'])}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="live: every AWS estate")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    for line in machine_facts():
        say(line)
    estates = [*names("aws"), *names("azure")]
    live = tuple(names("aws")) if args.all else LIVE_DEFAULT
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        folder = Path(tmp)
        say(f"\n1. PLAN: archproof plan checks vs `{checkov_command()}` (no cache)")
        _total(plan_rows(estates, folder), "checkov")
        say(
            f"\n2. LIVE (moto): archproof collect + judge vs prowler, services:"
            f" {' '.join(PROWLER_SERVICES)}"
        )
        _total(live_rows(live, folder), "prowler")
    say("\n3. COVERAGE: documented requirements each tool alone can prove (demo specs)")
    coverage_table(estates)
    say(f"\nbench wall time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
