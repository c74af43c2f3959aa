"""Reading Kubernetes objects for controls: pod templates, selectors, and what targets a workload.

Objects keep the shape the API writes (``spec.template.spec.containers``). A value the
manifest does not state is absent, and is judged as the API's default would be; a value
that is an unrendered template expression (``{{ .Values.replicas }}``) is unknown.
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from archproof.controls.api import Findings, Subject
from archproof.inventory.model import Inventory, Resource, Unknown

SCALABLE: Final = ("k8s_deployment", "k8s_statefulset")
"""Workloads with a replica count an HPA can drive."""
LONG_RUNNING: Final = (*SCALABLE, "k8s_daemonset")
WORKLOADS: Final = (
    *LONG_RUNNING,
    "k8s_replicaset",
    "k8s_replicationcontroller",
    "k8s_job",
    "k8s_cronjob",
    "k8s_pod",
)
SYSTEM_NAMESPACES: Final = ["kube-system", "kube-public", "kube-node-lease"]
SCOPE: Final = {"workloads": ["*"], "system_namespaces": list(SYSTEM_NAMESPACES)}
"""Parameters naming the workloads a control judges (globs of ``namespace/name`` or name)."""
ZONE_KEYS: Final = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")

_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{\{")


def templated(value: Any) -> bool:
    """Is this (or anything in it) a template expression left unrendered?"""
    if isinstance(value, str):
        return bool(_TEMPLATE.search(value))
    if isinstance(value, Mapping):
        return any(templated(k) or templated(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(templated(v) for v in value)
    return False


def read(node: Any, *path: str | int) -> Any:
    """The value at ``path`` (``None`` when absent); an unrendered template reads as unknown."""
    for part in path:
        if isinstance(node, Unknown):
            return node
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
        if isinstance(node, str) and templated(node):
            return Unknown(f"unrendered template expression {node!r}")
    return node


def namespace_of(resource: Resource) -> str:
    return str(read(resource.attributes, "metadata", "namespace") or "default")


def name_of(resource: Resource) -> str:
    return str(read(resource.attributes, "metadata", "name") or resource.address)


def kind_of(resource: Resource) -> str:
    return str(resource.attributes.get("kind") or resource.kind.removeprefix("k8s_"))


def pod_template(resource: Resource) -> Mapping[str, Any]:
    """The pod a workload runs (``metadata`` + ``spec``); a Pod is its own template."""
    attributes = resource.attributes
    if resource.kind == "k8s_pod":
        return attributes
    if resource.kind == "k8s_cronjob":
        found = read(attributes, "spec", "jobTemplate", "spec", "template")
    else:
        found = read(attributes, "spec", "template")
    return found if isinstance(found, Mapping) else {}


def pod_spec(resource: Resource) -> Mapping[str, Any]:
    spec = pod_template(resource).get("spec")
    return spec if isinstance(spec, Mapping) else {}


def template_labels(resource: Resource) -> dict[str, str]:
    labels = read(pod_template(resource), "metadata", "labels")
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, Mapping) else {}


def containers(
    resource: Resource, *, init: bool = False
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(label, container) for the pod's containers; with ``init``, init and ephemeral ones too."""
    spec = pod_spec(resource)
    groups = ("containers", "initContainers", "ephemeralContainers") if init else ("containers",)
    for group in groups:
        items = spec.get(group)
        for position, item in enumerate(items if isinstance(items, list) else ()):
            if isinstance(item, Mapping):
                name = item.get("name") or f"#{position}"
                prefix = "" if group == "containers" else f"{group[:-10]} "
                yield f"{prefix}container {name}", item


def pod_spec_path(resource: Resource) -> tuple[str, ...]:
    """Where the workload's pod spec sits (``spec.template.spec``; a Pod's own ``spec``)."""
    if resource.kind == "k8s_pod":
        return ("spec",)
    if resource.kind == "k8s_cronjob":
        return ("spec", "jobTemplate", "spec", "template", "spec")
    return ("spec", "template", "spec")


def container_gap(resource: Resource) -> Unknown | str | None:
    """Why the pod's containers cannot be judged one by one.

    ``Unknown`` when the pod template or its container list is an unrendered template or
    not the shape the API has (a mapping, a list of mappings); a text when the workload
    states no container at all (a missing template runs nothing); ``None`` when there are
    containers to judge."""
    node: Any = resource.attributes
    path = pod_spec_path(resource)
    for depth, part in enumerate((*path, "containers")):
        where = ".".join((*path, "containers")[: depth + 1])
        if not isinstance(node, Mapping):
            return Unknown(f"{'.'.join(path[:depth]) or 'the object'} is not a mapping")
        node = node.get(part)
        if node is None:
            return f"no {where}"
        if templated(node) and not isinstance(node, Mapping | list):
            return Unknown(f"{where} is an unrendered template expression {node!r}")
    if not isinstance(node, list):
        return Unknown(f"{'.'.join((*path, 'containers'))} is not a list")
    if templated(node) and any(isinstance(item, str) for item in node):
        return Unknown("a container is an unrendered template expression")
    if any(not isinstance(item, Mapping) for item in node):
        return Unknown("a container is not a mapping")
    return None if node else "an empty containers list"


def judged_containers(
    findings: Findings, resource: Resource, *, init: bool = False
) -> list[tuple[str, Mapping[str, Any]]]:
    """The containers to judge; a pod without any fails, an unreadable one is unknown."""
    gap = container_gap(resource)
    if isinstance(gap, Unknown):
        findings.unknown("containers", gap)
    elif gap is not None:
        findings.note_failure(f"{gap} (the pod runs no container), required at least one")
    return list(containers(resource, init=init))


def in_scope(subject: Subject, resource: Resource) -> bool:
    """Not in a system namespace, and named by the ``workloads`` globs."""
    namespace = namespace_of(resource)
    if any(fnmatch.fnmatchcase(namespace, p) for p in subject.params["system_namespaces"]):
        return False
    names = (name_of(resource), f"{namespace}/{name_of(resource)}")
    return any(fnmatch.fnmatchcase(n, p) for p in subject.params["workloads"] for n in names)


SELECTOR_OPERATORS: Final = ("In", "NotIn", "Exists", "DoesNotExist")


def selector_matches(selector: Any, labels: Mapping[str, str]) -> bool | Unknown:
    """Does a label selector (``matchLabels``/``matchExpressions``) select these labels?

    An absent selector selects nothing; one that is not the API's shape (a list where a
    mapping belongs, an operator the API does not have) is unknown, not a match."""
    if isinstance(selector, Unknown):
        return selector
    if selector is None:
        return False
    if not isinstance(selector, Mapping):
        return Unknown(f"the selector {selector!r} is not a mapping")
    if templated(selector):
        return Unknown("the selector is an unrendered template")
    wanted = selector.get("matchLabels")
    if wanted is not None and not isinstance(wanted, Mapping):
        return Unknown(f"matchLabels {wanted!r} is not a mapping")
    if any(labels.get(str(k)) != str(v) for k, v in (wanted or {}).items()):
        return False
    expressions = selector.get("matchExpressions")
    if expressions is not None and not isinstance(expressions, list):
        return Unknown(f"matchExpressions {expressions!r} is not a list")
    undecided: Unknown | None = None
    for expression in expressions or ():
        matched = _expression_matches(expression, labels)
        if matched is False:
            return False
        if isinstance(matched, Unknown):
            undecided = undecided or matched
    return undecided if undecided is not None else True


def _expression_matches(expression: Any, labels: Mapping[str, str]) -> bool | Unknown:
    if not isinstance(expression, Mapping):
        return Unknown(f"matchExpressions item {expression!r} is not a mapping")
    key, op, given = expression.get("key"), expression.get("operator"), expression.get("values")
    if op not in SELECTOR_OPERATORS:
        return Unknown(f"selector operator {op!r} is not one of {list(SELECTOR_OPERATORS)}")
    if given is not None and not isinstance(given, list):
        return Unknown(f"selector values {given!r} are not a list")
    values = [str(v) for v in given or ()]
    present = isinstance(key, str) and key in labels
    value = labels.get(key) if isinstance(key, str) else None
    if op == "In":
        return present and value in values
    if op == "NotIn":
        return not (present and value in values)
    if op == "Exists":
        return present
    return not present


def same_namespace(inv: Inventory, resource: Resource, kind: str) -> list[Resource]:
    namespace = namespace_of(resource)
    return [r for r in inv.of_kind(kind) if namespace_of(r) == namespace]


def autoscalers_of(inv: Inventory, resource: Resource) -> list[Resource]:
    """HorizontalPodAutoscalers in the workload's namespace whose scaleTargetRef is it."""
    found = []
    for hpa in same_namespace(inv, resource, "k8s_horizontalpodautoscaler"):
        target = read(hpa.attributes, "spec", "scaleTargetRef") or {}
        if not isinstance(target, Mapping):
            continue
        if str(target.get("kind", "")).lower() == kind_of(resource).lower() and target.get(
            "name"
        ) == name_of(resource):
            found.append(hpa)
    return found


def disruption_budgets_of(inv: Inventory, resource: Resource) -> tuple[list[Resource], bool]:
    """PodDisruptionBudgets in the namespace selecting the pods; and whether one is undecided."""
    labels = template_labels(resource)
    found, undecided = [], False
    for pdb in same_namespace(inv, resource, "k8s_poddisruptionbudget"):
        selector = read(pdb.attributes, "spec", "selector")
        if selector == {} and str(pdb.attributes.get("apiVersion")) != "policy/v1":
            continue  # policy/v1beta1: an empty selector selects nothing
        matches = selector_matches(selector, labels)
        if isinstance(matches, Unknown):
            undecided = True
        elif matches:
            found.append(pdb)
    return found, undecided


def replica_count(inv: Inventory, resource: Resource, *, largest: bool = False) -> int | Unknown:
    """The workload's replicas (the API default 1 when unstated); an HPA's bound when it has one.

    ``largest``: the most pods it can run (HPA maxReplicas), else the fewest it keeps.
    """
    bounds = []
    for hpa in autoscalers_of(inv, resource):
        value = read(hpa.attributes, "spec", "maxReplicas" if largest else "minReplicas")
        if value is None and not largest:
            value = 1
        if isinstance(value, Unknown):
            return value
        if isinstance(value, int):
            bounds.append(value)
    if bounds:
        return max(bounds) if largest else min(bounds)
    value = read(resource.attributes, "spec", "replicas")
    if isinstance(value, Unknown):
        return value
    return value if isinstance(value, int) and not isinstance(value, bool) else 1


def scaled(value: Any, total: int, *, round_up: bool) -> int | Unknown | None:
    """An int-or-percent field resolved against ``total`` pods (``None``: not a valid value)."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.endswith("%") and value[:-1].strip().isdigit():
        share = int(value[:-1]) * total / 100
        return math.ceil(share) if round_up else math.floor(share)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def quantity_set(container: Mapping[str, Any], section: str, resource: str) -> bool | Unknown:
    """Is ``resources.<section>.<resource>`` stated (``requests.cpu``)?"""
    value = read(container, "resources", section, resource)
    if isinstance(value, Unknown):
        return value
    return value not in (None, "", 0, "0")


def request_set(container: Mapping[str, Any], resource: str) -> bool | Unknown:
    """A request is stated, or implied by a limit (the API copies the limit into the request)."""
    stated = quantity_set(container, "requests", resource)
    if stated is True:
        return True
    implied = quantity_set(container, "limits", resource)
    return stated if isinstance(stated, Unknown) or implied is False else implied


def outside_system(subject: Subject, resource: Resource) -> bool:
    """Not in one of the ``system_namespaces``."""
    namespace = namespace_of(resource)
    return not any(fnmatch.fnmatchcase(namespace, p) for p in subject.params["system_namespaces"])


# --- judging pieces shared by the k8s-* controls ---


def hpa_metrics(spec: Mapping[str, Any]) -> list[tuple[str, str]] | Unknown:
    """The HPA's metrics as (resource whose requests it needs, or "", container or "")."""
    found: list[tuple[str, str]] = []
    cpu = read(spec, "targetCPUUtilizationPercentage")
    if isinstance(cpu, Unknown):
        return cpu
    if cpu is not None:
        found.append(("cpu", ""))
    metrics = spec.get("metrics")
    if templated(metrics):
        return Unknown("the HPA's metrics are an unrendered template")
    for metric in mappings(metrics):
        kind = str(metric.get("type", ""))
        block = metric.get(
            {"Resource": "resource", "ContainerResource": "containerResource"}.get(kind, "")
        )
        if not isinstance(block, Mapping):
            found.append(("", ""))  # Pods, Object, External: need no requests
            continue
        target = block.get("target")
        utilization = (
            isinstance(target, Mapping) and target.get("type") == "Utilization"
        ) or "targetAverageUtilization" in block
        name = str(block.get("name", "")) if utilization else ""
        found.append((name, str(block.get("container", ""))))
    if not found and not metrics:
        found.append(("cpu", ""))  # neither stated: the API defaults to 80% average CPU
    return found


def pods_kept(budget: Resource, pods: int | Unknown) -> bool | Unknown | str:
    """Does the budget keep at least one of ``pods`` through a drain? (Else why not.)"""
    spec = budget.attributes.get("spec") or {}
    least, most = read(spec, "minAvailable"), read(spec, "maxUnavailable")
    if least is None and most is None:
        return "neither minAvailable nor maxUnavailable stated"
    field, value = ("minAvailable", least) if least is not None else ("maxUnavailable", most)
    if isinstance(value, Unknown):
        return value
    if isinstance(pods, Unknown) and not isinstance(value, int):
        return pods
    count = scaled(value, pods if isinstance(pods, int) else 0, round_up=True)
    if isinstance(count, Unknown):
        return count
    if count is None:
        return f"{field}={value!r} is not a count or percentage"
    if field == "minAvailable":
        return True if count >= 1 else f"minAvailable={value!r} lets every pod go"
    if isinstance(pods, Unknown):
        return pods
    return True if pods - count >= 1 else f"maxUnavailable={value!r} of {pods} pods lets all go"


def mappings(value: Any) -> list[Any]:
    """The mapping items of a list (anything else: none)."""
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


DOCKER_HUB: Final = ("docker.io", "index.docker.io", "registry-1.docker.io")


def image_parts(image: str) -> tuple[str, str | None, str | None]:
    """``registry/repo:tag@digest`` → (the name with its registry, tag, digest)."""
    reference, _, digest = image.partition("@")
    last = reference.rsplit("/", 1)[-1]
    tag = None
    if ":" in last:
        reference, tag = reference.rsplit(":", 1)
    first, _, rest = reference.partition("/")
    if not rest:
        reference = f"docker.io/library/{reference}"
    elif first in DOCKER_HUB:
        reference = f"docker.io/{rest if '/' in rest else f'library/{rest}'}"
    elif "." not in first and ":" not in first and first != "localhost":
        reference = f"docker.io/{reference}"
    return reference, tag, digest or None


def host_covered(host: str, names: list[str]) -> bool:
    """Is ``host`` one of the TLS names, or under one of its ``*.`` wildcards (one label)?"""
    for name in names:
        if name == host:
            return True
        if name.startswith("*.") and host.count(".") == name.count(".") and host.endswith(name[1:]):
            return True
    return False


INTERNAL_LB = {
    "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "networking.gke.io/load-balancer-type": "internal",
    "cloud.google.com/load-balancer-type": "internal",
}


def denies_by_default(policy: Resource, egress: bool) -> bool | Unknown:
    """A NetworkPolicy selecting every pod that admits nothing (and sends nothing, with egress)."""
    spec = policy.attributes.get("spec") or {}
    if templated(spec):
        return Unknown(f"{policy.address} is an unrendered template")
    if not isinstance(spec, Mapping):
        return Unknown(f"{policy.address} spec is not a mapping")
    selector = spec.get("podSelector") or {}
    if not isinstance(selector, Mapping):
        return Unknown(f"{policy.address} podSelector is not a mapping")
    if selector.get("matchLabels") or selector.get("matchExpressions"):
        return False
    types = spec.get("policyTypes")
    if not isinstance(types, list):  # the API's default
        types = ["Ingress", *(["Egress"] if "egress" in spec else [])]
    if "Ingress" not in types or spec.get("ingress"):
        return False
    return not egress or ("Egress" in types and not spec.get("egress"))


WORLD: Final = ("0.0.0.0/0", "::/0")


def world_openings(policy: Resource, labels: Mapping[str, str]) -> list[tuple[str, bool]] | Unknown:
    """The ingress rules of ``policy`` that admit every source to pods with these labels (a
    rule without ``from`` peers, or with an ``ipBlock`` of the whole address space), each as
    (what it is, whether it is limited to some ``ports``)."""
    spec = policy.attributes.get("spec") or {}
    if not isinstance(spec, Mapping):
        return Unknown(f"{policy.address} spec is not a mapping")
    if templated(spec.get("podSelector")) or templated(spec.get("ingress")):
        return Unknown(f"{policy.address} is an unrendered template")
    types = spec.get("policyTypes")
    if isinstance(types, list) and "Ingress" not in types:
        return []  # its ingress rules are not enforced
    selected = selector_matches(spec.get("podSelector") or {}, labels)
    if isinstance(selected, Unknown) or not selected:
        return selected if isinstance(selected, Unknown) else []
    found = []
    for position, rule in enumerate(mappings(spec.get("ingress"))):
        peers = rule.get("from")
        blocks = [read(p, "ipBlock", "cidr") for p in mappings(peers)]
        if peers and not any(str(b).strip() in WORLD for b in blocks):
            continue
        source = "no from (every source)" if not peers else "ipBlock covering every address"
        ports = rule.get("ports")
        shown = f", ports {ports}" if ports else ", every port"
        found.append((f"ingress[{position}] {source}{shown}", bool(ports)))
    return found


def publicly_served(inv: Inventory, resource: Resource, labels: Mapping[str, str]) -> bool:
    """Does a LoadBalancer or NodePort Service in the namespace send traffic to these pods?"""
    for service in same_namespace(inv, resource, "k8s_service"):
        spec = service.attributes.get("spec") or {}
        if not isinstance(spec, Mapping) or spec.get("type") not in ("LoadBalancer", "NodePort"):
            continue
        selector = spec.get("selector")
        if not isinstance(selector, Mapping) or not selector or templated(selector):
            continue
        if all(labels.get(str(k)) == str(v) for k, v in selector.items()):
            return True
    return False
