"""Reference Kubernetes workload manifests of the documented systems, and their seeded violations.

The manifests are hand-written YAML under ``examples/<system>/manifests/`` (each file says
which document section it realises). :data:`MANIFEST_PARAMS` holds the control parameters
the documents imply (scope, registries, the one public Service); with them every ``k8s-*``
control passes on the compliant manifests. A :class:`ManifestViolation` is an edit of the
loaded objects that exactly one control catches; :func:`write_manifests` writes an edited
set back as YAML for a check run.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from archproof.errors import UsageError

EXAMPLES: Final = Path(__file__).resolve().parents[3] / "examples"
SYSTEMS: Final = ("bragabot", "video-conference", "libertum")

Objects = list[dict[str, Any]]
Edit = Callable[[Objects], Objects]


def reference_manifests(system: str) -> Path:
    """The folder of the system's reference manifests."""
    if system not in SYSTEMS:
        raise UsageError(f"no reference manifests for {system!r}; known: {', '.join(SYSTEMS)}")
    return EXAMPLES / system / "manifests"


def reference_objects(system: str) -> Objects:
    """The system's manifests as objects, file by file in name order."""
    objects: Objects = []
    for path in sorted(reference_manifests(system).glob("*.yaml")):
        objects.extend(d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d)
    return objects


def write_manifests(objects: Objects, folder: Path) -> Path:
    """Write objects as one multi-document YAML file in ``folder``; returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "manifests.yaml"
    path.write_text(
        yaml.safe_dump_all(objects, sort_keys=False, default_flow_style=False), encoding="utf-8"
    )
    return path


# --- the parameters the documents imply ----------------------------------------------------

_LIBERTUM_CORE = {"workloads": ["libertum/*", "ingress-nginx/*"]}
MANIFEST_PARAMS: Final[dict[str, dict[str, dict[str, Any]]]] = {
    "bragabot": {
        "k8s-service-exposure": {"allowed_public_services": ["bragabot/bragabot-api"]},
        "k8s-image-source": {
            "registries": ["123456789012.dkr.ecr.us-east-1.amazonaws.com/bragabot/*"]
        },
        "k8s-workloads-present": {"required": ["bragabot-api", "bragabot-worker"]},
    },
    "video-conference": {
        "k8s-service-exposure": {"allowed_public_services": ["ingress-nginx/ingress-nginx-*"]},
        "k8s-image-source": {
            "registries": ["docker.io/videoconf/*", "registry.k8s.io/ingress-nginx/*"]
        },
        "k8s-workloads-present": {"required": ["php-app"]},
    },
    "libertum": {
        **{
            c: _LIBERTUM_CORE
            for c in ("k8s-hpa", "k8s-replicas-floor", "k8s-pdb", "k8s-zone-spread")
        },
        "k8s-rolling-update": _LIBERTUM_CORE,
        "k8s-service-exposure": {
            "allowed_public_services": ["ingress-nginx/ingress-nginx-controller"]
        },
        "k8s-image-source": {"registries": ["libertumacr.azurecr.io/*"], "require_digest": True},
        "k8s-workloads-present": {"required": ["prometheus", "grafana", "loki", "promtail"]},
    },
}
NOT_APPLICABLE: Final = {"bragabot": ("k8s-ingress-tls",)}
"""Controls with nothing to judge in a system's manifests (Bragabot ends TLS at the ELB)."""


# --- seeded violations ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ManifestViolation:
    """An edit of a system's manifest objects that exactly ``control`` catches."""

    name: str
    control: str
    description: str
    edit: Edit


def _matches(obj: dict[str, Any], kind: str, namespace: str, name: str) -> bool:
    meta = obj.get("metadata") or {}
    return (
        obj.get("kind") == kind
        and meta.get("name") == name
        and (meta.get("namespace") or "default") == namespace
    )


def _drop(kind: str, namespace: str, name: str) -> Edit:
    def edit(objects: Objects) -> Objects:
        kept = [o for o in objects if not _matches(o, kind, namespace, name)]
        if len(kept) == len(objects):
            raise ValueError(f"no {kind} {namespace}/{name} to drop")
        return copy.deepcopy(kept)

    return edit


def _change(kind: str, namespace: str, name: str, change: Callable[[dict[str, Any]], None]) -> Edit:
    def edit(objects: Objects) -> Objects:
        edited = copy.deepcopy(objects)
        found = [o for o in edited if _matches(o, kind, namespace, name)]
        if not found:
            raise ValueError(f"no {kind} {namespace}/{name} to edit")
        for obj in found:
            change(obj)
        return edited

    return edit


def _add(obj: dict[str, Any]) -> Edit:
    return lambda objects: [*copy.deepcopy(objects), copy.deepcopy(obj)]


def _containers(obj: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from obj["spec"]["template"]["spec"]["containers"]


def _privileged(obj: dict[str, Any]) -> None:
    container = next(_containers(obj))
    # the API refuses privileged together with allowPrivilegeEscalation: false
    container["securityContext"] = {"privileged": True}


def _latest(obj: dict[str, Any]) -> None:
    container = next(_containers(obj))
    reference = str(container["image"]).split("@", 1)[0]
    head, _, last = reference.rpartition("/")
    container["image"] = f"{head}/{last.split(':', 1)[0]}:latest"


def _max_unavailable(obj: dict[str, Any]) -> None:
    obj["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] = 1


def _no_readiness(obj: dict[str, Any]) -> None:
    next(_containers(obj)).pop("readinessProbe")


def _no_memory_limit(obj: dict[str, Any]) -> None:
    next(_containers(obj))["resources"]["limits"].pop("memory")


def _no_spread(obj: dict[str, Any]) -> None:
    pod = obj["spec"]["template"]["spec"]
    pod.pop("topologySpreadConstraints", None)
    pod.pop("affinity", None)


def _no_tls(obj: dict[str, Any]) -> None:
    obj["spec"].pop("tls")


def _public_service(namespace: str, app: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": f"{app}-public", "namespace": namespace},
        "spec": {
            "type": "LoadBalancer",
            "selector": {"app.kubernetes.io/name": app},
            "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
        },
    }


def _workload_violations(namespace: str, app: str) -> tuple[ManifestViolation, ...]:
    on_app = ("Deployment", namespace, app)
    return (
        ManifestViolation(
            "hpa-removed",
            "k8s-hpa",
            f"{app} loses its HorizontalPodAutoscaler.",
            _drop("HorizontalPodAutoscaler", namespace, app),
        ),
        ManifestViolation(
            "pdb-removed",
            "k8s-pdb",
            f"{app} loses its PodDisruptionBudget.",
            _drop("PodDisruptionBudget", namespace, app),
        ),
        ManifestViolation(
            "privileged-container",
            "k8s-no-privileged",
            f"{app}'s first container runs privileged.",
            _change(*on_app, _privileged),
        ),
        ManifestViolation(
            "max-unavailable-one",
            "k8s-rolling-update",
            f"{app}'s rollout may take one serving pod down (maxUnavailable 1).",
            _change(*on_app, _max_unavailable),
        ),
        ManifestViolation(
            "readiness-probe-removed",
            "k8s-probes",
            f"{app}'s first container has no readiness probe.",
            _change(*on_app, _no_readiness),
        ),
        ManifestViolation(
            "memory-limit-removed",
            "k8s-resources",
            f"{app}'s first container has no memory limit.",
            _change(*on_app, _no_memory_limit),
        ),
        ManifestViolation(
            "zone-spread-removed",
            "k8s-zone-spread",
            f"{app}'s pods are no longer spread over zones.",
            _change(*on_app, _no_spread),
        ),
        ManifestViolation(
            "image-latest",
            "k8s-image-source",
            f"{app}'s first container runs the :latest tag.",
            _change(*on_app, _latest),
        ),
        ManifestViolation(
            "service-load-balancer",
            "k8s-service-exposure",
            f"A Service of type LoadBalancer publishes {app} directly.",
            _add(_public_service(namespace, app)),
        ),
        ManifestViolation(
            "default-deny-dropped",
            "k8s-default-deny",
            f"Namespace {namespace} loses its default-deny NetworkPolicy.",
            _drop("NetworkPolicy", namespace, "default-deny"),
        ),
    )


def _no_tls_violation(namespace: str, ingress: str) -> ManifestViolation:
    return ManifestViolation(
        "ingress-tls-removed",
        "k8s-ingress-tls",
        f"Ingress {ingress} serves plain HTTP.",
        _change("Ingress", namespace, ingress, _no_tls),
    )


# Bragabot's document promises neither rolling deploys nor an image registry: its spec does
# not use those two controls, so no violation is seeded for them.
_NOT_CLAIMED: Final = {"bragabot": ("k8s-rolling-update", "k8s-image-source")}

MANIFEST_VIOLATIONS: Final[dict[str, tuple[ManifestViolation, ...]]] = {
    "bragabot": tuple(
        v
        for v in _workload_violations("bragabot", "bragabot-api")
        if v.control not in _NOT_CLAIMED["bragabot"]
    ),
    "video-conference": (
        *_workload_violations("video", "php-app"),
        _no_tls_violation("video", "php-app"),
    ),
    "libertum": (
        *_workload_violations("libertum", "asset-api"),
        _no_tls_violation("libertum", "libertum-api"),
        ManifestViolation(
            "loki-missing",
            "k8s-workloads-present",
            "The Loki log store is not deployed.",
            _drop("StatefulSet", "monitoring", "loki"),
        ),
    ),
}
