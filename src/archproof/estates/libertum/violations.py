"""The Libertum estate's seeded violations: one edit per documented claim it can break.

Each is checked on the plan and on the live form: the edited plan applied to the local
Azure Resource Manager (archproof.emulators.arm) and read back through the Azure SDK.
"""

from __future__ import annotations

from archproof.estates.libertum.cluster import ACR, AKS, APPS_POOL, AUDIT, DEFENDER
from archproof.estates.libertum.common import placed
from archproof.estates.libertum.compute import NIC, VM
from archproof.estates.libertum.network import PUBLIC_NSG, inline_rule, separate_rule
from archproof.estates.libertum.storage import ACCOUNT, BACKUPS
from archproof.estates.model import Estate, EstateResource, ref
from archproof.estates.violations import Violation

PLAN = ("plan", "live")


def _ssh_from_internet(estate: Estate) -> Estate:
    rules = list(estate.resource(PUBLIC_NSG).values["security_rule"])
    rules.insert(2, inline_rule("allow-ssh-from-internet", 120, "Allow", "22", "Internet"))
    return estate.with_value(PUBLIC_NSG, "security_rule", rules)


def _private_open_to_internet(estate: Estate) -> Estate:
    rule = separate_rule("allow_admin_from_internet", "private", 90, "Allow", "22-3389", "*")
    return _added(estate, rule)


def _vm_public_ip(estate: Estate) -> Estate:
    address = EstateResource(
        "azurerm_public_ip", "backend", placed("pip-backend", allocation_method="Static")
    )
    edited = _added(estate, address)
    return edited.with_value(
        NIC, "ip_configuration.0.public_ip_address_id", ref("azurerm_public_ip.backend.id")
    )


def _added(estate: Estate, resource: EstateResource) -> Estate:
    return Estate(
        name=estate.name,
        region=estate.region,
        resources=(*estate.resources, resource),
        modules=estate.modules,
        outputs=estate.outputs,
        account_id=estate.account_id,
        provider_version=estate.provider_version,
    )


def _public_blobs(estate: Estate) -> Estate:
    edited = estate.with_value(ACCOUNT, "allow_nested_items_to_be_public", True)
    return edited.with_value(BACKUPS, "container_access_type", "blob")


def _plain_http(estate: Estate) -> Estate:
    edited = estate.with_value(ACCOUNT, "https_traffic_only_enabled", False)
    return edited.with_value(ACCOUNT, "min_tls_version", "TLS1_0")


def _no_recovery(estate: Estate) -> Estate:
    return estate.with_value(ACCOUNT, "blob_properties", [{"versioning_enabled": False}])


def _one_zone(estate: Estate) -> Estate:
    edited = estate.with_value(AKS, "default_node_pool.0.zones", ["1"])
    return edited.with_value(APPS_POOL, "zones", ["1"])


def _autoscaler_off(estate: Estate) -> Estate:
    edited = estate
    for address, path in ((AKS, "default_node_pool.0."), (APPS_POOL, "")):
        edited = edited.with_value(address, f"{path}auto_scaling_enabled", False)
        edited = edited.without_value(address, f"{path}min_count")
        edited = edited.without_value(address, f"{path}max_count")
        edited = edited.with_value(address, f"{path}node_count", 3)
    return edited


VIOLATIONS = (
    Violation(
        "nsg-ssh-from-internet",
        "The public subnet's NSG admits SSH (22) from the internet.",
        "The public subnet admits only HTTP and HTTPS from the internet",
        "azure-public-nsg-web-only",
        _ssh_from_internet,
        forms=PLAN,
    ),
    Violation(
        "public-subnet-without-nsg",
        "The public subnet loses its NSG association, so nothing filters what reaches it.",
        "The public subnet admits only HTTP and HTTPS from the internet",
        "azure-public-nsg-web-only",
        lambda e: e.without("azurerm_subnet_network_security_group_association.public"),
        forms=PLAN,
    ),
    Violation(
        "private-nsg-open-to-internet",
        "A rule ahead of the private NSG's denies admits ports 22-3389 from anywhere.",
        "The private subnet admits only traffic from inside the VNet",
        "azure-private-nsg-internal-only",
        _private_open_to_internet,
        forms=PLAN,
    ),
    Violation(
        "vm-public-ip",
        "The backend VM's network interface gets a public IP address.",
        "The backend VM has private addresses only",
        "azure-vm-no-public-ip",
        _vm_public_ip,
        also_breaks=("azure-private-no-public-ip",),
        forms=PLAN,
    ),
    Violation(
        "private-subnet-without-nat",
        "The private subnet loses its NAT gateway association.",
        "Private resources reach the internet only through the NAT gateway",
        "azure-private-egress-nat",
        lambda e: e.without("azurerm_subnet_nat_gateway_association.private"),
        forms=PLAN,
    ),
    Violation(
        "no-private-subnet",
        "The private subnet is renamed snet-backend, so no subnet is meant to be private.",
        "The VNet has a public and a private subnet",
        "azure-subnet-tiers",
        lambda e: e.with_value("azurerm_subnet.private", "name", "snet-backend"),
        forms=PLAN,
    ),
    Violation(
        "vm-host-encryption-off",
        "The backend VM no longer encrypts at host, leaving its temp disk and caches unencrypted.",
        "The backend server's disks are encrypted",
        "azure-vm-disks-encrypted",
        lambda e: e.with_value(VM, "encryption_at_host_enabled", False),
        forms=PLAN,
    ),
    Violation(
        "acr-admin-enabled",
        "The registry's admin user (a shared password) is enabled.",
        "Images live in a registry reached with individual identities",
        "azure-acr-no-admin",
        lambda e: e.with_value(ACR, "admin_enabled", True),
        forms=PLAN,
    ),
    Violation(
        "defender-containers-off",
        "Defender for Containers is on the Free tier: registry images are not scanned.",
        "The registry scans images for vulnerabilities",
        "azure-acr-scanning",
        lambda e: e.with_value(DEFENDER, "tier", "Free"),
        forms=PLAN,
    ),
    Violation(
        "storage-public-blobs",
        "The storage account allows anonymous access and the backup container is public.",
        "Blob Storage is access-controlled",
        "azure-storage-no-public-access",
        _public_blobs,
        forms=PLAN,
    ),
    Violation(
        "storage-allows-http",
        "The storage account accepts plain HTTP and TLS 1.0.",
        "Blob Storage is reached over encrypted connections only",
        "azure-storage-secure-transfer",
        _plain_http,
        forms=PLAN,
    ),
    Violation(
        "storage-single-encryption",
        "The storage account drops infrastructure (double) encryption.",
        "Blob Storage keeps data encrypted",
        "azure-storage-encryption",
        lambda e: e.with_value(ACCOUNT, "infrastructure_encryption_enabled", False),
        forms=PLAN,
    ),
    Violation(
        "storage-no-soft-delete",
        "Blobs are neither versioned nor soft-deleted: a deleted dump is gone.",
        "Backups in Blob Storage can be recovered",
        "azure-storage-recovery",
        _no_recovery,
        forms=PLAN,
    ),
    Violation(
        "aks-one-zone",
        "Both node pools run in zone 1 only.",
        "The cluster spans several availability zones",
        "cluster-nodes-across-zones",
        _one_zone,
        forms=PLAN,
    ),
    Violation(
        "aks-autoscaler-off",
        "Both node pools have a fixed node count: the cluster autoscaler is off.",
        "Node pools scale with demand",
        "cluster-autoscaler",
        _autoscaler_off,
        forms=PLAN,
    ),
    Violation(
        "aks-api-open",
        "The cluster API has no authorized IP ranges and is not private: anyone can reach it.",
        "The cluster is secured",
        "cluster-api-private",
        lambda e: e.without_value(AKS, "api_server_access_profile"),
        forms=PLAN,
    ),
    Violation(
        "aks-secrets-unencrypted",
        "Kubernetes secrets are no longer encrypted with the Key Vault key (KMS).",
        "The cluster is secured",
        "cluster-secrets-encryption",
        lambda e: e.without_value(AKS, "key_management_service"),
        forms=PLAN,
    ),
    Violation(
        "aks-no-audit-logs",
        "The control plane's API-server and audit logs are no longer sent anywhere.",
        "Cluster activity is logged for auditing",
        "cluster-control-plane-logging",
        lambda e: e.without(AUDIT),
        forms=PLAN,
    ),
)
