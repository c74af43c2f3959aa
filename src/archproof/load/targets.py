"""What ``archproof load`` drives and watches: the lab, or a URL with a chosen observer.

Observer specs (``--observe``): ``lab``; ``aws-asg:GROUP`` (``--target-group`` ARN or name,
repeatable); ``k8s:NAMESPACE/DEPLOYMENT`` or ``k8s:NAMESPACE/statefulset/NAME``
(``--kubeconfig``, ``--context``, ``--hpa``); ``none`` (scaling verdicts then say error).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archproof.errors import UsageError
from archproof.lab.layout import LabLayout
from archproof.load.observers.base import Observer
from archproof.load.runner import LoadTarget, TargetUnreachable


@dataclass(frozen=True)
class ObserverOptions:
    target_groups: tuple[str, ...] = ()
    aws_region: str | None = None
    aws_profile: str | None = None
    kubeconfig: str | None = None
    context: str | None = None
    hpa: str | None = None
    lab_dir: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)


def make_observer(spec: str, options: ObserverOptions) -> Observer | None:
    kind, _, rest = spec.partition(":")
    if kind == "none":
        return None
    if kind == "lab":
        from archproof.load.observers.lab import LabObserver

        return LabObserver(_lab_layout(options.lab_dir))
    if kind == "aws-asg" and rest:
        import boto3

        from archproof.load.observers.aws import AutoScalingGroupObserver

        session = boto3.Session(profile_name=options.aws_profile, region_name=options.aws_region)
        return AutoScalingGroupObserver(
            session, rest, target_groups=options.target_groups, region=options.aws_region
        )
    if kind == "k8s" and rest.count("/") in (1, 2):
        from archproof.load.observers.kubernetes import WorkloadKind, from_kubeconfig

        parts = rest.split("/")
        namespace, name = parts[0], parts[-1]
        workload_kind: WorkloadKind = (
            "StatefulSet" if len(parts) == 3 and parts[1].lower() == "statefulset" else "Deployment"
        )
        observer: Observer = from_kubeconfig(
            options.kubeconfig,
            options.context,
            namespace,
            name,
            kind=workload_kind,
            hpa=options.hpa,
        )
        return observer
    raise UsageError(
        f"--observe {spec!r}: expected lab, none, aws-asg:GROUP or k8s:NAMESPACE/DEPLOYMENT"
    )


def _lab_layout(lab_dir: Path | None) -> LabLayout:
    return LabLayout.load(lab_dir or LabLayout().lab_dir)


def lab_target(lab_dir: Path | None = None) -> LoadTarget:
    """The running lab's entry point, its CA, and the lab observer."""
    from archproof.load.observers.lab import LabObserver, autoscaler_decisions

    layout = _lab_layout(lab_dir)
    if not layout.runtime_socket.exists():
        raise TargetUnreachable(
            f"the lab in {layout.lab_dir} is not running — start it with `archproof lab up`"
        )
    return LoadTarget(
        url=layout.entry_url,
        name=f"lab {layout.entry_url}",
        ca_file=layout.ca_file,
        observer=LabObserver(layout),
        events=lambda start, end: autoscaler_decisions(layout, start, end),
        http_url=layout.http_url,
        server_name=layout.tls_server_name,
    )
