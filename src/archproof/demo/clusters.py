"""The Kubernetes forms of a reference estate: its workload manifests as files, and the same
objects served by a local Kubernetes API server (with nodes in the estate's zones) as a cluster."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from archproof.emulators.kube_api import kube_api_server, nodes_for_zones
from archproof.estates.workloads import reference_objects, write_manifests

KUBE_FORMS = ("manifests", "k8s")
Objects = list[dict[str, Any]]


def workload_objects(system: str) -> Objects | None:
    """The system's reference manifests as objects, or None when it has none."""
    from archproof.estates.workloads import SYSTEMS

    return reference_objects(system) if system in SYSTEMS else None


@contextmanager
def kubernetes_sources(
    objects: Objects | None, reports: Path, zones: Sequence[str], forms: Sequence[str]
) -> Iterator[dict[str, Any]]:
    """``SourceRequest`` fields for the manifests and live-cluster forms (empty without objects).

    The manifests are written under ``reports`` (what the check reads, for the reader to see);
    the cluster serves the same objects until the context ends.
    """
    fields: dict[str, Any] = {}
    if objects is None:
        yield fields
        return
    if "manifests" in forms:
        fields["manifests"] = (str(write_manifests(objects, reports / "manifests")),)
    if "k8s" not in forms:
        yield fields
        return
    with kube_api_server([*objects, *nodes_for_zones(zones, 1)]) as cluster:
        kubeconfig = cluster.write_kubeconfig(reports / "kubeconfig")
        yield {**fields, "k8s": True, "kubeconfig": str(kubeconfig)}
