"""The ``archproof`` command line. Exit codes: 0 compliant, 1 not compliant, 2 bad input,
3 evidence missing or undecided."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from archproof.errors import EXIT_BAD_INPUT, ArchproofError

Handler = Callable[[argparse.Namespace], int]


def progress_printer(quiet: bool) -> Callable[[str], None] | None:
    """Progress lines on a terminal; silence in CI or when piped."""
    if quiet or os.environ.get("CI") or not sys.stderr.isatty():
        return None

    def show(line: str) -> None:
        print(f"  … {line}", file=sys.stderr, flush=True)

    return show


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _add_source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plan",
        action="append",
        default=[],
        metavar="FILE",
        help="Terraform plan JSON (terraform show -json); repeatable",
    )
    parser.add_argument(
        "--tf-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="the Terraform configuration a --plan was made from (one per plan, in order),"
        " to resolve what locals hold; default: the plan's own folder when it holds it",
    )
    parser.add_argument("--aws", action="store_true", help="collect the live AWS account")
    parser.add_argument("--aws-region", action="append", default=[], metavar="REGION")
    parser.add_argument("--aws-profile", metavar="NAME")
    parser.add_argument("--aws-role-arn", metavar="ARN", help="assume this role to read")
    parser.add_argument(
        "--aws-service",
        action="append",
        default=[],
        metavar="SERVICE",
        help="collect only these services (ec2, elbv2, rds, …)",
    )
    parser.add_argument(
        "--manifests",
        action="append",
        default=[],
        metavar="PATH",
        help="Kubernetes manifests: a YAML file, a folder, or - for stdin"
        " (helm template … | archproof check --manifests -); repeatable",
    )
    parser.add_argument(
        "--manifest-namespace",
        default="default",
        metavar="NS",
        help="namespace of manifest objects that name none (as kubectl apply -n)",
    )
    parser.add_argument("--k8s", action="store_true", help="collect a live Kubernetes cluster")
    parser.add_argument("--kubeconfig", metavar="FILE", help="kubeconfig (default: KUBECONFIG)")
    parser.add_argument("--k8s-context", metavar="NAME", help="kubeconfig context")
    parser.add_argument(
        "--k8s-namespace",
        action="append",
        default=[],
        metavar="NS",
        help="read only these namespaces (default: all)",
    )
    parser.add_argument(
        "--azure",
        action="store_true",
        help="collect live Azure (default credential chain, read-only)",
    )
    parser.add_argument(
        "--azure-subscription",
        action="append",
        default=[],
        metavar="ID",
        help="subscription to read (default: AZURE_SUBSCRIPTION_ID); repeatable",
    )
    parser.add_argument(
        "--azure-endpoint",
        metavar="URL",
        help="Resource Manager endpoint (sovereign clouds; default: public Azure)",
    )
    parser.add_argument("--azure-resource-group", action="append", default=[], metavar="NAME")
    parser.add_argument(
        "--azure-backup-container",
        action="append",
        default=[],
        metavar="ACCOUNT/CONTAINER",
        help="storage container whose backup blobs are listed (for backup freshness)",
    )
    parser.add_argument(
        "--azure-blob-endpoint",
        metavar="TEMPLATE",
        help="Blob service URL of an account, with {account} (default: the account's own)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archproof",
        description="Prove an infrastructure is the architecture its documents describe.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="check a plan and/or a live account against a spec")
    check.add_argument("--spec", required=True, metavar="FILE")
    _add_source_options(check)
    check.add_argument(
        "--checkov",
        action="store_true",
        help="also run checkov on the --plan files and --manifests",
    )
    check.add_argument(
        "--hcl",
        action="append",
        default=[],
        metavar="DIR",
        help="Terraform folder checkov scans (-d); implies --checkov; repeatable",
    )
    check.add_argument(
        "--prowler",
        action="store_true",
        help="also run prowler on the live AWS account (--aws) and/or cluster (--k8s)",
    )
    check.add_argument(
        "--prowler-service",
        action="append",
        default=[],
        metavar="SERVICE",
        help="services prowler scans (default: those of the checks the spec maps)",
    )
    check.add_argument(
        "--scanner-timeout",
        type=float,
        default=900.0,
        metavar="S",
        help="time limit of one scanner run",
    )
    check.add_argument(
        "--no-scanner-cache",
        action="store_true",
        help="rerun the scanners even when their input is unchanged",
    )
    check.add_argument("--env", metavar="NAME", help="spec environment")
    check.add_argument(
        "--control",
        action="append",
        default=[],
        metavar="ID",
        help="run only these controls (glob)",
    )
    check.add_argument(
        "--requirement",
        action="append",
        default=[],
        metavar="ID",
        help="run only these requirements (glob)",
    )
    check.add_argument(
        "--checks",
        action="append",
        default=[],
        metavar="DIR",
        help="more control files (test_*.py) besides the built-in checks/",
    )
    check.add_argument("--reports", default="reports", metavar="DIR")
    check.add_argument(
        "--group-above",
        type=int,
        default=500,
        metavar="N",
        help="a control with more than N subjects runs as one test per requirement"
        " and source (results.json stays per resource); -1: never",
    )
    check.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="date for waiver expiry")
    check.add_argument(
        "--require-all",
        action="store_true",
        help="audit runs: a requirement the given sources cannot judge is missing evidence"
        " (exit 3), not merely listed as not judged",
    )
    check.add_argument(
        "--no-report", action="store_true", help="do not write the audit report (audit.html)"
    )
    check.add_argument("-q", "--quiet", action="store_true")
    check.set_defaults(handler=_check)

    spec = commands.add_parser("spec", help="validate a spec or export its JSON Schema")
    spec_commands = spec.add_subparsers(dest="spec_command", required=True)
    validate = spec_commands.add_parser("validate", help="validate spec files")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.add_argument("--checks", action="append", default=[], metavar="DIR")
    validate.set_defaults(handler=_spec_validate)
    schema = spec_commands.add_parser("schema", help="print the spec JSON Schema")
    schema.add_argument("-o", "--output", metavar="FILE")
    schema.set_defaults(handler=_spec_schema)

    controls = commands.add_parser("controls", help="list the controls and their parameters")
    controls.add_argument("--checks", action="append", default=[], metavar="DIR")
    controls.add_argument("--json", action="store_true")
    controls.set_defaults(handler=_controls)

    from archproof.chaos.cli import add_chaos_parser
    from archproof.lab.cli import add_lab_parser
    from archproof.load.cli import add_load_parser
    from archproof.report.cli import add_report_parser

    add_load_parser(commands)
    add_chaos_parser(commands)
    add_lab_parser(commands)
    add_report_parser(commands)

    demo = commands.add_parser("demo", help="run archproof on the embedded reference estates")
    demo.add_argument(
        "--violations", action="store_true", help="also show seeded violations caught"
    )
    demo.add_argument(
        "--no-load", action="store_true", help="skip the short load proof on the local lab"
    )
    demo.add_argument("--reports", default="reports", metavar="DIR")
    demo.set_defaults(handler=_demo)
    return parser


def _check(args: argparse.Namespace) -> int:
    from archproof.check import CheckRequest, run_check
    from archproof.session import SourceRequest

    sources = SourceRequest(
        plans=tuple(args.plan),
        tf_dirs=tuple(args.tf_dir),
        aws=args.aws,
        aws_regions=tuple(args.aws_region),
        aws_profile=args.aws_profile,
        aws_role_arn=args.aws_role_arn,
        aws_services=tuple(args.aws_service),
        manifests=tuple(args.manifests),
        manifest_namespace=args.manifest_namespace,
        k8s=args.k8s,
        kubeconfig=args.kubeconfig,
        k8s_context=args.k8s_context,
        k8s_namespaces=tuple(args.k8s_namespace),
        azure=args.azure,
        azure_subscriptions=tuple(args.azure_subscription),
        azure_endpoint=args.azure_endpoint,
        azure_resource_groups=tuple(args.azure_resource_group),
        azure_backup_containers=tuple(args.azure_backup_container),
        azure_blob_endpoint=args.azure_blob_endpoint,
        progress=progress_printer(args.quiet),
    )
    from archproof.scanners import ScanRequest

    scanners = ScanRequest(
        checkov=args.checkov,
        hcl_dirs=tuple(args.hcl),
        prowler=args.prowler,
        prowler_services=tuple(args.prowler_service),
        timeout_s=args.scanner_timeout,
        use_cache=not args.no_scanner_cache,
        progress=progress_printer(args.quiet),
    )
    request = CheckRequest(
        scanners=scanners,
        spec_path=args.spec,
        environment=args.env,
        sources=sources,
        only_controls=tuple(args.control),
        only_requirements=tuple(args.requirement),
        extra_checks=list(args.checks),
        reports=Path(args.reports),
        today=args.today,
        quiet=args.quiet,
        group_above=args.group_above,
        require_all=args.require_all,
    )
    code = run_check(request).exit_code
    if not args.no_report:
        from archproof.report.after_run import report_after_run

        report_after_run(Path(args.reports), args.quiet)
    return code


def _spec_validate(args: argparse.Namespace) -> int:
    from archproof.controls.catalogue import checks_dirs, discover
    from archproof.spec.load import load_spec

    catalogue = discover(checks_dirs(args.checks))
    for file in args.files:
        spec = load_spec(file, catalogue)
        controls = {use.id for req in spec.requirements for use in req.controls}
        print(
            f"{file}: valid — {spec.system}, {len(spec.requirements)} requirements, "
            f"{len(controls)} controls, {len(spec.waivers)} waivers"
        )
    return 0


def _spec_schema(args: argparse.Namespace) -> int:
    from archproof.spec.model import Spec

    text = json.dumps(Spec.model_json_schema(), indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _controls(args: argparse.Namespace) -> int:
    from archproof.controls.catalogue import checks_dirs, discover

    catalogue = discover(checks_dirs(args.checks))
    if args.json:
        rows = [
            {
                "id": c.id,
                "title": c.title,
                "kinds": list(c.kinds),
                "params": dict(c.params),
                "severity": c.severity,
                "sources": list(c.sources),
                "frameworks": dict(c.frameworks),
            }
            for c in sorted(catalogue.values(), key=lambda c: c.id)
        ]
        print(json.dumps(rows, indent=2, default=str))
        return 0
    for info in sorted(catalogue.values(), key=lambda c: c.id):
        params = ", ".join(f"{k}={v!r}" for k, v in info.params.items())
        print(f"{info.id:38} {info.title}" + (f"  [{params}]" if params else ""))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from archproof.demo import DemoOptions, run_demo

    return run_demo(
        DemoOptions(reports=Path(args.reports), violations=args.violations, load=not args.no_load)
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except ArchproofError as exc:
        print(f"archproof: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("archproof: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
