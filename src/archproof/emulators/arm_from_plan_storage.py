"""Per-kind writers for storage, diagnostic settings and Defender plans."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archproof.emulators.arm_from_plan_docs import Applied, Doc, base, block, blocks, value
from archproof.inventory.model import Resource

if TYPE_CHECKING:
    from archproof.emulators.arm_from_plan import Plan

ACCESS = {"private": "None", "blob": "Blob", "container": "Container"}


def _first(r: Resource, *names: str, default: Any = None) -> Any:
    for name in names:
        found = value(r, name)
        if found is not None:
            return found
    return default


def storage_account(plan: Plan, r: Resource, out: Applied) -> None:
    tier = value(r, "account_tier", "Standard")
    sku = {"name": f"{tier}_{value(r, 'account_replication_type', 'LRS')}", "tier": tier}
    doc = base(
        plan,
        r,
        "Microsoft.Storage/storageAccounts",
        sku=sku,
        kind=value(r, "account_kind", "StorageV2"),
    )
    name = doc["name"]
    key = block(r, "customer_managed_key")
    rules = block(r, "network_rules")
    encryption: Doc = {
        "requireInfrastructureEncryption": bool(
            value(r, "infrastructure_encryption_enabled", False)
        ),
        "services": {
            "blob": {"keyType": "Account", "enabled": True},
            "file": {"keyType": "Account", "enabled": True},
        },
        "keySource": "Microsoft.Storage",
    }
    if key:
        key_id = str(plan.id_at(r, "customer_managed_key.0.key_vault_key_id"))
        vault, _, rest = key_id.partition("/keys/")
        encryption.update(
            keySource="Microsoft.Keyvault",
            keyvaultproperties={
                "keyvaulturi": vault + "/",
                "keyname": rest.split("/")[0],
                "keyversion": "",
            },
        )
    props: Doc = {
        "supportsHttpsTrafficOnly": bool(
            _first(r, "https_traffic_only_enabled", "enable_https_traffic_only", default=True)
        ),
        "minimumTlsVersion": value(r, "min_tls_version", "TLS1_2"),
        "allowBlobPublicAccess": bool(
            _first(r, "allow_nested_items_to_be_public", "allow_blob_public_access", default=False)
        ),
        "allowSharedKeyAccess": bool(value(r, "shared_access_key_enabled", True)),
        "publicNetworkAccess": "Enabled"
        if value(r, "public_network_access_enabled", True)
        else "Disabled",
        "allowCrossTenantReplication": bool(value(r, "cross_tenant_replication_enabled", False)),
        "defaultToOAuthAuthentication": bool(value(r, "default_to_oauth_authentication", False)),
        "isHnsEnabled": bool(value(r, "is_hns_enabled", False)),
        "accessTier": value(r, "access_tier", "Hot"),
        "encryption": encryption,
        "primaryEndpoints": {
            "blob": f"https://{name}.blob.core.windows.net/",
            "dfs": f"https://{name}.dfs.core.windows.net/",
        },
    }
    if rules:
        props["networkAcls"] = {
            "defaultAction": rules.get("default_action") or "Allow",
            "bypass": ", ".join(rules.get("bypass") or []) or "None",
            "ipRules": [{"value": ip, "action": "Allow"} for ip in rules.get("ip_rules") or []],
            "virtualNetworkRules": [
                {"id": i, "action": "Allow", "state": "Succeeded"}
                for i in plan.ids_at(r, "network_rules.0.virtual_network_subnet_ids")
            ],
        }
    doc["properties"].update(props)
    out.put(doc)
    blob = block(r, "blob_properties")
    if blob:
        out.put(blob_service(doc, blob))


def blob_service(account: Doc, blob: dict[str, Any]) -> Doc:
    def retention(name: str, **extra: Any) -> Doc:
        policy = blob.get(name)
        if isinstance(policy, list) and policy and isinstance(policy[0], dict):
            return {"enabled": True, "days": policy[0].get("days") or 7, **extra}
        return {"enabled": False, **extra}

    deletion = blob.get("delete_retention_policy")
    permanent = (
        bool(deletion[0].get("permanent_delete_enabled"))
        if isinstance(deletion, list) and deletion
        else False
    )
    props: Doc = {
        "isVersioningEnabled": bool(blob.get("versioning_enabled", False)),
        "deleteRetentionPolicy": retention(
            "delete_retention_policy", allowPermanentDelete=permanent
        ),
        "containerDeleteRetentionPolicy": retention("container_delete_retention_policy"),
        "restorePolicy": retention("restore_policy"),
        "changeFeed": {
            "enabled": bool(blob.get("change_feed_enabled", False)),
            "retentionInDays": blob.get("change_feed_retention_in_days"),
        },
        "cors": {"corsRules": []},
    }
    if blob.get("last_access_time_enabled"):
        props["lastAccessTimeTrackingPolicy"] = {"enable": True, "name": "AccessTimeTracking"}
    return {
        "id": f"{account['id']}/blobServices/default",
        "name": "default",
        "type": "Microsoft.Storage/storageAccounts/blobServices",
        "sku": account["sku"],
        "properties": props,
    }


def storage_container(plan: Plan, r: Resource, out: Applied) -> None:
    ident = plan.arm_id(r)
    if not ident:
        return
    access = str(value(r, "container_access_type", "private"))
    out.put(
        {
            "id": ident,
            "name": plan.name(r),
            "type": "Microsoft.Storage/storageAccounts/blobServices/containers",
            "properties": {
                "publicAccess": ACCESS.get(access, "None"),
                "hasImmutabilityPolicy": False,
                "hasLegalHold": False,
                "leaseStatus": "Unlocked",
                "leaseState": "Available",
                "metadata": dict(value(r, "metadata", {}) or {}),
            },
        }
    )


def diagnostic_setting(plan: Plan, r: Resource, out: Applied) -> None:
    ident = plan.arm_id(r)
    if not ident:
        return
    logs = [
        {
            "category": b.get("category") or None,
            "categoryGroup": b.get("category_group") or None,
            "enabled": True,
        }
        for b in blocks(r, "enabled_log")
    ]
    logs += [
        {
            "category": b.get("category") or None,
            "categoryGroup": b.get("category_group") or None,
            "enabled": bool(b.get("enabled", True)),
        }
        for b in blocks(r, "log")
    ]
    metrics = [
        {"category": b.get("category"), "enabled": bool(b.get("enabled", True))}
        for b in [*blocks(r, "enabled_metric"), *blocks(r, "metric")]
    ]
    out.put(
        {
            "id": ident,
            "name": plan.name(r),
            "type": "Microsoft.Insights/diagnosticSettings",
            "properties": {
                "workspaceId": plan.id_at(r, "log_analytics_workspace_id") or None,
                "storageAccountId": plan.id_at(r, "storage_account_id") or None,
                "eventHubAuthorizationRuleId": plan.id_at(r, "eventhub_authorization_rule_id")
                or None,
                "eventHubName": value(r, "eventhub_name"),
                "logAnalyticsDestinationType": value(r, "log_analytics_destination_type"),
                "logs": logs,
                "metrics": metrics,
            },
        }
    )


def subscription_pricing(plan: Plan, r: Resource, out: Applied) -> None:
    extensions = [
        {
            "name": e.get("name", ""),
            "isEnabled": "True",
            "additionalExtensionProperties": e.get("additional_extension_properties") or None,
        }
        for e in blocks(r, "extension")
    ]
    out.put(
        {
            "id": plan.arm_id(r),
            "name": plan.name(r),
            "type": "Microsoft.Security/pricings",
            "properties": {
                "pricingTier": value(r, "tier", "Free"),
                "subPlan": value(r, "subplan") or None,
                "extensions": extensions,
            },
        }
    )
