"""Kubernetes workloads: autoscaling, disruption budgets, zones, rollouts, probes, running.

Each workload gets its own verdict. A value a manifest does not state is judged as the API's
default; a value left as an unrendered template expression is unknown (``inconclusive``).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

from archproof.controls.api import Findings, Subject, control
from archproof.controls.kubernetes import (
    LONG_RUNNING,
    SCALABLE,
    SCOPE,
    WORKLOADS,
    ZONE_KEYS,
    autoscalers_of,
    containers,
    disruption_budgets_of,
    hpa_metrics,
    in_scope,
    judged_containers,
    mappings,
    name_of,
    namespace_of,
    pod_spec,
    pods_kept,
    quantity_set,
    read,
    replica_count,
    request_set,
    scaled,
    selector_matches,
    template_labels,
)
from archproof.controls.kubernetes_running import observed, running
from archproof.inventory.model import Resource, Unknown
from archproof.verdict import Failed, Inconclusive

FLOOR = {"min_replicas": 2}
SYSTEM = {"system_namespaces": SCOPE["system_namespaces"]}
CIS = "CIS-K8S"


# --- scaling and availability ---------------------------------------------------------------


@control("k8s-hpa", kinds=SCALABLE, severity="high", params={**SCOPE, **FLOOR}, select=in_scope)
def test_workload_scales_with_an_hpa(subject: Subject, resource: Resource) -> None:
    """User-facing workloads scale with an HPA that has a replica floor, headroom and a metric."""
    findings = Findings(resource)
    floor = int(subject.params["min_replicas"])
    hpas = autoscalers_of(subject.inventory, resource)
    if not hpas:
        findings.note_failure(
            f"no HorizontalPodAutoscaler in namespace {namespace_of(resource)!r} targets it,"
            f" required one with minReplicas ≥ {floor}, maxReplicas above it and a metric"
        )
    for hpa in hpas:
        _judge_autoscaler(findings, hpa, resource, floor)
    findings.close()


def _judge_autoscaler(findings: Findings, hpa: Resource, workload: Resource, floor: int) -> None:
    spec = hpa.attributes.get("spec") or {}
    low = read(spec, "minReplicas")
    low = 1 if low is None else low  # the API's default
    high = read(spec, "maxReplicas")
    where = hpa.address
    findings.check(f"{where} minReplicas", low, isinstance(low, int) and low >= floor, f"≥ {floor}")
    if isinstance(low, int) and not isinstance(high, Unknown):
        ok = isinstance(high, int) and high > low
        findings.check(f"{where} maxReplicas", high, ok, f"> minReplicas ({low})")
    elif isinstance(high, Unknown):
        findings.unknown(f"{where} maxReplicas", high)
    metrics = hpa_metrics(spec)
    if isinstance(metrics, Unknown):
        findings.unknown(f"{where} metrics", metrics)
        return
    if not metrics:
        findings.fail(
            f"{where} metrics", [], "at least one (autoscaling/v2 metrics or v1 target CPU)"
        )
    for name, container in metrics:
        if not name:
            continue  # a Pods, Object or External metric needs no requests
        for label, item in containers(workload):
            if container and item.get("name") != container:
                continue
            stated = request_set(item, name)
            findings.check(
                f"{label} requests.{name}", "unset", stated, f"set ({where} scales on {name} use)"
            )


@control(
    "k8s-replicas-floor",
    kinds=SCALABLE,
    severity="high",
    params={**SCOPE, **FLOOR},
    select=in_scope,
)
def test_workload_keeps_a_replica_floor(subject: Subject, resource: Resource) -> None:
    """User-facing workloads never run fewer pods than the floor (their replicas, or the HPA's)."""
    findings = Findings(resource)
    floor = int(subject.params["min_replicas"])
    fewest = replica_count(subject.inventory, resource)
    source = "HPA minReplicas" if autoscalers_of(subject.inventory, resource) else "replicas"
    findings.check(source, fewest, isinstance(fewest, int) and fewest >= floor, f"≥ {floor}")
    findings.close()


@control("k8s-pdb", kinds=SCALABLE, severity="high", params=SCOPE, select=in_scope)
def test_workload_has_a_disruption_budget(subject: Subject, resource: Resource) -> None:
    """A PodDisruptionBudget selects the workload's pods and keeps at least one through a drain."""
    inv = subject.inventory
    budgets, undecided = disruption_budgets_of(inv, resource)
    if not budgets:
        where = f"{resource.label} ({resource.kind})"
        if undecided:
            raise Inconclusive(f"{where}: a PodDisruptionBudget's selector is unrendered")
        raise Failed(
            f"{where}: no PodDisruptionBudget in namespace {namespace_of(resource)!r} selects"
            " its pods, required one that keeps at least one pod available"
        )
    pods = replica_count(inv, resource)
    findings = Findings(resource)
    for budget in budgets:
        kept = pods_kept(budget, pods)
        if kept is True:
            return
        if isinstance(kept, Unknown):
            findings.unknown(budget.address, kept)
        else:
            findings.note_failure(f"{budget.address}: {kept}, required at least one pod kept")
    findings.close()


@control(
    "k8s-zone-spread",
    kinds=SCALABLE,
    severity="high",
    params={**SCOPE, "when_unsatisfiable": ["DoNotSchedule", "ScheduleAnyway"]},
    select=in_scope,
)
def test_pods_spread_over_zones(subject: Subject, resource: Resource) -> None:
    """Pods spread over availability zones (topology spread constraints or zone anti-affinity)."""
    allowed = [str(v) for v in subject.params["when_unsatisfiable"]]
    spec = pod_spec(resource)
    labels = template_labels(resource)
    unknown: list[str] = []
    seen: list[str] = []
    for item in mappings(spec.get("topologySpreadConstraints")):
        key, when = read(item, "topologyKey"), read(item, "whenUnsatisfiable")
        hit = _zone_term(key, item.get("labelSelector"), labels, unknown)
        if isinstance(when, Unknown):
            unknown.append(f"whenUnsatisfiable {when.reason}")
        elif hit:
            if when in allowed:
                return
            seen.append(f"zone spread whenUnsatisfiable={when!r}")
    anti = read(spec, "affinity", "podAntiAffinity") or {}
    hard = mappings(read(anti, "requiredDuringSchedulingIgnoredDuringExecution"))
    soft = mappings(read(anti, "preferredDuringSchedulingIgnoredDuringExecution"))
    terms = [(t, True) for t in hard] + [(read(t, "podAffinityTerm"), False) for t in soft]
    for term, strict in terms:
        if not isinstance(term, Mapping):
            continue
        if _zone_term(term.get("topologyKey"), term.get("labelSelector"), labels, unknown):
            if strict or "ScheduleAnyway" in allowed:
                return
            seen.append("only preferred zone anti-affinity")
    where = f"{resource.label} ({resource.kind})"
    if unknown:
        raise Inconclusive(f"{where}: {'; '.join(unknown)}")
    raise Failed(
        f"{where}: {'; '.join(seen) or 'no zone spread or zone anti-affinity'}, required a"
        f" topology spread on {ZONE_KEYS[0]} (whenUnsatisfiable in {allowed}) selecting its pods"
    )


def _zone_term(key: Any, selector: Any, labels: dict[str, str], unknown: list[str]) -> bool:
    if isinstance(key, Unknown):
        unknown.append(f"topologyKey {key.reason}")
        return False
    if key not in ZONE_KEYS:
        return False
    matches = selector_matches(selector, labels)
    if isinstance(matches, Unknown):
        unknown.append(matches.reason)
        return False
    return matches


@control(
    "k8s-rolling-update",
    kinds=SCALABLE,
    severity="high",
    params={**SCOPE, "max_unavailable": 0},
    select=in_scope,
)
def test_rollout_keeps_pods_serving(subject: Subject, resource: Resource) -> None:
    """Workloads roll out pod by pod without dropping below the serving pods (rolling update)."""
    findings = Findings(resource)
    spec = resource.attributes.get("spec") or {}
    if resource.kind == "k8s_statefulset":
        kind = read(spec, "updateStrategy", "type") or "RollingUpdate"  # the API's default
        findings.check("updateStrategy.type", kind, kind == "RollingUpdate", "'RollingUpdate'")
        findings.close()
        return
    limit = int(subject.params["max_unavailable"])
    kind = read(spec, "strategy", "type") or "RollingUpdate"
    findings.check("strategy.type", kind, kind == "RollingUpdate", "'RollingUpdate'")
    unavailable = read(spec, "strategy", "rollingUpdate", "maxUnavailable")
    surge = read(spec, "strategy", "rollingUpdate", "maxSurge")
    if kind == "RollingUpdate" and unavailable is None:
        findings.fail(
            "strategy.rollingUpdate.maxUnavailable",
            "unstated (the API default 25%)",
            f"stated, ≤ {limit}",
        )
    elif kind == "RollingUpdate":
        pods = replica_count(subject.inventory, resource, largest=True)
        if isinstance(pods, Unknown):
            findings.unknown("replicas", pods)
            findings.close()
            return
        count = scaled(unavailable, pods, round_up=False)  # the controller rounds down
        findings.check(
            "strategy.rollingUpdate.maxUnavailable",
            unavailable,
            isinstance(count, int) and count <= limit,
            f"≤ {limit} pods (at {pods} replicas)",
        )
        extra = scaled("25%" if surge is None else surge, pods, round_up=True)
        if count == 0:
            findings.check(
                "strategy.rollingUpdate.maxSurge",
                surge,
                isinstance(extra, int) and extra > 0,
                "> 0 when maxUnavailable is 0",
            )
    findings.close()


# --- pods: probes and resources -------------------------------------------------------------


@control("k8s-probes", kinds=LONG_RUNNING, severity="high", params=SCOPE, select=in_scope)
def test_containers_have_probes(subject: Subject, resource: Resource) -> None:
    """Every container of a long-running workload has a readiness and a liveness probe."""
    findings = Findings(resource)
    for label, container in judged_containers(findings, resource):
        for probe in ("readinessProbe", "livenessProbe"):
            value = read(container, probe)
            if isinstance(value, Unknown):
                findings.unknown(f"{label} {probe}", value)
            elif not value:
                findings.fail(f"{label} {probe}", "unset", "set")
    findings.close()


@control(
    "k8s-resources",
    kinds=WORKLOADS,
    severity="medium",
    params={**SCOPE, "require_cpu_limit": False},
    select=in_scope,
)
def test_containers_state_resources(subject: Subject, resource: Resource) -> None:
    """Containers request CPU and memory and cap their memory (CPU limit when the spec asks)."""
    findings = Findings(resource)
    wanted = [("requests", "cpu"), ("requests", "memory"), ("limits", "memory")]
    if subject.params["require_cpu_limit"]:
        wanted.append(("limits", "cpu"))
    for label, container in judged_containers(findings, resource):
        for section, name in wanted:
            stated = (
                request_set(container, name)
                if section == "requests"
                else quantity_set(container, section, name)
            )
            findings.check(f"{label} resources.{section}.{name}", "unset", stated, "set")
    findings.close()


@control(
    "k8s-workloads-present",
    needs=WORKLOADS,
    severity="medium",
    params={"required": []},
)
def test_documented_workloads_run(subject: Subject) -> None:
    """The workloads the document names (e.g. the monitoring stack) are deployed and running.

    Each ``required`` glob needs a workload that runs a pod: not scaled to zero, not left
    to an HPA that may scale it to zero, not suspended; on a live cluster, one with ready
    replicas (see :mod:`archproof.controls.kubernetes_running`).
    """
    required = [str(r) for r in subject.params["required"]]
    if not required:
        raise Inconclusive(f"{subject.test_id}: the spec names no required workloads")
    named: dict[str, list[Resource]] = {r: [] for r in required}
    for workload in subject.scoped(*WORKLOADS):
        name = name_of(workload)
        names = {name, f"{namespace_of(workload)}/{name}"}
        app = workload.tags.get("app.kubernetes.io/name")
        if app:
            names.add(app)
        for pattern, found in named.items():
            if any(fnmatch.fnmatchcase(n, pattern) for n in names):
                found.append(workload)
    findings = Findings(None, subject.test_id)
    missing = [r for r, found in named.items() if not found]
    if missing:
        findings.note_failure(f"no workload named {missing}, required {required} deployed")
    live = observed(subject.inventory)
    for pattern, found in named.items():
        states = [(w, *running(subject.inventory, w, live=live)) for w in found]
        if not found or any(state is True for _, state, _ in states):
            continue
        seen = "; ".join(f"{w.address} {text}" for w, _, text in states)
        if any(isinstance(state, Unknown) for _, state, _ in states):
            findings.unknown(f"{pattern!r} running", seen)
        else:
            required_state = "ready replicas" if live else "at least one replica"
            findings.note_failure(f"{pattern!r}: {seen}, required {required_state} running")
    findings.close()
