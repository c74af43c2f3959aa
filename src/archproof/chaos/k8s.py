"""Kubernetes variants of the failure proofs: guard rails, probes and actions.

Safety: a deployment may only be disrupted when it carries the label or annotation
``archproof.io/chaos: allowed`` or is named explicitly (``namespace/name`` or ``name``).
The runner calls ``k8s_targets`` + ``check_k8s_opt_in`` before running anything; the
experiments repeat the check first in their steady-state hypothesis (``target_opted_in``)
and once more right before the fault (``record_fault``), so a plain ``chaos run`` is
guarded too.

The faults themselves are chaostoolkit-kubernetes actions (``terminate_pods``,
``rollout_deployment``); the probes here poll the deployment until it has recovered and
write ``{"t", "target", "recovered", "seconds", "seen"}`` to ``<records_dir>/recovery.jsonl``.
Every function takes chaostoolkit's ``configuration`` and ``secrets``; the API client is
built as chaostoolkit-kubernetes builds it (``KUBECONFIG``, ``KUBERNETES_CONTEXT`` …).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chaosk8s import create_k8s_api_client  # type: ignore[import-untyped]
from chaoslib.exceptions import (  # type: ignore[import-untyped]
    ActivityFailed,
    InterruptExecution,
)
from kubernetes.client import ApiClient, AppsV1Api, CoreV1Api, V1Deployment
from kubernetes.client.exceptions import ApiException
from kubernetes.config import kube_config
from urllib3.exceptions import HTTPError

from archproof.chaos.aws import (
    Configuration,
    Secrets,
    append_fault,
    explicit_targets,
    records_dir,
    wait_until,
)
from archproof.chaos.aws_safety import extension, resolve_configuration

__all__ = [
    "OPT_IN_KEY",
    "OPT_IN_VALUE",
    "K8sTarget",
    "availability_kept",
    "check_k8s_opt_in",
    "deployment_ready",
    "deployment_rolled_out",
    "k8s_targets",
    "opt_in_problem",
    "record_fault",
    "require_opt_in",
    "target_opted_in",
    "wait_ready_replicas",
    "wait_rollout_complete",
]

OPT_IN_KEY = "archproof.io/chaos"  # label or annotation
OPT_IN_VALUE = "allowed"
KINDS = {"deployment": "Deployment"}
ROLLOUT_STATE = "k8s-rollout.json"  # what wait_rollout_complete saw, for availability_kept


@dataclass(frozen=True, slots=True)
class K8sTarget:
    """A workload an experiment will disrupt; ``config`` is the configuration key the
    name came from, ``env`` the variable that sets it."""

    kind: str
    namespace: str
    name: str
    config: str = ""
    env: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name or '(none)'}"


def k8s_targets(experiment: Mapping[str, Any], configuration: Configuration) -> list[K8sTarget]:
    """The targets named by the experiment's ``archproof`` extension (``{"kind", "config"}``),
    names from ``configuration`` (loaded keys such as ``k8s_deployment`` or environment
    values such as ``ARCHPROOF_CHAOS_K8S_DEPLOYMENT``), namespace from ``k8s_namespace``."""
    values = resolve_configuration(experiment, configuration)
    declared = experiment.get("configuration") or {}
    namespace = str(values.get("k8s_namespace") or "default").strip() or "default"
    targets = []
    for entry in extension(experiment).get("targets") or ():
        key = str(entry.get("config", ""))
        source = declared.get(key)
        env = str(source.get("key", "")) if isinstance(source, dict) else ""
        value = values.get(key)
        name = "" if value is None or isinstance(value, dict) else str(value).strip()
        targets.append(K8sTarget(str(entry.get("kind", "")), namespace, name, key, env))
    return targets


def _explicitly_named(target: K8sTarget, explicit: Iterable[str]) -> bool:
    named = {item.strip() for item in explicit}
    return target.name in named or f"{target.namespace}/{target.name}" in named


def opt_in_problem(api_client: ApiClient, target: K8sTarget, explicit: Iterable[str] = ()) -> str:
    """Why ``target`` may not be disrupted ("" when it may): named explicitly, or carrying
    ``archproof.io/chaos: allowed`` as a label or an annotation."""
    if target.kind not in KINDS:
        return f"{target}: unknown target kind {target.kind!r} (known: {', '.join(KINDS)})"
    if not target.name:
        how = f" (set {target.env})" if target.env else ""
        return f"{target.kind} in {target.namespace}: no name configured in {target.config!r}{how}"
    if _explicitly_named(target, explicit):
        return ""
    try:
        found = AppsV1Api(api_client).read_namespaced_deployment(target.name, target.namespace)
    except ApiException as exc:
        if exc.status == 404:
            return f"{target}: not found"
        return f"{target}: cannot read it ({exc.status} {exc.reason})"
    except HTTPError as exc:
        return f"{target}: cannot read it ({exc})"
    metadata = found.metadata
    labels = (metadata.labels if metadata else None) or {}
    annotations = (metadata.annotations if metadata else None) or {}
    if OPT_IN_VALUE in (labels.get(OPT_IN_KEY), annotations.get(OPT_IN_KEY)):
        return ""
    return (
        f"{target}: neither labelled nor annotated {OPT_IN_KEY}={OPT_IN_VALUE} nor named explicitly"
    )


def check_k8s_opt_in(
    api_client: ApiClient, targets: Iterable[K8sTarget], explicit: set[str]
) -> list[str]:
    """One problem per target that may not be disrupted (empty: all may)."""
    problems = [opt_in_problem(api_client, target, explicit) for target in targets]
    return [problem for problem in problems if problem]


def _follow_kubeconfig() -> None:
    """Make the kubernetes client read the current ``KUBECONFIG``: it takes its default
    path from the environment once, at import, and chaostoolkit-kubernetes relies on that
    default, so a ``KUBECONFIG`` set later (by the runner, by a test) would be ignored."""
    current = os.environ.get("KUBECONFIG")
    if current:
        kube_config.KUBE_CONFIG_DEFAULT_LOCATION = current


def _api(secrets: Secrets) -> ApiClient:
    """An API client built as chaostoolkit-kubernetes builds it (kubeconfig, in-cluster
    configuration or ``KUBERNETES_*`` variables)."""
    _follow_kubeconfig()
    client: ApiClient = create_k8s_api_client(secrets)
    return client


def require_opt_in(
    deployment: str,
    ns: str = "default",
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> None:
    """Raise ``ActivityFailed`` naming the deployment unless it opted in or was named."""
    target = K8sTarget("deployment", ns, deployment)
    problem = opt_in_problem(_api(secrets), target, explicit_targets(configuration))
    if problem:
        raise ActivityFailed(problem)


# ----- probes ------------------------------------------------------------------------------


def target_opted_in(
    deployment: str,
    ns: str = "default",
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> bool:
    """The deployment carries archproof.io/chaos=allowed or is in ``explicit_targets``
    (raises ``ActivityFailed`` naming it otherwise, so the reason is in the journal)."""
    require_opt_in(deployment, ns, configuration, secrets)
    return True


def _read(deployment: str, ns: str, secrets: Secrets) -> V1Deployment:
    try:
        found: V1Deployment = AppsV1Api(_api(secrets)).read_namespaced_deployment(deployment, ns)
    except ApiException as exc:
        raise ActivityFailed(f"deployment {ns}/{deployment}: {exc.status} {exc.reason}") from exc
    return found


def _counts(found: V1Deployment) -> dict[str, int]:
    """Desired and observed replica counts (absent counts are 0, as the API omits them)."""
    spec, status, metadata = found.spec, found.status, found.metadata
    return {
        "desired": int(spec.replicas if spec and spec.replicas is not None else 1),
        "generation": int((metadata.generation if metadata else 0) or 0),
        "observed_generation": int((status.observed_generation if status else 0) or 0),
        "replicas": int((status.replicas if status else 0) or 0),
        "updated": int((status.updated_replicas if status else 0) or 0),
        "ready": int((status.ready_replicas if status else 0) or 0),
        "available": int((status.available_replicas if status else 0) or 0),
    }


def _rolled_out(counts: Mapping[str, int]) -> bool:
    """The controller saw the latest spec and every replica is updated, ready, available."""
    return counts["observed_generation"] >= counts["generation"] and (
        counts["updated"]
        == counts["ready"]
        == counts["available"]
        == counts["replicas"]
        == counts["desired"]
    )


def deployment_ready(
    deployment: str,
    ns: str = "default",
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> bool:
    """All desired replicas of the deployment are ready (and there is at least one)."""
    counts = _counts(_read(deployment, ns, secrets))
    return counts["desired"] > 0 and counts["ready"] >= counts["desired"]


def deployment_rolled_out(
    deployment: str,
    ns: str = "default",
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> bool:
    """All desired replicas are updated, ready and available and no rollout is pending."""
    counts = _counts(_read(deployment, ns, secrets))
    return counts["desired"] > 0 and _rolled_out(counts)


def _ready_pods(api_client: ApiClient, ns: str, label_selector: str) -> int:
    """Ready pods matching the selector that are not being deleted."""
    pods = CoreV1Api(api_client).list_namespaced_pod(ns, label_selector=label_selector).items
    ready = 0
    for pod in pods:
        if pod.metadata and pod.metadata.deletion_timestamp:
            continue
        conditions = (pod.status.conditions if pod.status else None) or []
        ready += any(c.type == "Ready" and c.status == "True" for c in conditions)
    return ready


def wait_ready_replicas(
    deployment: str,
    ns: str = "default",
    label_selector: str = "",
    timeout_s: float = 300.0,
    interval_s: float = 2.0,
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> dict[str, Any]:
    """Poll until the deployment reports all desired replicas ready again and (with a
    ``label_selector``) as many ready pods not being deleted exist; the wait is the
    recovery time. ``seen`` holds the last counts and the lowest ready count seen."""
    api_client = _api(secrets)
    lowest: list[int] = []

    def state() -> tuple[bool, dict[str, Any]]:
        counts = _counts(_read(deployment, ns, secrets))
        lowest.append(counts["ready"])
        seen: dict[str, Any] = {
            "desired": counts["desired"],
            "ready": counts["ready"],
            "lowest_ready": min(lowest),
        }
        done = counts["desired"] > 0 and counts["ready"] >= counts["desired"]
        if label_selector:
            seen["ready_pods"] = _ready_pods(api_client, ns, label_selector)
            done = done and seen["ready_pods"] >= counts["desired"]
        return done, seen

    return wait_until(state, timeout_s, interval_s, configuration, f"{ns}/{deployment}")


def _strategy_bounds(found: V1Deployment, desired: int) -> tuple[int, int]:
    """(maxUnavailable, maxSurge) as counts; percentages round down / up as Kubernetes does."""
    strategy = found.spec.strategy if found.spec else None
    rolling = strategy.rolling_update if strategy else None

    def scaled(value: Any, default: str, round_up: bool) -> int:
        value = default if value is None else value
        if isinstance(value, str) and value.endswith("%"):
            share = desired * int(value[:-1])
            return -(-share // 100) if round_up else share // 100
        return int(value)

    if strategy is not None and strategy.type == "Recreate":
        return desired, 0
    unavailable = scaled(rolling.max_unavailable if rolling else None, "25%", False)
    surge = scaled(rolling.max_surge if rolling else None, "25%", True)
    return unavailable, surge


def wait_rollout_complete(
    deployment: str,
    ns: str = "default",
    timeout_s: float = 600.0,
    interval_s: float = 1.0,
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> dict[str, Any]:
    """Poll until the rollout completed (observedGeneration >= generation, updated == ready
    == available == desired replicas); the wait is the recovery time. Every poll notes the
    available count: the lowest one seen goes to ``seen`` and to ``k8s-rollout.json`` in
    ``records_dir`` for ``availability_kept`` (a sample every ``interval_s``, so poll
    faster than pods become ready to see every dip)."""
    lowest: list[int] = []
    target = f"{ns}/{deployment}"

    def state() -> tuple[bool, dict[str, Any]]:
        found = _read(deployment, ns, secrets)
        counts = _counts(found)
        lowest.append(counts["available"])
        unavailable, surge = _strategy_bounds(found, counts["desired"])
        seen: dict[str, Any] = {
            **counts,
            "lowest_available": min(lowest),
            "max_unavailable": unavailable,
            "max_surge": surge,
            "polls": len(lowest),
        }
        _save_rollout(configuration, target, seen)
        return _rolled_out(counts), seen

    return wait_until(state, timeout_s, interval_s, configuration, target)


def _save_rollout(configuration: Configuration, target: str, seen: Mapping[str, Any]) -> None:
    path = records_dir(configuration) / ROLLOUT_STATE
    path.write_text(json.dumps({"target": target, **seen}, sort_keys=True), encoding="utf-8")


def _floor(min_available: str, desired: int, max_unavailable: int) -> int:
    """The fewest available replicas allowed during the rollout: ``replicas`` (zero
    downtime: the default), ``strategy`` (replicas − maxUnavailable) or a count."""
    choice = str(min_available).strip().lower() or "replicas"
    if choice == "replicas":
        return desired
    if choice == "strategy":
        return desired - max_unavailable
    try:
        return int(choice)
    except ValueError:
        raise ActivityFailed(
            f"min_available {min_available!r}: expected 'replicas', 'strategy' or a count"
        ) from None


def availability_kept(
    deployment: str,
    ns: str = "default",
    min_available: str = "replicas",
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> bool:
    """During the last rollout (as sampled by ``wait_rollout_complete``) the available
    replicas never dropped below the floor (see ``_floor``; by default every replica, i.e.
    zero downtime). True when no rollout was recorded yet (the hypothesis before the fault).
    The lowest count seen is in ``k8s-rollout.json`` and in the journal of the wait."""
    path = records_dir(configuration) / ROLLOUT_STATE
    if not path.exists():
        return True
    seen = json.loads(path.read_text(encoding="utf-8"))
    if seen.get("target") != f"{ns}/{deployment}":
        return True
    floor = _floor(min_available, int(seen["desired"]), int(seen["max_unavailable"]))
    kept = int(seen["lowest_available"]) >= floor
    seen.update(floor=floor, kept=kept)
    path.write_text(json.dumps(seen, sort_keys=True), encoding="utf-8")
    return kept


# ----- actions -----------------------------------------------------------------------------


def _selector_problem(deployment: str, ns: str, label_selector: str, secrets: Secrets) -> str:
    """Why ``label_selector`` is unsafe for a pod fault ("" when it is not): empty (any pod
    of the namespace), matching nothing, or matching pods the deployment does not select."""
    if not label_selector.strip():
        return "no label selector: the fault would pick any pod of the namespace"
    found = _read(deployment, ns, secrets)
    selector = found.spec.selector if found.spec else None
    wanted = (selector.match_labels if selector else None) or {}
    pods = CoreV1Api(_api(secrets)).list_namespaced_pod(ns, label_selector=label_selector).items
    if not pods:
        return f"label selector {label_selector!r} matches no pod in {ns}"
    foreign = [
        pod.metadata.name
        for pod in pods
        if pod.metadata and any((pod.metadata.labels or {}).get(k) != v for k, v in wanted.items())
    ]
    if foreign or not wanted:
        return (
            f"label selector {label_selector!r} matches pods outside deployment "
            f"{ns}/{deployment}: {', '.join(str(name) for name in foreign) or 'unknown'}"
        )
    return ""


def record_fault(
    fault: str,
    deployment: str,
    ns: str = "default",
    detail: str = "",
    label_selector: str | None = None,
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> dict[str, Any]:
    """Re-check the opt-in (and, for a pod fault, that ``label_selector`` selects only the
    deployment's pods), then note in faults.jsonl that ``fault`` is being injected into the
    deployment by the chaostoolkit-kubernetes action that follows. When a check fails the
    experiment is interrupted (``InterruptExecution``: an ``ActivityFailed`` would only mark
    this activity failed and let the next one run), so nothing is disrupted; chaostoolkit
    still runs the rollbacks."""
    try:
        require_opt_in(deployment, ns, configuration, secrets)
        if label_selector is not None:
            problem = _selector_problem(deployment, ns, label_selector, secrets)
            if problem:
                raise ActivityFailed(f"deployment {ns}/{deployment}: {problem}")
    except ActivityFailed as exc:
        raise InterruptExecution(f"refusing {fault}: {exc}") from exc
    if fault == "rolling-deploy":
        (records_dir(configuration) / ROLLOUT_STATE).unlink(missing_ok=True)
    return append_fault(configuration, fault, f"{ns}/{deployment}", detail)
