"""Kubernetes security: privileged pods, image sources, ingress TLS, service exposure, default deny.

Each workload gets its own verdict. A value a manifest does not state is judged as the API's
default; a value left as an unrendered template expression is unknown (``inconclusive``).
"""

from __future__ import annotations

import fnmatch

from archproof.controls.api import Findings, Subject, control, glob_any
from archproof.controls.kubernetes import (
    INTERNAL_LB,
    SCOPE,
    WORKLOADS,
    denies_by_default,
    host_covered,
    image_parts,
    judged_containers,
    mappings,
    name_of,
    namespace_of,
    outside_system,
    pod_spec,
    publicly_served,
    read,
    same_namespace,
    template_labels,
    templated,
    world_openings,
)
from archproof.inventory.model import Resource, Unknown
from archproof.verdict import Failed, Inconclusive

SYSTEM = {"system_namespaces": SCOPE["system_namespaces"]}
CIS = "CIS-K8S"


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
