"""AKS clusters (+ node pools and their diagnostic settings) and container registries."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from azure.core.exceptions import HttpResponseError
from azure.core.rest import HttpRequest
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.containerservice import ContainerServiceClient
from azure.mgmt.core.exceptions import ARMErrorFormat
from azure.mgmt.monitor import MonitorManagementClient

from archproof.sources.azure.arm import common, enabled, mapping, props, resource_group_of
from archproof.sources.azure.base import Scan

AKS_KINDS = ("azurerm_kubernetes_cluster",)
POOL_KINDS = ("azurerm_kubernetes_cluster_node_pool",)
DIAGNOSTIC_KINDS = ("azurerm_monitor_diagnostic_setting",)
ACR_KINDS = ("azurerm_container_registry",)
KINDS = AKS_KINDS + POOL_KINDS + DIAGNOSTIC_KINDS + ACR_KINDS
DIAGNOSTIC_API = "2021-05-01-preview"


def pool(profile: Mapping[str, Any]) -> dict[str, Any]:
    """A node pool's attributes from an agent pool profile (or an agentPools item's properties)."""
    return {
        "name": profile.get("name", ""),
        "vm_size": profile.get("vmSize", ""),
        "zones": [str(z) for z in profile.get("availabilityZones") or []],
        "auto_scaling_enabled": bool(profile.get("enableAutoScaling", False)),
        "min_count": profile.get("minCount"),
        "max_count": profile.get("maxCount"),
        "node_count": profile.get("count"),
        "max_pods": profile.get("maxPods"),
        "vnet_subnet_id": profile.get("vnetSubnetID", "") or "",
        "os_disk_size_gb": profile.get("osDiskSizeGB"),
        "os_disk_type": profile.get("osDiskType", "Managed"),
        "os_sku": profile.get("osSKU", ""),
        "type": profile.get("type", "VirtualMachineScaleSets"),
        "orchestrator_version": profile.get("orchestratorVersion", ""),
        "node_public_ip_enabled": bool(profile.get("enableNodePublicIP", False)),
        "host_encryption_enabled": bool(profile.get("enableEncryptionAtHost", False)),
        "fips_enabled": bool(profile.get("enableFIPS", False)),
        "node_labels": dict(mapping(profile.get("nodeLabels"))),
    }


def default_profile(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    """The pool Terraform calls ``default_node_pool``: the first System pool (else the first)."""
    profiles = [mapping(p) for p in props(doc).get("agentPoolProfiles") or []]
    system = [p for p in profiles if str(p.get("mode", "")).lower() == "system"]
    return (system or profiles or [{}])[0]


def kubernetes_cluster(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    access = mapping(p.get("apiServerAccessProfile"))
    kms = mapping(mapping(p.get("securityProfile")).get("azureKeyVaultKms"))
    network = mapping(p.get("networkProfile"))
    addons = mapping(p.get("addonProfiles"))
    oms = mapping(addons.get("omsagent") or addons.get("omsAgent"))
    policy = mapping(addons.get("azurepolicy") or addons.get("azurePolicy"))
    ranges = list(access.get("authorizedIPRanges") or [])
    return {
        **common(doc),
        "kubernetes_version": p.get("kubernetesVersion", ""),
        "current_kubernetes_version": p.get("currentKubernetesVersion", ""),
        "dns_prefix": p.get("dnsPrefix", ""),
        "fqdn": p.get("fqdn", ""),
        "private_fqdn": p.get("privateFQDN", ""),
        "node_resource_group": p.get("nodeResourceGroup", ""),
        "sku_tier": mapping(doc.get("sku")).get("tier", "Free"),
        "private_cluster_enabled": bool(access.get("enablePrivateCluster", False)),
        "private_dns_zone_id": access.get("privateDNSZone", ""),
        "api_server_access_profile": [{"authorized_ip_ranges": ranges}] if ranges else [],
        "default_node_pool": [pool(default_profile(doc))],
        "key_management_service": [
            {
                "key_vault_key_id": kms.get("keyId", ""),
                "key_vault_network_access": kms.get("keyVaultNetworkAccess", "Public"),
            }
        ]
        if kms.get("enabled")
        else [],
        "role_based_access_control_enabled": bool(p.get("enableRBAC", True)),
        "local_account_disabled": bool(p.get("disableLocalAccounts", False)),
        "azure_policy_enabled": bool(policy.get("enabled", False)),
        "oms_agent": [
            {
                "log_analytics_workspace_id": mapping(oms.get("config")).get(
                    "logAnalyticsWorkspaceResourceID", ""
                )
            }
        ]
        if oms.get("enabled")
        else [],
        "network_profile": [
            {
                "network_plugin": network.get("networkPlugin", ""),
                "network_policy": network.get("networkPolicy", ""),
                "outbound_type": network.get("outboundType", "loadBalancer"),
                "load_balancer_sku": str(network.get("loadBalancerSku", "standard")).lower(),
                "pod_cidr": network.get("podCidr", ""),
                "service_cidr": network.get("serviceCidr", ""),
                "dns_service_ip": network.get("dnsServiceIP", ""),
            }
        ]
        if network
        else [],
        "oidc_issuer_enabled": bool(mapping(p.get("oidcIssuerProfile")).get("enabled", False)),
        "disk_encryption_set_id": p.get("diskEncryptionSetID", "") or "",
    }


def node_pool(doc: Mapping[str, Any], cluster_id: str) -> dict[str, Any]:
    p = props(doc)
    return {
        "id": doc.get("id", ""),
        **pool({**p, "name": doc.get("name", "")}),
        "kubernetes_cluster_id": cluster_id,
        "mode": p.get("mode", "User"),
        "os_type": p.get("osType", "Linux"),
        "priority": p.get("scaleSetPriority", "Regular"),
        "node_taints": list(p.get("nodeTaints") or []),
        "tags": dict(mapping(p.get("tags"))),
    }


def diagnostic_setting(doc: Mapping[str, Any], target: str) -> dict[str, Any]:
    p = props(doc)
    logs = [mapping(item) for item in p.get("logs") or []]
    metrics = [mapping(item) for item in p.get("metrics") or []]
    return {
        "id": f"{target}|{doc.get('name', '')}",
        "name": doc.get("name", ""),
        "target_resource_id": target,
        "log_analytics_workspace_id": p.get("workspaceId", "") or "",
        "log_analytics_destination_type": p.get("logAnalyticsDestinationType", "") or "",
        "storage_account_id": p.get("storageAccountId", "") or "",
        "eventhub_authorization_rule_id": p.get("eventHubAuthorizationRuleId", "") or "",
        "eventhub_name": p.get("eventHubName", "") or "",
        "enabled_log": [
            {
                "category": log.get("category", "") or "",
                "category_group": log.get("categoryGroup", "") or "",
            }
            for log in logs
            if log.get("enabled")
        ],
        "enabled_metric": [
            {"category": m.get("category", "")} for m in metrics if m.get("enabled")
        ],
    }


def container_registry(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    policies = mapping(p.get("policies"))
    retention = mapping(policies.get("retentionPolicy"))
    encryption = mapping(p.get("encryption"))
    vault = mapping(encryption.get("keyVaultProperties"))
    keyed = str(encryption.get("status", "")).lower() == "enabled"

    def policy_on(name: str, default: bool) -> bool | None:
        return enabled(mapping(policies.get(name)).get("status"), default)

    return {
        **common(doc),
        "sku": mapping(doc.get("sku")).get("name", ""),
        "admin_enabled": bool(p.get("adminUserEnabled", False)),
        "public_network_access_enabled": enabled(p.get("publicNetworkAccess"), True),
        "anonymous_pull_enabled": bool(p.get("anonymousPullEnabled", False)),
        "data_endpoint_enabled": bool(p.get("dataEndpointEnabled", False)),
        "zone_redundancy_enabled": enabled(p.get("zoneRedundancy"), False),
        "network_rule_bypass_option": p.get("networkRuleBypassOptions", "AzureServices"),
        "login_server": p.get("loginServer", ""),
        "quarantine_policy_enabled": policy_on("quarantinePolicy", False),
        "trust_policy_enabled": policy_on("trustPolicy", False),
        "export_policy_enabled": policy_on("exportPolicy", True),
        "retention_policy_in_days": retention.get("days")
        if policy_on("retentionPolicy", False)
        else None,
        "encryption": [
            {
                "key_vault_key_id": vault.get("keyIdentifier", ""),
                "identity_client_id": vault.get("identity", ""),
            }
        ]
        if keyed
        else [],
    }


def collect(scan: Scan) -> None:
    aks = scan.client(ContainerServiceClient)
    clusters = scan.listing(
        "managed_clusters.list",
        AKS_KINDS + POOL_KINDS + DIAGNOSTIC_KINDS,
        aks.managed_clusters.list,
        aks.managed_clusters.list_by_resource_group,
    )
    for doc in clusters or []:
        cluster = scan.add("azurerm_kubernetes_cluster", kubernetes_cluster(doc), document=doc)
        cluster_id = str(doc.get("id") or "")
        group = resource_group_of(cluster_id)
        default = cluster.attributes["default_node_pool"][0]["name"]
        pools = scan.items(
            "agent_pools.list",
            POOL_KINDS,
            partial(aks.agent_pools.list, group, str(doc.get("name"))),
            about=cluster_id,
        )
        for item in pools or []:
            if item.get("name") != default:
                scan.add(
                    "azurerm_kubernetes_cluster_node_pool",
                    node_pool(item, cluster_id),
                    document=item,
                )
        add_diagnostic_settings(scan, cluster_id)
    acr = scan.client(ContainerRegistryManagementClient, "containerregistry")
    registries = scan.listing(
        "registries.list", ACR_KINDS, acr.registries.list, acr.registries.list_by_resource_group
    )
    for doc in registries or []:
        scan.add("azurerm_container_registry", container_registry(doc), document=doc)


def add_diagnostic_settings(scan: Scan, target: str) -> None:
    monitor = scan.client(MonitorManagementClient, "monitor")
    settings = scan.items(
        "diagnostic_settings.list",
        DIAGNOSTIC_KINDS,
        partial(_diagnostic_settings, monitor, scan.session.base_url, target),
        about=target,
    )
    for doc in settings or []:
        setting = diagnostic_setting(doc, target)
        scan.add("azurerm_monitor_diagnostic_setting", setting, document=doc, ids=[setting["id"]])


def _diagnostic_settings(client: Any, base_url: str, target: str) -> Iterator[dict[str, Any]]:
    """``GET {resource}/providers/Microsoft.Insights/diagnosticSettings`` through the monitor
    client's pipeline (azure-mgmt-monitor 7 no longer has this operation group)."""
    url: str | None = (
        f"{base_url}{target}/providers/Microsoft.Insights/diagnosticSettings"
        f"?api-version={DIAGNOSTIC_API}"
    )
    send = getattr(client, "send_request", None) or client._send_request
    while url:
        response = send(HttpRequest("GET", url))
        if response.status_code >= 400:
            raise HttpResponseError(response=response, error_format=ARMErrorFormat)
        page = response.json()
        yield from (item for item in page.get("value") or [] if isinstance(item, dict))
        url = page.get("nextLink") or None
