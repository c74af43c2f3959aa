"""The ``archproof chaos`` command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_chaos_parser(commands: Any) -> None:
    chaos = commands.add_parser(
        "chaos",
        help="game day: failover experiments (chaostoolkit) with measured RTO and RPO",
        description="Run the spec's failure proofs as chaostoolkit experiments against the lab"
        " or AWS, measure recovery time and lost writes, and judge them. Nothing is changed"
        " without --allow-chaos; --dry-run shows what would be done. Exit codes as for check.",
    )
    chaos.add_argument(
        "--spec", metavar="FILE", help="the documented system (default for the lab: its own)"
    )
    chaos.add_argument("--env", metavar="NAME")
    where = chaos.add_mutually_exclusive_group()
    where.add_argument("--lab", action="store_true", help="the running lab (default)")
    where.add_argument("--aws", action="store_true", help="an AWS account (chaos/aws-*)")
    where.add_argument(
        "--k8s", action="store_true", help="a Kubernetes cluster via KUBECONFIG (chaos/k8s-*)"
    )
    chaos.add_argument("--lab-dir", type=Path, metavar="DIR")
    chaos.add_argument(
        "--experiment",
        action="append",
        default=[],
        metavar="NAME|FILE",
        help="run only these (e.g. lab-zone-loss); default: all the spec's proofs name",
    )
    chaos.add_argument("--allow-chaos", action="store_true", help="really inject the faults")
    chaos.add_argument("--dry-run", action="store_true", help="show what would be done")
    chaos.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="ID",
        help="an AWS resource id allowed without the archproof:chaos=allowed tag",
    )
    chaos.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="experiment setting, e.g. ARCHPROOF_CHAOS_ASG=web (see docs/chaos.md)",
    )
    chaos.add_argument("--aws-region", metavar="REGION")
    chaos.add_argument("--reports", type=Path, default=Path("reports/chaos"), metavar="DIR")
    chaos.add_argument("-q", "--quiet", action="store_true")
    chaos.set_defaults(handler=run_chaos_command)


def run_chaos_command(args: argparse.Namespace) -> int:
    from archproof.chaos.run import ChaosRequest, run_chaos
    from archproof.errors import UsageError

    if not args.spec:
        if args.aws or args.k8s:
            raise UsageError("--spec is required with --aws or --k8s")
        from archproof.lab.layout import LAB_SPEC

        args.spec = str(LAB_SPEC)
    values: dict[str, str] = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--set {item!r}: expected KEY=VALUE")
        values[key] = value
    if args.target:
        values["ARCHPROOF_CHAOS_EXPLICIT"] = ",".join(args.target)
    request = ChaosRequest(
        spec_path=args.spec,
        variant="aws" if args.aws else "k8s" if args.k8s else "lab",
        experiments=tuple(args.experiment),
        environment=args.env,
        lab_dir=args.lab_dir,
        reports=args.reports,
        allow_chaos=args.allow_chaos,
        dry_run=args.dry_run,
        explicit_targets=tuple(args.target),
        aws_region=args.aws_region,
        environment_values=values,
        quiet=args.quiet,
    )
    code = run_chaos(request).exit_code
    if not args.dry_run:
        from archproof.report.after_run import report_after_run

        report_after_run(args.reports, args.quiet)
    return code
