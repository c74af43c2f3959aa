"""Kubernetes workloads: autoscaling, disruption budgets, probes, resources, rollouts, exposure.

Each workload gets its own verdict. A value a manifest does not state is judged as the API's
default; a value left as an unrendered template expression is unknown (``inconclusive``).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

from archproof.controls.api import Findings, Subject, control, glob_any
from archproof.controls.kubernetes import (
    INTERNAL_LB,
    LONG_RUNNING,
    SCALABLE,
    SCOPE,
    WORKLOADS,
    ZONE_KEYS,
    autoscalers_of,
    containers,
    denies_by_default,
    disruption_budgets_of,
    host_covered,
    hpa_metrics,
    image_parts,
    in_scope,
    judged_containers,
    mappings,
    name_of,
    namespace_of,
    outside_system,
    pod_spec,
    pods_kept,
    publicly_served,
    quantity_set,
    read,
    replica_count,
    request_set,
    same_namespace,
    scaled,
    selector_matches,
    template_labels,
    templated,
    world_openings,
)
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


# --- pods: probes, resources, privileges, images ----------------------------------------------


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


PRIVILEGED_POD = ("hostNetwork", "hostPID", "hostIPC")


@control(
    "k8s-no-privileged",
    kinds=WORKLOADS,
    severity="critical",
    params={**SYSTEM, "require_no_escalation": True},
    select=outside_system,
    frameworks={CIS: "5.2.2-5.2.6"},
)
def test_pods_run_unprivileged(subject: Subject, resource: Resource) -> None:
    """No container is privileged or can escalate privileges; no pod shares host namespaces.

    Unset ``allowPrivilegeEscalation`` lets a process gain privileges (the kernel's default),
    so with ``require_no_escalation`` every container, init ones too, states it false, as the
    CIS benchmark (5.2.5) and the Pod Security "restricted" profile ask."""
    findings = Findings(resource)
    explicit = bool(subject.params["require_no_escalation"])
    spec = pod_spec(resource)
    for field in PRIVILEGED_POD:
        value = read(spec, field)
        findings.check(field, value, value is not True, "not true")
    for label, container in judged_containers(findings, resource, init=True):
        value = read(container, "securityContext", "privileged")
        findings.check(f"{label} securityContext.privileged", value, value is not True, "not true")
        what = f"{label} securityContext.allowPrivilegeEscalation"
        value = read(container, "securityContext", "allowPrivilegeEscalation")
        if explicit:
            findings.check(what, "unset" if value is None else value, value is False, "false")
        else:
            findings.check(what, value, value is not True, "not true")
    findings.close()


@control(
    "k8s-image-source",
    kinds=WORKLOADS,
    severity="high",
    params={**SYSTEM, "registries": ["*"], "require_digest": False},
    select=outside_system,
)
def test_images_come_pinned_from_the_registry(subject: Subject, resource: Resource) -> None:
    """Every image comes from a documented registry, pinned by digest or an immutable tag."""
    findings = Findings(resource)
    registries = [str(r) for r in subject.params["registries"]]
    for label, container in judged_containers(findings, resource, init=True):
        image = read(container, "image")
        if isinstance(image, Unknown):
            findings.unknown(f"{label} image", image)
            continue
        if not isinstance(image, str) or not image:
            findings.fail(f"{label} image", image, "an image reference")
            continue
        full, tag, digest = image_parts(image)
        shown = f"{full}:{tag}" if tag else full
        if not glob_any(registries, image, shown, f"{shown}@{digest}" if digest else shown):
            findings.fail(f"{label} image", image, f"from {registries}")
        if subject.params["require_digest"] and digest is None:
            findings.fail(f"{label} image", image, "pinned by digest (@sha256:…)")
        elif digest is None and tag in (None, "latest"):
            findings.fail(
                f"{label} image", image, "pinned by digest or an immutable tag, not latest"
            )
    findings.close()


# --- traffic: ingress TLS, exposure, network policies -----------------------------------------


@control(
    "k8s-ingress-tls",
    kinds=("k8s_ingress",),
    severity="high",
    params=SYSTEM,
    select=outside_system,
)
def test_ingress_serves_tls(subject: Subject, resource: Resource) -> None:
    """Every Ingress terminates TLS for all its hosts with a certificate secret."""
    findings = Findings(resource)
    spec = resource.attributes.get("spec") or {}
    if templated(spec.get("tls")) or templated(spec.get("rules")):
        raise Inconclusive(f"{resource.label} ({resource.kind}): tls or rules are unrendered")
    entries = mappings(spec.get("tls"))
    if not entries:
        findings.fail("tls", [], "entries covering every host")
    names: list[str] = []
    catch_all = False
    for position, entry in enumerate(entries):
        if not entry.get("secretName"):
            findings.fail(f"tls[{position}].secretName", "unset", "a certificate secret")
        hosts = [str(h) for h in entry.get("hosts") or ()]
        names.extend(hosts)
        catch_all = catch_all or not hosts
    for rule in mappings(spec.get("rules")):
        host = rule.get("host")
        covered = catch_all if not host else host_covered(str(host), names)
        if entries and not covered:
            findings.fail(
                "rule host", host or "(any host)", f"covered by a tls entry (tls hosts {names})"
            )
    findings.close()


@control(
    "k8s-service-exposure",
    kinds=("k8s_service",),
    severity="high",
    params={"allowed_public_services": []},
)
def test_services_stay_inside_the_cluster(subject: Subject, resource: Resource) -> None:
    """No Service opens a load balancer, node port or external IP unless the spec allows it."""
    spec = resource.attributes.get("spec") or {}
    kind = read(spec, "type") or "ClusterIP"
    external = read(spec, "externalIPs") or []
    where = f"{resource.label} ({resource.kind})"
    if isinstance(kind, Unknown) or isinstance(external, Unknown):
        raise Inconclusive(f"{where}: type or externalIPs unrendered")
    annotations = read(resource.attributes, "metadata", "annotations") or {}
    internal = kind == "LoadBalancer" and any(
        str(annotations.get(k, "")).lower() == v for k, v in INTERNAL_LB.items()
    )
    if (kind not in ("LoadBalancer", "NodePort") or internal) and not external:
        return
    allowed = [str(p) for p in subject.params["allowed_public_services"]]
    full = f"{namespace_of(resource)}/{name_of(resource)}"
    if glob_any(allowed, full):
        return
    seen = f"type={kind!r}" + (f", externalIPs={external}" if external else "")
    raise Failed(
        f"{where}: {seen}, required ClusterIP (or listed in allowed_public_services {allowed})"
    )


@control(
    "k8s-default-deny",
    kinds=WORKLOADS,
    severity="high",
    params={
        **SYSTEM,
        "default_deny_egress": False,
        "exempt_namespaces": [],
        "open_to_all": [],
    },
    select=outside_system,
    frameworks={CIS: "5.3.2"},
)
def test_namespace_denies_traffic_by_default(subject: Subject, resource: Resource) -> None:
    """The workload's namespace denies traffic by default; allowed flows are opened one by one.

    A policy selecting the pods with a rule that admits every source (no ``from``, or an
    ``ipBlock`` of the whole address space) undoes the default deny for them. Accepted only
    for pods a LoadBalancer or NodePort Service sends traffic to (the exposure is
    ``k8s-service-exposure``'s to judge) when the rule names its ports, or for workloads
    listed in ``open_to_all`` (globs of ``namespace/name`` or name)."""
    namespace = namespace_of(resource)
    if any(fnmatch.fnmatchcase(namespace, p) for p in subject.params["exempt_namespaces"]):
        return
    egress = bool(subject.params["default_deny_egress"])
    policies = same_namespace(subject.inventory, resource, "k8s_networkpolicy")
    where = f"{resource.label} ({resource.kind})"
    undecided = []
    denied = False
    for policy in policies:
        verdict = denies_by_default(policy, egress)
        if isinstance(verdict, Unknown):
            undecided.append(verdict.reason)
        denied = denied or verdict is True
    if not denied:
        if undecided:
            raise Inconclusive(f"{where}: {'; '.join(undecided)}")
        types = "Ingress and Egress" if egress else "Ingress"
        names = [name_of(p) for p in policies]
        raise Failed(
            f"{where}: namespace {namespace!r} policies {names} deny nothing by default, required"
            f" a NetworkPolicy with podSelector {{}}, policyTypes {types} and no rules"
        )
    allowed = [str(p) for p in subject.params["open_to_all"]]
    if glob_any(allowed, name_of(resource), f"{namespace}/{name_of(resource)}"):
        return
    _judge_openings(subject, resource, policies)


def _judge_openings(subject: Subject, resource: Resource, policies: list[Resource]) -> None:
    """Fail on a policy that admits every source to the workload's pods (see above)."""
    findings = Findings(resource)
    labels = template_labels(resource)
    served: bool | None = None
    for policy in policies:
        openings = world_openings(policy, labels)
        if isinstance(openings, Unknown):
            findings.unknown(policy.address, openings)
            continue
        for text, limited in openings:
            if limited and served is None:
                served = publicly_served(subject.inventory, resource, labels)
            if not (limited and served):
                findings.note_failure(
                    f"NetworkPolicy {name_of(policy)!r} {text} admits every source to its pods,"
                    " required the default deny kept (sources named; only the pods of a public"
                    " Service, on named ports, or a workload in open_to_all, may admit all)"
                )
    findings.close()


@control(
    "k8s-workloads-present",
    needs=WORKLOADS,
    severity="medium",
    params={"required": []},
)
def test_documented_workloads_run(subject: Subject) -> None:
    """The workloads the document names (e.g. the monitoring stack) are deployed."""
    required = [str(r) for r in subject.params["required"]]
    if not required:
        raise Inconclusive(f"{subject.test_id}: the spec names no required workloads")
    names: set[str] = set()
    for workload in subject.inventory.of_kind(*WORKLOADS):
        name = name_of(workload)
        names.update({name, f"{namespace_of(workload)}/{name}"})
        app = workload.tags.get("app.kubernetes.io/name")
        if app:
            names.add(app)
    missing = [r for r in required if not any(fnmatch.fnmatchcase(n, r) for n in names)]
    if missing:
        raise Failed(
            f"{subject.test_id}: no workload named {missing}, required {required} deployed"
        )
