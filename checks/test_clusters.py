"""Managed Kubernetes clusters (EKS, AKS): private API, encrypted secrets, logs, zones, autoscaling.

One control serves a Terraform plan and a live account alike: both use the provider's
attribute names (``vpc_config``, ``default_node_pool``). Values known only after apply are
``inconclusive``; an attribute the configuration leaves out is the provider's default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archproof.controls.api import Findings, Subject, control
from archproof.controls.facts import ANYWHERE, is_set
from archproof.inventory.model import Resource, Unknown, is_unknown
from archproof.inventory.network import zones_of

EKS = "aws_eks_cluster"
EKS_NODES = "aws_eks_node_group"
AKS = "azurerm_kubernetes_cluster"
AKS_POOL = "azurerm_kubernetes_cluster_node_pool"
DIAGNOSTICS = "azurerm_monitor_diagnostic_setting"
CIS_EKS = "CIS-EKS"


def _first(value: Any) -> Any:
    """The single block of a nested block list (``vpc_config = [{...}]``), else the value."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _open_ranges(findings: Findings, what: str, ranges: Any, default: str) -> None:
    """Judge an address allow-list: stated, and not the whole internet."""
    if isinstance(ranges, Unknown) or is_unknown(ranges):
        findings.unknown(what, ranges if isinstance(ranges, Unknown) else "part known later")
    elif not ranges:
        findings.fail(what, default, "a list of addresses that is not 0.0.0.0/0")
    else:
        open_to_all = [r for r in ranges if r in ANYWHERE]
        findings.check(what, ranges, not open_to_all, "no 0.0.0.0/0 or ::/0")


@control(
    "cluster-api-private",
    kinds=(EKS, AKS),
    severity="high",
    frameworks={CIS_EKS: "5.4.2"},
)
def test_cluster_api_is_private(resource: Resource) -> None:
    """The cluster's API server is private, or reachable only from listed addresses."""
    findings = Findings(resource)
    if resource.kind == EKS:
        public = resource.get("vpc_config.0.endpoint_public_access")
        public = True if public is None else public  # the provider's and the API's default
        if isinstance(public, Unknown):
            findings.unknown("vpc_config.endpoint_public_access", public)
        elif public is not False:
            cidrs = resource.get("vpc_config.0.public_access_cidrs")
            _open_ranges(
                findings,
                "vpc_config.public_access_cidrs (endpoint_public_access=true)",
                cidrs,
                "unset (the API default 0.0.0.0/0)",
            )
    else:
        private = resource.get("private_cluster_enabled")
        if isinstance(private, Unknown):
            findings.unknown("private_cluster_enabled", private)
        elif private is not True:
            ranges = resource.get("api_server_access_profile.0.authorized_ip_ranges")
            if ranges is None:
                ranges = resource.get("api_server_authorized_ip_ranges")  # azurerm 3.x
            _open_ranges(
                findings,
                "api_server_access_profile.authorized_ip_ranges (private_cluster_enabled=false)",
                ranges,
                "unset (open to the internet)",
            )
    findings.close()


@control(
    "cluster-secrets-encryption",
    kinds=(EKS, AKS),
    severity="high",
    frameworks={CIS_EKS: "5.3.1"},
)
def test_cluster_secrets_are_encrypted(subject: Subject, resource: Resource) -> None:
    """Kubernetes secrets are encrypted with a customer-managed key (EKS KMS, AKS Key Vault)."""
    findings = Findings(resource)
    if resource.kind == EKS:
        blocks = resource.get("encryption_config")
        if isinstance(blocks, Unknown):
            findings.unknown("encryption_config", blocks)
            findings.close()  # raises: inconclusive
        chosen = [
            (position, block)
            for position, block in enumerate(blocks if isinstance(blocks, list) else ())
            if isinstance(block, Mapping) and _covers_secrets(block.get("resources"))
        ]
        undecided = any(
            is_unknown(b.get("resources")) for b in blocks or () if isinstance(b, Mapping)
        )
        if not chosen:
            if undecided:
                findings.unknown("encryption_config.resources", "known only after apply")
            else:
                findings.fail("encryption_config", blocks or [], 'resources ["secrets"]')
        for position, _ in chosen:
            path = f"encryption_config.{position}.provider.0.key_arn"
            key = is_set(subject, resource, path, "encryption_config.provider.key_arn")
            if key is not True:
                findings.check("encryption_config.provider.key_arn", "unset", key, "a KMS key")
    else:
        path = "key_management_service.0.key_vault_key_id"
        key = is_set(subject, resource, path, "key_management_service.key_vault_key_id")
        if key is not True:
            findings.check("key_management_service.key_vault_key_id", "unset", key, "set")
    findings.close()


def _covers_secrets(resources: Any) -> bool:
    return isinstance(resources, list) and "secrets" in resources


AUDIT_GROUP = {"kube-audit", "kube-audit-admin", "guard"}


@control(
    "cluster-control-plane-logging",
    kinds=(EKS, AKS),
    needs=(DIAGNOSTICS,),
    severity="medium",
    params={
        "eks_log_types": ["api", "audit", "authenticator"],
        "aks_log_categories": ["kube-apiserver", "kube-audit"],
    },
    frameworks={CIS_EKS: "2.1.1"},
)
def test_control_plane_logs_are_kept(subject: Subject, resource: Resource) -> None:
    """The control plane sends the documented log types (API, audit) to the cloud's log service."""
    findings = Findings(resource)
    if resource.kind == EKS:
        wanted = [str(t) for t in subject.params["eks_log_types"]]
        types = resource.get("enabled_cluster_log_types")
        missing = sorted(set(wanted) - set(types or ())) if isinstance(types, list) else wanted
        findings.check("enabled_cluster_log_types", types, not missing, f"⊇ {wanted}")
        findings.close()
        return
    wanted = [str(c) for c in subject.params["aks_log_categories"]]
    settings = subject.inventory.referring(resource, DIAGNOSTICS, "target_resource_id")
    ids = {i.lower() for i in resource.ids}
    settings += [
        s
        for s in subject.inventory.of_kind(DIAGNOSTICS)
        if s not in settings and str(s.get("target_resource_id")).lower() in ids
    ]
    covered: set[str] = set()
    undecided = False
    for setting in settings:
        for block in _log_blocks(setting):
            if is_unknown(block):
                undecided = True
                continue
            if block.get("enabled") is False:
                continue
            group = str(block.get("category_group") or "")
            if group.lower() == "alllogs":
                covered.update(wanted)
            elif group.lower() == "audit":
                covered.update(AUDIT_GROUP)
            covered.add(str(block.get("category") or ""))
    missing = [c for c in wanted if c not in covered]
    if missing and undecided:
        findings.unknown("diagnostic log categories", "known only after apply")
    elif missing:
        names = [s.address for s in settings]
        findings.fail(
            "diagnostic settings", names or "none", f"logs {wanted} sent (missing {missing})"
        )
    findings.close()


def _log_blocks(setting: Resource) -> list[Any]:
    blocks: list[Any] = []
    for name in ("enabled_log", "log"):  # azurerm 4.x, 3.x
        value = setting.get(name)
        if isinstance(value, Unknown):
            blocks.append(value)
        elif isinstance(value, list):
            blocks.extend(b for b in value if isinstance(b, Mapping) or is_unknown(b))
    return blocks


def _pool(resource: Resource) -> tuple[str, Any]:
    """(attribute prefix, node pool block): AKS's default pool sits inside the cluster."""
    if resource.kind == AKS:
        return "default_node_pool.0.", _first(resource.get("default_node_pool"))
    return "", resource.attributes


@control(
    "cluster-nodes-across-zones",
    kinds=(EKS_NODES, AKS, AKS_POOL),
    needs=("aws_subnet",),
    severity="high",
    params={"min_zones": 2},
)
def test_cluster_nodes_span_zones(subject: Subject, resource: Resource) -> None:
    """Node groups and pools place their nodes in at least the documented number of zones."""
    findings = Findings(resource)
    need = int(subject.params["min_zones"])
    if resource.kind == EKS_NODES:
        found, gap = zones_of(subject.inventory, resource)
        if len(found) < need and gap is not None:
            findings.unknown("zones", gap)
        else:
            findings.check("zones (of subnet_ids)", sorted(found), len(found) >= need, f"≥ {need}")
        findings.close()
        return
    prefix, pool = _pool(resource)
    zones = resource.get(f"{prefix}zones")
    if zones is None:
        zones = resource.get(f"{prefix}availability_zones")  # azurerm 2.x
    if isinstance(pool, Unknown):
        findings.unknown("default_node_pool", pool)
    else:
        ok = isinstance(zones, list) and len(set(map(str, zones))) >= need
        findings.check(f"{prefix}zones", [] if zones is None else zones, ok, f"≥ {need} zones")
    findings.close()


@control(
    "cluster-autoscaler",
    kinds=(EKS_NODES, AKS, AKS_POOL),
    severity="high",
    params={"min_nodes": 2},
)
def test_cluster_nodes_scale_with_demand(subject: Subject, resource: Resource) -> None:
    """Node groups and pools scale between a floor and a higher ceiling (the cluster autoscaler)."""
    findings = Findings(resource)
    floor = int(subject.params["min_nodes"])
    if resource.kind == EKS_NODES:
        prefix, low_name, high_name = "scaling_config.0.", "min_size", "max_size"
    else:
        prefix, _ = _pool(resource)
        low_name, high_name = "min_count", "max_count"
        enabled = resource.get(f"{prefix}auto_scaling_enabled")
        if enabled is None:
            enabled = resource.get(f"{prefix}enable_auto_scaling")  # azurerm 3.x
        findings.check(f"{prefix}auto_scaling_enabled", enabled, enabled is True, "true")
    low, high = resource.get(prefix + low_name), resource.get(prefix + high_name)
    findings.check(prefix + low_name, low, isinstance(low, int) and low >= floor, f"≥ {floor}")
    if isinstance(low, int) and not isinstance(high, Unknown):
        ok = isinstance(high, int) and high > low
        findings.check(prefix + high_name, high, ok, f"> {low_name} ({low})")
    elif isinstance(high, Unknown):
        findings.unknown(prefix + high_name, high)
    findings.close()
