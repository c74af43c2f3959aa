"""The local Kubernetes API server as a command: serve manifests until interrupted."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from archproof.emulators.kube_api import kube_api_server, nodes_for_zones


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m archproof.emulators.kube_api_main MANIFESTS… --kubeconfig PATH``: serve until
    interrupted (the objects of the manifests, plus nodes in ``--zones``)."""
    import argparse
    import signal
    import sys

    from archproof.errors import ArchproofError
    from archproof.sources.kubernetes.manifests import (
        STDIN,
        manifest_files,
        parse_documents,
        read_text,
    )

    parser = argparse.ArgumentParser(prog="python -m archproof.emulators.kube_api_main")
    parser.add_argument("manifests", nargs="+", help="files, directories or - for stdin")
    parser.add_argument("--kubeconfig", required=True, type=Path, help="kubeconfig to write")
    parser.add_argument("--context", default="archproof-local")
    parser.add_argument("--zones", default="zone-a,zone-b,zone-c", help="comma-separated")
    parser.add_argument("--nodes-per-zone", type=int, default=1)
    parser.add_argument("--forbid", action="append", default=[], help="resource answered 403")
    parser.add_argument(
        "--no-pods",
        dest="pods",
        action="store_false",
        help="serve no Pods/ReplicaSets made from the workloads' pod templates",
    )
    args = parser.parse_args(argv)
    try:
        objects = [
            document.obj
            for name in manifest_files(args.manifests)
            for document in parse_documents(read_text(name), "<stdin>" if name == STDIN else name)
        ]
    except ArchproofError as exc:
        print(f"archproof: {exc}", file=sys.stderr)
        return exc.exit_code
    zones = [z.strip() for z in args.zones.split(",") if z.strip()]
    objects += nodes_for_zones(zones, args.nodes_per_zone)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with kube_api_server(objects, forbidden=args.forbid, pods=args.pods) as server:
        server.write_kubeconfig(args.kubeconfig, context=args.context)
        print(f"serving {len(objects)} objects at {server.url}", flush=True)
        print(f"export KUBECONFIG={args.kubeconfig}", flush=True)
        with suppress(KeyboardInterrupt):
            stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
