"""The ``archproof load`` command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from archproof.errors import UsageError
from archproof.spec.load_profile import LoadProfile

SHAPES = ("ramp", "step", "spike", "soak")


def add_load_parser(commands: Any) -> None:
    load = commands.add_parser(
        "load",
        help="prove autoscaling and the SLO under real load (locust) and the entry point's TLS",
        description="Drive the entry point with locust while observing capacity on the same "
        "clock; judge the spec's load proofs. Exit codes as for check.",
    )
    load.add_argument(
        "--spec", metavar="FILE", help="the documented system (default with --lab: the lab's own)"
    )
    load.add_argument("--env", metavar="NAME")
    where = load.add_mutually_exclusive_group(required=True)
    where.add_argument("--lab", action="store_true", help="load the running lab (archproof lab up)")
    where.add_argument("--url", metavar="URL", help="entry point to load (http or https)")
    load.add_argument("--lab-dir", type=Path, metavar="DIR", help="the lab's state folder")
    load.add_argument(
        "--observe",
        metavar="WHAT",
        help="capacity observer: lab, aws-asg:GROUP, k8s:NAMESPACE/DEPLOYMENT, none"
        " (default: lab with --lab, else none)",
    )
    load.add_argument("--target-group", action="append", default=[], metavar="ARN|NAME")
    load.add_argument("--aws-region", metavar="REGION")
    load.add_argument("--aws-profile", metavar="NAME")
    load.add_argument("--kubeconfig", metavar="FILE")
    load.add_argument("--context", metavar="NAME")
    load.add_argument("--hpa", metavar="NAME", help="HPA name (default: the one targeting it)")
    load.add_argument("--ca-file", type=Path, metavar="PEM", help="CA that signs the entry point")
    load.add_argument("--http-url", metavar="URL", help="plain-HTTP entry that must redirect")
    load.add_argument("--server-name", metavar="NAME", help="TLS server name (SNI)")
    load.add_argument("--no-tls-probe", action="store_true")
    load.add_argument(
        "--workers", type=int, default=0, metavar="N", help="locust master + N local workers"
    )
    load.add_argument(
        "--remote-workers",
        type=int,
        default=0,
        metavar="N",
        help="also wait for N workers started on other machines (see docs/load.md)",
    )
    load.add_argument(
        "--master-bind", default="127.0.0.1", metavar="HOST", help="locust master address"
    )
    load.add_argument("--master-port", type=int, default=0, metavar="PORT")
    load.add_argument("--shape", choices=SHAPES, help="override the spec's load shape")
    load.add_argument("--users", type=int, metavar="N", help="override peak users")
    load.add_argument("--duration", type=int, metavar="SECONDS", help="override the duration")
    load.add_argument("--reports", type=Path, default=Path("reports/load"), metavar="DIR")
    load.add_argument("-q", "--quiet", action="store_true")
    load.set_defaults(handler=run_load_command)


def _profile(base: LoadProfile, args: argparse.Namespace) -> LoadProfile:
    shape: dict[str, Any] = {}
    if args.shape:
        shape["kind"] = args.shape
    if args.users is not None:
        if args.users < 1:
            raise UsageError("--users must be at least 1")
        shape["users"] = args.users
    if args.duration is not None:
        if args.duration < 5:
            raise UsageError("--duration must be at least 5 seconds")
        shape["duration_s"] = args.duration
        shape["ramp_s"] = min(base.shape.ramp_s, args.duration)
    if not shape:
        return base
    merged = base.shape.model_copy(update=shape)
    return base.model_copy(update={"shape": type(base.shape).model_validate(merged.model_dump())})


def run_load_command(args: argparse.Namespace) -> int:
    from archproof.load.prove import LoadProofRequest, prove_load, spec_profile
    from archproof.load.runner import LoadTarget
    from archproof.load.targets import ObserverOptions, lab_target, make_observer

    if not args.spec:
        if not args.lab:
            raise UsageError("--spec is required (it may be left out only with --lab)")
        from archproof.lab.layout import LAB_SPEC

        args.spec = str(LAB_SPEC)
    if args.workers < 0 or args.remote_workers < 0:
        raise UsageError("--workers and --remote-workers must be 0 or more")
    if args.remote_workers and not args.master_port:
        raise UsageError("--remote-workers needs a fixed --master-port for them to connect to")
    options = ObserverOptions(
        target_groups=tuple(args.target_group),
        aws_region=args.aws_region,
        aws_profile=args.aws_profile,
        kubeconfig=args.kubeconfig,
        context=args.context,
        hpa=args.hpa,
        lab_dir=args.lab_dir,
    )
    if args.lab:
        target = lab_target(args.lab_dir)
        if args.observe and args.observe != "lab":
            target = LoadTarget(
                url=target.url,
                name=target.name,
                ca_file=target.ca_file,
                observer=make_observer(args.observe, options),
                http_url=target.http_url,
                server_name=target.server_name,
            )
    else:
        target = LoadTarget(
            url=args.url,
            ca_file=args.ca_file,
            observer=make_observer(args.observe or "none", options),
            http_url=args.http_url,
            server_name=args.server_name,
        )
    profile = _profile(spec_profile(args.spec), args)
    outcome = prove_load(
        LoadProofRequest(
            spec_path=args.spec,
            environment=args.env,
            target=target,
            reports=args.reports,
            workers=args.workers,
            remote_workers=args.remote_workers,
            master_bind=args.master_bind,
            master_port=args.master_port,
            profile=profile,
            quiet=args.quiet,
            probe_tls=not args.no_tls_probe,
        )
    )
    from archproof.report.after_run import report_after_run

    report_after_run(args.reports, args.quiet)
    return outcome.exit_code
