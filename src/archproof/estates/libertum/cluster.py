"""AKS across zones 1-3 with the cluster autoscaler, its registry, keys and audit logs.

The system node pool (ingress controller, behind the Azure load balancer) sits in the
public subnet without node public IPs; the application node pool in the private subnet.
The API server admits only the operators' range; Kubernetes secrets are encrypted with a
Key Vault key (KMS); the control plane's API and audit logs go to Log Analytics. Images
come from ACR, scanned by Defender for Containers (the subscription's Containers plan).
"""

from __future__ import annotations

from typing import Any

from archproof.estates.libertum.common import (
    ACR_NAME,
    ADMIN_CIDR,
    RG,
    SERVICE_CIDR,
    TENANT,
    ZONES,
    placed,
    tags,
)
from archproof.estates.model import EstateResource, ref

AKS = "azurerm_kubernetes_cluster.main"
APPS_POOL = "azurerm_kubernetes_cluster_node_pool.apps"
ACR = "azurerm_container_registry.main"
DEFENDER = "azurerm_security_center_subscription_pricing.containers"
AUDIT = "azurerm_monitor_diagnostic_setting.aks"
WORKSPACE = ref("azurerm_log_analytics_workspace.main.id")
NODE_SIZE = "Standard_D2s_v5"  # 2 cores, 8 GiB
CONTROL_PLANE_LOGS = [
    "kube-apiserver",
    "kube-audit",
    "kube-controller-manager",
    "cluster-autoscaler",
]


def _pool(name: str, subnet: str, min_count: int, max_count: int) -> dict[str, Any]:
    return {
        "name": name,
        "vm_size": NODE_SIZE,
        "zones": list(ZONES),
        "auto_scaling_enabled": True,
        "min_count": min_count,
        "max_count": max_count,
        "max_pods": 50,
        "os_disk_size_gb": 64,
        "host_encryption_enabled": True,
        "vnet_subnet_id": ref(f"azurerm_subnet.{subnet}.id"),
        "upgrade_settings": [{"max_surge": "33%"}],
    }


def secrets_key() -> list[EstateResource]:
    return [
        EstateResource(
            "azurerm_log_analytics_workspace",
            "main",
            placed("log-libertum-prod", sku="PerGB2018", retention_in_days=90),
        ),
        EstateResource(
            "azurerm_key_vault",
            "main",
            placed(
                "kv-libertum-prod",
                tenant_id=TENANT,
                sku_name="standard",
                enable_rbac_authorization=True,
                purge_protection_enabled=True,
                soft_delete_retention_days=90,
            ),
        ),
        EstateResource(
            "azurerm_key_vault_key",
            "etcd",
            {
                "name": "aks-etcd",
                "key_vault_id": ref("azurerm_key_vault.main.id"),
                "key_type": "RSA",
                "key_size": 2048,
                "key_opts": ["decrypt", "encrypt", "unwrapKey", "wrapKey"],
                "rotation_policy": [
                    {"expire_after": "P1Y", "automatic": [{"time_before_expiry": "P30D"}]}
                ],
                "tags": tags(),
            },
        ),
    ]


def cluster() -> list[EstateResource]:
    system = {**_pool("system", "public", 3, 6), "temporary_name_for_rotation": "systemtmp"}
    return [
        EstateResource(
            "azurerm_kubernetes_cluster",
            "main",
            placed(
                "aks-libertum-prod",
                dns_prefix="libertum",
                kubernetes_version="1.30",
                sku_tier="Standard",
                automatic_upgrade_channel="patch",
                azure_policy_enabled=True,
                oidc_issuer_enabled=True,
                workload_identity_enabled=True,
                default_node_pool=[system],
                identity=[{"type": "SystemAssigned"}],
                api_server_access_profile=[{"authorized_ip_ranges": [ADMIN_CIDR]}],
                key_management_service=[
                    {
                        "key_vault_key_id": ref("azurerm_key_vault_key.etcd.id"),
                        "key_vault_network_access": "Public",
                    }
                ],
                network_profile=[
                    {
                        "network_plugin": "azure",
                        "network_policy": "calico",
                        "load_balancer_sku": "standard",
                        "outbound_type": "loadBalancer",
                        "service_cidr": SERVICE_CIDR,
                        "dns_service_ip": "10.41.0.10",
                    }
                ],
                oms_agent=[{"log_analytics_workspace_id": WORKSPACE}],
                microsoft_defender=[{"log_analytics_workspace_id": WORKSPACE}],
                auto_scaler_profile=[
                    {"balance_similar_node_groups": True, "expander": "least-waste"}
                ],
            ),
        ),
        EstateResource(
            "azurerm_kubernetes_cluster_node_pool",
            "apps",
            {
                **_pool("apps", "private", 3, 9),
                "kubernetes_cluster_id": ref("azurerm_kubernetes_cluster.main.id"),
                "mode": "User",
                "tags": tags(),
            },
        ),
        EstateResource(
            "azurerm_monitor_diagnostic_setting",
            "aks",
            {
                "name": "diag-aks-control-plane",
                "target_resource_id": ref("azurerm_kubernetes_cluster.main.id"),
                "log_analytics_workspace_id": WORKSPACE,
                "log_analytics_destination_type": "Dedicated",
                "enabled_log": [{"category": c} for c in CONTROL_PLANE_LOGS],
            },
        ),
    ]


def registry() -> list[EstateResource]:
    return [
        EstateResource(
            "azurerm_container_registry",
            "main",
            {
                "name": ACR_NAME,
                "resource_group_name": RG,
                "location": ref("azurerm_resource_group.main.location"),
                "sku": "Standard",
                "admin_enabled": False,
                "anonymous_pull_enabled": False,
                "tags": tags(),
            },
        ),
        # Defender for Containers: vulnerability assessment of the images in ACR.
        EstateResource(
            "azurerm_security_center_subscription_pricing",
            "containers",
            {"tier": "Standard", "resource_type": "Containers"},
        ),
    ]
