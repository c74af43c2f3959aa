"""The live Azure source through the real Azure SDK against the ARM emulator: recorded-shape
ARM documents in, the azurerm attribute shape out; failures as CollectionError or a clear
error; nothing leaves 127.0.0.1 and nothing but GET is sent."""

from __future__ import annotations

import pytest

from archproof.emulators.arm import ArmEmulator, arm_emulator
from archproof.errors import EXIT_BAD_INPUT, EXIT_EVIDENCE_MISSING, SourceError, UsageError
from archproof.inventory.model import Inventory, is_unknown
from archproof.sources.azure import AzureOptions, collect_azure
from archproof.sources.azure.storage import storage_account
from conftest import NET, RG, SUBSCRIPTION, Collect, one, recorded

AKS = f"{RG}/providers/Microsoft.ContainerService/managedClusters/aks-prod"


def test_every_kind_is_collected_through_the_sdk(
    inventory: Inventory, emulator: ArmEmulator
) -> None:
    assert inventory.source == "azure" and inventory.errors == []
    assert inventory.origin == f"azure:{SUBSCRIPTION}" and inventory.provides == ("azurerm_",)
    assert inventory.could_hold(["azurerm_subnet"]) and not inventory.could_hold(["k8s_pod"])
    assert inventory.kinds() == {
        "azurerm_virtual_network",
        "azurerm_subnet",
        "azurerm_network_security_group",
        "azurerm_subnet_network_security_group_association",
        "azurerm_subnet_nat_gateway_association",
        "azurerm_nat_gateway",
        "azurerm_nat_gateway_public_ip_association",
        "azurerm_public_ip",
        "azurerm_network_interface",
        "azurerm_network_interface_security_group_association",
        "azurerm_lb",
        "azurerm_private_endpoint",
        "azurerm_linux_virtual_machine",
        "azurerm_windows_virtual_machine",
        "azurerm_virtual_machine_data_disk_attachment",
        "azurerm_managed_disk",
        "azurerm_kubernetes_cluster",
        "azurerm_kubernetes_cluster_node_pool",
        "azurerm_monitor_diagnostic_setting",
        "azurerm_container_registry",
        "azurerm_storage_account",
        "azurerm_storage_container",
        "azurerm_storage_blob",
        "azurerm_security_center_subscription_pricing",
    }
    assert {m for m, _ in emulator.requests} == {"GET"}  # read-only, through and through
    assert any("skiptoken" in path for _, path in emulator.requests)  # nextLink paging followed


def test_network_mapping(inventory: Inventory) -> None:
    vnet = one(inventory, "azurerm_virtual_network")
    assert vnet.attributes["address_space"] == ["10.20.0.0/16"]
    assert vnet.region == "westeurope" and vnet.account == SUBSCRIPTION
    assert vnet.tags == {"env": "prod", "tier": "network"}
    web = one(inventory, "azurerm_subnet", "snet-web")
    assert web.address == f"{NET}/virtualNetworks/vnet-prod/subnets/snet-web"
    assert {k: web.attributes[k] for k in ("virtual_network_name", "resource_group_name")} == {
        "virtual_network_name": "vnet-prod",
        "resource_group_name": "rg-prod",
    }
    assert web.attributes["address_prefixes"] == ["10.20.1.0/24"]
    data = one(inventory, "azurerm_subnet", "snet-data")
    assert data.attributes["default_outbound_access_enabled"] is False
    nsg = one(inventory, "azurerm_network_security_group", "nsg-app")
    first = nsg.attributes["security_rule"][0]
    assert first == {
        "name": "allow-web-tier",
        "description": "",
        "priority": 100,
        "direction": "Inbound",
        "access": "Allow",
        "protocol": "Tcp",
        "source_port_range": "*",
        "source_port_ranges": [],
        "destination_port_range": "",
        "destination_port_ranges": ["8080", "8443"],
        "source_address_prefix": "10.20.1.0/24",
        "source_address_prefixes": [],
        "destination_address_prefix": "*",
        "destination_address_prefixes": [],
        "source_application_security_group_ids": [],
        "destination_application_security_group_ids": [],
    }


def test_associations_follow_arm_ids_whatever_their_case(inventory: Inventory) -> None:
    app = one(inventory, "azurerm_subnet", "snet-app")
    nsg = one(inventory, "azurerm_network_security_group", "nsg-app")
    # ARM spelled this reference "resourcegroups": it is aligned to the NSG's own id
    assoc = inventory.referring(
        app, "azurerm_subnet_network_security_group_association", "subnet_id"
    )
    assert len(assoc) == 1
    assert inventory.related(assoc[0], "network_security_group_id") == [nsg]
    nat = one(inventory, "azurerm_nat_gateway")
    assert nat.attributes["zones"] == ["1"] and nat.attributes["sku_name"] == "Standard"
    nat_assocs = inventory.referring(
        nat, "azurerm_subnet_nat_gateway_association", "nat_gateway_id"
    )
    assert len(nat_assocs) == 2
    pip = inventory.referring(nat, "azurerm_nat_gateway_public_ip_association", "nat_gateway_id")
    assert [r.attributes["name"] for r in inventory.related(pip[0], "public_ip_address_id")] == [
        "pip-ng-prod"
    ]
    nic = one(inventory, "azurerm_network_interface", "nic-app-1")
    nic_nsg = inventory.referring(
        nic, "azurerm_network_interface_security_group_association", "network_interface_id"
    )
    assert inventory.related(nic_nsg[0], "network_security_group_id") == [nsg]


def test_interfaces_balancers_and_private_endpoints(inventory: Inventory) -> None:
    jump = one(inventory, "azurerm_network_interface", "nic-jump")
    config = jump.attributes["ip_configuration"][0]
    assert config["public_ip_address_id"].endswith("/publicIPAddresses/pip-jump")
    assert config["subnet_id"].endswith("/subnets/snet-web") and config["primary"] is True
    assert jump.attributes["accelerated_networking_enabled"] is True
    lb = one(inventory, "azurerm_lb")
    assert lb.attributes["sku"] == "Standard"
    front = lb.attributes["frontend_ip_configuration"][0]
    assert front["name"] == "fe-public" and front["public_ip_address_id"].endswith("/pip-lb-web")
    endpoint = one(inventory, "azurerm_private_endpoint")
    assert endpoint.attributes["subnet_id"].endswith("/subnets/snet-data")
    connection = endpoint.attributes["private_service_connection"][0]
    assert connection["subresource_names"] == ["blob"] and not connection["is_manual_connection"]
    pip = one(inventory, "azurerm_public_ip", "pip-lb-web")
    assert pip.attributes["zones"] == ["1", "2", "3"]
    assert pip.attributes["allocation_method"] == "Static"


def test_virtual_machines_and_disks(inventory: Inventory) -> None:
    app = one(inventory, "azurerm_linux_virtual_machine")
    assert app.attributes["zone"] == "2" and app.attributes["size"] == "Standard_D4s_v5"
    assert app.attributes["encryption_at_host_enabled"] is True
    assert app.attributes["disable_password_authentication"] is True
    assert app.attributes["os_disk"][0]["disk_encryption_set_id"].endswith(
        "/diskEncryptionSets/des-prod"
    )
    assert [n.attributes["name"] for n in inventory.related(app, "network_interface_ids")] == [
        "nic-app-1"
    ]
    jump = one(inventory, "azurerm_windows_virtual_machine")
    assert jump.attributes["zone"] == "" and jump.attributes["encryption_at_host_enabled"] is False
    assert jump.attributes["os_disk"][0]["disk_encryption_set_id"] == ""
    # OS disks live inside their VM (os_disk), as Terraform models them; data disks apart
    assert [d.attributes["name"] for d in inventory.of_kind("azurerm_managed_disk")] == [
        "vm-app-1-data"
    ]
    data = one(inventory, "azurerm_managed_disk")
    assert data.attributes["disk_encryption_set_id"] == "" and data.attributes["zone"] == "2"
    attachment = one(inventory, "azurerm_virtual_machine_data_disk_attachment")
    assert inventory.related(attachment, "managed_disk_id") == [data]
    assert inventory.related(attachment, "virtual_machine_id") == [app]


def test_kubernetes_cluster_node_pools_and_logs(inventory: Inventory) -> None:
    aks = one(inventory, "azurerm_kubernetes_cluster")
    attrs = aks.attributes
    assert attrs["private_cluster_enabled"] is True and attrs["api_server_access_profile"] == []
    assert attrs["key_management_service"][0]["key_vault_network_access"] == "Private"
    assert attrs["local_account_disabled"] is True and attrs["sku_tier"] == "Standard"
    pool = attrs["default_node_pool"][0]
    assert {
        k: pool[k]
        for k in ("name", "zones", "auto_scaling_enabled", "min_count", "max_count", "node_count")
    } == {
        "name": "system",
        "zones": ["1", "2", "3"],
        "auto_scaling_enabled": True,
        "min_count": 3,
        "max_count": 5,
        "node_count": 3,
    }
    subnet = one(inventory, "azurerm_subnet", "snet-aks")
    assert pool["vnet_subnet_id"] == subnet.address  # "resourcegroups" aligned to the subnet's id
    apps = one(inventory, "azurerm_kubernetes_cluster_node_pool")
    assert apps.attributes["name"] == "apps" and apps.attributes["mode"] == "User"
    assert inventory.related(apps, "kubernetes_cluster_id") == [aks]
    assert apps.attributes["max_count"] == 12
    logs = one(inventory, "azurerm_monitor_diagnostic_setting")
    assert logs.attributes["target_resource_id"] == AKS
    assert [e["category"] for e in logs.attributes["enabled_log"]] == [
        "kube-apiserver",
        "kube-audit-admin",
        "guard",
    ]
    assert logs.attributes["log_analytics_workspace_id"].endswith("/workspaces/law-prod")


def test_registry_storage_and_defender(inventory: Inventory) -> None:
    acr = one(inventory, "azurerm_container_registry")
    assert {
        k: acr.attributes[k] for k in ("admin_enabled", "sku", "public_network_access_enabled")
    } == {"admin_enabled": False, "sku": "Premium", "public_network_access_enabled": False}
    backups = one(inventory, "azurerm_storage_account", "stprodbackups01")
    attrs = backups.attributes
    assert attrs["https_traffic_only_enabled"] is True and attrs["min_tls_version"] == "TLS1_2"
    assert attrs["allow_nested_items_to_be_public"] is False
    assert attrs["infrastructure_encryption_enabled"] is True
    assert attrs["public_network_access_enabled"] is False
    assert (attrs["account_tier"], attrs["account_replication_type"]) == ("Standard", "GZRS")
    blob = attrs["blob_properties"][0]
    assert blob["delete_retention_policy"] == [{"days": 30, "permanent_delete_enabled": False}]
    assert blob["container_delete_retention_policy"] == [{"days": 30}]
    assert blob["versioning_enabled"] is True
    legacy = one(inventory, "azurerm_storage_account", "stprodlegacy01").attributes
    assert legacy["https_traffic_only_enabled"] is False and legacy["min_tls_version"] == "TLS1_0"
    assert legacy["customer_managed_key"][0]["key_vault_key_id"].endswith("/keys/st-legacy")
    assert legacy["network_rules"][0]["bypass"] == ["AzureServices", "Logging"]
    # the emulator answers the default blob service as Azure does: no soft delete
    assert legacy["blob_properties"][0]["delete_retention_policy"] == []
    public = one(inventory, "azurerm_storage_container", "public-assets")
    assert public.attributes["container_access_type"] == "blob"
    tiers = {
        p.attributes["resource_type"]: p.attributes["tier"]
        for p in inventory.of_kind("azurerm_security_center_subscription_pricing")
    }
    assert tiers["Containers"] == "Standard" and tiers["StorageAccounts"] == "Free"


def test_backup_blobs_are_listed_with_their_times(inventory: Inventory) -> None:
    blobs = sorted(inventory.of_kind("azurerm_storage_blob"), key=lambda b: b.attributes["name"])
    assert [
        (b.attributes["name"], b.attributes["last_modified"], b.attributes["content_length"])
        for b in blobs
    ] == [
        ("pg/2024-03-03.dump", "2024-03-03T02:00:00+00:00", 4096),
        ("pg/2024-03-04.dump", "2024-03-04T02:00:00+00:00", 5120),
    ]
    assert {b.attributes["storage_account_name"] for b in blobs} == {"stprodbackups01"}
    assert inventory.scope["backup_containers"] == ["db-backups"]
    assert "collected_at" in inventory.scope


def test_a_named_backup_container_that_is_missing_is_an_error(collect: Collect) -> None:
    found = collect(backup_containers=("stprodbackups01/gone",), resource_groups=("rg-prod",))
    [error] = found.errors
    assert error.kinds == ("azurerm_storage_blob",) and "ContainerNotFound" in error.message
    nowhere = collect(backup_containers=("gone",))
    assert ["not found in any storage account" in e.message for e in nowhere.errors] == [True]


def test_rbac_gap_on_one_provider_errors_only_its_kinds(
    client_env: ArmEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    with arm_emulator(recorded(), forbidden=("Microsoft.ContainerService",)) as gap:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", gap.ca_file)
        monkeypatch.setenv("PATH", gap.client_env()["PATH"])
        found = collect_azure(AzureOptions(endpoint=gap.endpoint))
    [error] = found.errors
    assert error.service == "containerservice" and error.region == SUBSCRIPTION
    assert error.call == "managed_clusters.list"
    assert "403 AuthorizationFailed" in error.message
    assert "azurerm_kubernetes_cluster" in error.kinds
    assert "azurerm_container_registry" not in error.kinds
    assert not found.of_kind("azurerm_kubernetes_cluster")
    assert found.of_kind("azurerm_container_registry") and found.of_kind("azurerm_subnet")
    assert found.errors_for(["azurerm_storage_account"]) == []


def test_throttling_is_a_collection_error(
    client_env: ArmEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    with arm_emulator(recorded(), throttled=("Microsoft.Compute/disks",)) as slow:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", slow.ca_file)
        monkeypatch.setenv("PATH", slow.client_env()["PATH"])
        found = collect_azure(AzureOptions(endpoint=slow.endpoint))
    [error] = found.errors
    assert error.call == "disks.list" and "429" in error.message
    assert error.kinds == ("azurerm_managed_disk",)


def test_only_the_named_resource_groups_are_read(collect: Collect, emulator: ArmEmulator) -> None:
    found = collect(resource_groups=("rg-other",))
    assert [r for r in found if r.kind != "azurerm_security_center_subscription_pricing"] == []
    assert found.errors == []


def test_unreachable_endpoint_is_a_clear_error(client_env: ArmEmulator) -> None:
    with pytest.raises(SourceError) as caught:
        collect_azure(AzureOptions(endpoint="https://127.0.0.1:9"))
    assert "cannot reach https://127.0.0.1:9" in str(caught.value)
    assert caught.value.exit_code == EXIT_EVIDENCE_MISSING


def test_unknown_subscription_is_a_clear_error(collect: Collect) -> None:
    with pytest.raises(SourceError, match="no such subscription"):
        collect(subscriptions=("00000000-0000-4000-8000-000000000000",))


def test_no_subscription_is_bad_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    with pytest.raises(UsageError, match="AZURE_SUBSCRIPTION_ID") as caught:
        collect_azure(AzureOptions(endpoint="https://127.0.0.1:9"))
    assert caught.value.exit_code == EXIT_BAD_INPUT


def test_a_credential_without_a_token_is_a_clear_error(
    client_env: ArmEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # no az: the only credential allowed has nothing
    with pytest.raises(SourceError) as caught:
        collect_azure(AzureOptions(endpoint=client_env.endpoint))
    assert "DefaultAzureCredential cannot get a token" in str(caught.value)
    assert f"{client_env.endpoint}/.default" in str(caught.value)


def test_missing_values_read_unknown_when_blob_service_fails(
    client_env: ArmEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    gap = ("Microsoft.Storage/storageAccounts/blobServices",)
    with arm_emulator(recorded(), forbidden=gap) as partial:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", partial.ca_file)
        monkeypatch.setenv("PATH", partial.client_env()["PATH"])
        found = collect_azure(AzureOptions(endpoint=partial.endpoint))
    account = one(found, "azurerm_storage_account", "stprodbackups01")
    assert is_unknown(account.get("blob_properties"))
    assert {e.call for e in found.errors} == {
        "blob_services.get_service_properties",
        "blob_containers.list",
    }


def test_an_unstated_blob_public_access_reads_unknown() -> None:
    [doc] = [d for d in recorded() if d.get("name") == "stprodbackups01"]
    stated = storage_account(doc, None)
    assert stated["allow_nested_items_to_be_public"] is False
    old = {
        **doc,
        "properties": {k: v for k, v in doc["properties"].items() if k != "allowBlobPublicAccess"},
    }
    unstated = storage_account(old, None)["allow_nested_items_to_be_public"]
    assert is_unknown(unstated) and "before November 2023" in unstated.reason


def test_backups_of_an_account_not_read_go_to_the_endpoint_template(collect: Collect) -> None:
    # the account sits in rg-prod, only rg-other is read: the template still names its endpoint
    found = collect(
        backup_containers=("stprodbackups01/db-backups",), resource_groups=("rg-other",)
    )
    assert found.errors == []
    assert len(found.of_kind("azurerm_storage_blob")) == 2  # and nothing left 127.0.0.1


def test_backups_of_an_account_not_read_without_a_template_are_an_error(collect: Collect) -> None:
    found = collect(
        backup_containers=("stprodbackups01/db-backups",),
        resource_groups=("rg-other",),
        blob_endpoint_template=None,
    )
    [error] = found.errors
    assert error.kinds == ("azurerm_storage_blob",)
    assert error.message.startswith("storage account 'stprodbackups01' not read")
    assert found.of_kind("azurerm_storage_blob") == []
