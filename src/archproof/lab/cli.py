"""``archproof lab …``: start, inspect and stop the local lab; steer its autoscaler.

    archproof lab up [--no-autoscaler] [--apps N] [--foreground]
    archproof lab status [--json]
    archproof lab describe
    archproof lab down
    archproof lab autoscaler on|off
    archproof lab autoscaler policy [--target RPS] [--min N] [--max N] [--scale-out-cooldown S] …

Every command takes ``--lab-dir`` (default ``$ARCHPROOF_LAB_DIR`` or ``./.lab``).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from dataclasses import replace
from pathlib import Path
from types import FrameType

from archproof.errors import EXIT_NOT_COMPLIANT
from archproof.lab.autoscaler import load_policy, save_policy, update_policy
from archproof.lab.layout import LabLayout
from archproof.lab.stack import DEFAULT_TIMEOUT, Lab, LabStatus


def add_lab_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``lab`` and its sub-commands on the main parser's sub-parsers."""
    lab = commands.add_parser(
        "lab",
        help="run a real local HA web tier on loopback (HAProxy, app, Patroni, Redis Sentinel)",
        description=__doc__.split("\n\n")[0],
    )
    sub = lab.add_subparsers(dest="lab_command", required=True)

    def with_dir(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--lab-dir",
            type=Path,
            default=None,
            help="state dir (default: $ARCHPROOF_LAB_DIR or ./.lab)",
        )
        return p

    up = with_dir(sub.add_parser("up", help="start the lab and wait until it is healthy"))
    up.add_argument("--no-autoscaler", action="store_true", help="start the autoscaler disabled")
    up.add_argument("--apps", type=int, default=2, help="initial app instances (default 2)")
    up.add_argument(
        "--foreground", action="store_true", help="keep running until Ctrl-C, then tear down"
    )
    up.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds for all health gates"
    )
    up.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    up.set_defaults(handler=_up)

    status = with_dir(sub.add_parser("status", help="what runs, where, in which role"))
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(handler=_status)

    describe = with_dir(sub.add_parser("describe", help="the lab as an estate (JSON)"))
    describe.set_defaults(handler=_describe)

    down = with_dir(sub.add_parser("down", help="stop everything; no process or port left"))
    down.set_defaults(handler=_down)

    scaler = with_dir(sub.add_parser("autoscaler", help="the lab's emulated autoscaler"))
    scaler_sub = scaler.add_subparsers(dest="autoscaler_command", required=True)
    on = with_dir(scaler_sub.add_parser("on", help="enable scaling decisions"))
    on.set_defaults(handler=_autoscaler_switch, enabled=True)
    off = with_dir(scaler_sub.add_parser("off", help="disable: no decisions, no actions"))
    off.set_defaults(handler=_autoscaler_switch, enabled=False)
    policy = with_dir(scaler_sub.add_parser("policy", help="show or change the policy"))
    policy.add_argument("--target", type=float, help="requests per second per instance")
    policy.add_argument("--min", type=int, help="minimum instances")
    policy.add_argument("--max", type=int, help="maximum instances")
    policy.add_argument("--scale-out-cooldown", type=float, help="seconds")
    policy.add_argument("--scale-in-cooldown", type=float, help="seconds")
    policy.add_argument("--window", type=float, help="seconds of samples for the rate")
    policy.add_argument(
        "--replace-after",
        type=float,
        help="seconds of failed health checks before an instance is replaced (0: never)",
    )
    policy.add_argument("--interval", type=float, help="seconds between evaluations")
    policy.set_defaults(handler=_autoscaler_policy)


def _layout(args: argparse.Namespace) -> LabLayout:
    lab_dir = getattr(args, "lab_dir", None)
    if lab_dir is None:
        return LabLayout()
    return LabLayout(lab_dir=Path(lab_dir).resolve())


def _saved_layout(args: argparse.Namespace) -> LabLayout:
    """The layout ``lab up`` saved (same ports even if run by another user)."""
    return LabLayout.load(_layout(args).lab_dir)


def _say(message: str) -> None:
    print(f"lab: {message}", file=sys.stderr, flush=True)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _up(args: argparse.Namespace) -> int:
    layout = _layout(args)
    lab = Lab(layout, timeout=args.timeout, progress=None if args.quiet else _say)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)  # SIGTERM during up: tear down
    try:
        status = lab.up(autoscaler=not args.no_autoscaler, apps=args.apps)
    finally:
        signal.signal(signal.SIGTERM, previous)
    _print_status(status)
    if not args.foreground:
        return 0
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    _say("running in the foreground; Ctrl-C stops the lab")
    try:
        while not stop.wait(1.0):
            pass
    finally:
        lab.down()
    return 0


def _print_status(status: LabStatus) -> None:
    state = "running" if status.running else "not running"
    print(f"lab {state} in {status.lab_dir}")
    print(f"  entry   {status.entry_url}  (CA {status.ca_file}, name {status.tls_server_name})")
    print(f"  http    {status.http_url} -> 301 https")
    print(f"  stats   {status.stats_url}  runtime API {status.runtime_socket}")
    for c in status.components:
        if not c.running and c.kind == "app":
            continue
        where = c.address + (f" zone {c.zone}" if c.zone else "")
        pid = f"pid {c.pid}" if c.pid else "stopped"
        print(f"  {c.name:<11} {c.kind:<10} {where:<28} {pid:<10} {c.role}")
    if status.autoscaler:
        a = status.autoscaler
        print(
            f"  autoscaler {'enabled' if a.get('enabled') else 'disabled'}: desired "
            f"{a.get('desired')}, in service {a.get('in_service')}, {a.get('rate')} req/s"
        )
    if status.timings:
        print(f"  ready in {status.timings.get('ready', 0):.1f} s")


def _status(args: argparse.Namespace) -> int:
    status = Lab(_saved_layout(args)).status()
    if args.json:
        print(json.dumps(status.as_json(), indent=2))
    else:
        _print_status(status)
    return 0 if status.running else EXIT_NOT_COMPLIANT


def _describe(args: argparse.Namespace) -> int:
    from archproof.lab.describe import describe

    print(json.dumps(describe(_saved_layout(args)), indent=2))
    return 0


def _down(args: argparse.Namespace) -> int:
    Lab(_saved_layout(args), progress=_say).down()
    return 0


def _autoscaler_switch(args: argparse.Namespace) -> int:
    layout = _saved_layout(args)
    policy = save_policy(layout, replace(load_policy(layout), enabled=args.enabled))
    _say(f"autoscaler {'enabled' if policy.enabled else 'disabled'} ({layout.policy_file})")
    return 0


def _autoscaler_policy(args: argparse.Namespace) -> int:
    layout = _saved_layout(args)
    policy = update_policy(
        layout,
        target=args.target,
        min=args.min,
        max=args.max,
        scale_out_cooldown=args.scale_out_cooldown,
        scale_in_cooldown=args.scale_in_cooldown,
        window=args.window,
        interval=args.interval,
        replace_unhealthy_after=args.replace_after,
    )
    print(json.dumps(policy.as_json(), indent=2))
    return 0
