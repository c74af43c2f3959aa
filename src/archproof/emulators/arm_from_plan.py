"""Apply an azurerm plan into ARM documents: what Azure would return once the plan is applied.

Every planned resource gets an ARM id (``/subscriptions/…/resourceGroups/…/providers/…``);
references (the plan's ``refs``, or id values it already knows) become those ids; each
resource is written as the JSON ARM returns for it (the inverse of the live source's
mapping). Relation resources (associations, separate NSG rules, node pools, data disk
attachments, storage containers) land where ARM keeps them: on the subnet, the NSG, the
cluster, the VM. The documents feed ``arm_emulator``.
"""

from __future__ import annotations

import re
from typing import Any

from archproof.emulators import arm_from_plan_docs as net
from archproof.emulators import arm_from_plan_scale_sets as vmss
from archproof.emulators import arm_from_plan_services as svc
from archproof.emulators import arm_from_plan_storage as sto
from archproof.emulators.arm_from_plan_docs import Applied, Writer, value
from archproof.inventory.model import Inventory, Resource

DEFAULT_GROUP = "rg-archproof"
DEFAULT_LOCATION = "westeurope"

# kind → (provider type under the resource group, None for kinds placed elsewhere)
TOP_LEVEL = {
    "azurerm_virtual_network": "Microsoft.Network/virtualNetworks",
    "azurerm_network_security_group": "Microsoft.Network/networkSecurityGroups",
    "azurerm_nat_gateway": "Microsoft.Network/natGateways",
    "azurerm_public_ip": "Microsoft.Network/publicIPAddresses",
    "azurerm_public_ip_prefix": "Microsoft.Network/publicIPPrefixes",
    "azurerm_network_interface": "Microsoft.Network/networkInterfaces",
    "azurerm_lb": "Microsoft.Network/loadBalancers",
    "azurerm_private_endpoint": "Microsoft.Network/privateEndpoints",
    "azurerm_route_table": "Microsoft.Network/routeTables",
    "azurerm_linux_virtual_machine": "Microsoft.Compute/virtualMachines",
    "azurerm_windows_virtual_machine": "Microsoft.Compute/virtualMachines",
    "azurerm_virtual_machine": "Microsoft.Compute/virtualMachines",
    "azurerm_managed_disk": "Microsoft.Compute/disks",
    **dict.fromkeys(vmss.KINDS, vmss.ARM_TYPE),
    "azurerm_availability_set": "Microsoft.Compute/availabilitySets",
    "azurerm_disk_encryption_set": "Microsoft.Compute/diskEncryptionSets",
    "azurerm_kubernetes_cluster": "Microsoft.ContainerService/managedClusters",
    "azurerm_container_registry": "Microsoft.ContainerRegistry/registries",
    "azurerm_storage_account": "Microsoft.Storage/storageAccounts",
    "azurerm_key_vault": "Microsoft.KeyVault/vaults",
    "azurerm_log_analytics_workspace": "Microsoft.OperationalInsights/workspaces",
    "azurerm_user_assigned_identity": "Microsoft.ManagedIdentity/userAssignedIdentities",
}
# kind → (attribute naming the parent (id or name), parent kind, child path segment)
CHILDREN = {
    "azurerm_subnet": ("virtual_network_name", "azurerm_virtual_network", "subnets"),
    "azurerm_network_security_rule": (
        "network_security_group_name",
        "azurerm_network_security_group",
        "securityRules",
    ),
    "azurerm_kubernetes_cluster_node_pool": (
        "kubernetes_cluster_id",
        "azurerm_kubernetes_cluster",
        "agentPools",
    ),
    "azurerm_storage_container": (
        "storage_account_id",
        "azurerm_storage_account",
        "blobServices/default/containers",
    ),
    "azurerm_lb_backend_address_pool": ("loadbalancer_id", "azurerm_lb", "backendAddressPools"),
    "azurerm_lb_probe": ("loadbalancer_id", "azurerm_lb", "probes"),
    "azurerm_lb_rule": ("loadbalancer_id", "azurerm_lb", "loadBalancingRules"),
}
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


# Resources first, then what hangs off them (children, associations, attachments).
WRITERS: dict[str, Writer] = {
    "azurerm_virtual_network": net.virtual_network,
    "azurerm_subnet": net.subnet,
    "azurerm_network_security_group": net.network_security_group,
    "azurerm_network_security_rule": net.security_rule,
    "azurerm_nat_gateway": net.nat_gateway,
    "azurerm_public_ip": net.public_ip,
    "azurerm_public_ip_prefix": net.public_ip_prefix,
    "azurerm_network_interface": net.network_interface,
    "azurerm_lb": net.load_balancer,
    "azurerm_private_endpoint": net.private_endpoint,
    "azurerm_subnet_network_security_group_association": net.subnet_nsg,
    "azurerm_subnet_nat_gateway_association": net.subnet_nat,
    "azurerm_subnet_route_table_association": net.subnet_route_table,
    "azurerm_network_interface_security_group_association": net.nic_nsg,
    "azurerm_nat_gateway_public_ip_association": net.nat_public_ip,
    "azurerm_nat_gateway_public_ip_prefix_association": net.nat_public_ip_prefix,
    "azurerm_linux_virtual_machine": svc.virtual_machine,
    "azurerm_windows_virtual_machine": svc.virtual_machine,
    "azurerm_virtual_machine": svc.virtual_machine,
    "azurerm_managed_disk": svc.managed_disk,
    **dict.fromkeys(vmss.KINDS, vmss.scale_set),
    "azurerm_virtual_machine_data_disk_attachment": svc.data_disk_attachment,
    "azurerm_kubernetes_cluster": svc.kubernetes_cluster,
    "azurerm_kubernetes_cluster_node_pool": svc.node_pool,
    "azurerm_container_registry": svc.container_registry,
    "azurerm_storage_account": sto.storage_account,
    "azurerm_storage_container": sto.storage_container,
    "azurerm_monitor_diagnostic_setting": sto.diagnostic_setting,
    "azurerm_security_center_subscription_pricing": sto.subscription_pricing,
}
ORDER = {
    "azurerm_subnet": 1,
    "azurerm_network_security_rule": 1,
    "azurerm_linux_virtual_machine": 2,
    "azurerm_windows_virtual_machine": 2,
    "azurerm_virtual_machine": 2,
    "azurerm_kubernetes_cluster_node_pool": 2,
    "azurerm_storage_container": 2,
    "azurerm_monitor_diagnostic_setting": 2,
    "azurerm_subnet_network_security_group_association": 3,
    "azurerm_subnet_nat_gateway_association": 3,
    "azurerm_subnet_route_table_association": 3,
    "azurerm_network_interface_security_group_association": 3,
    "azurerm_nat_gateway_public_ip_association": 3,
    "azurerm_nat_gateway_public_ip_prefix_association": 3,
    "azurerm_virtual_machine_data_disk_attachment": 3,
}


class Plan:
    """The plan being applied: ARM ids by address, and reference resolution."""

    def __init__(self, inventory: Inventory, subscription: str) -> None:
        self.inventory = inventory
        self.subscription = subscription
        self._ids: dict[str, str] = {}
        self._busy: set[str] = set()

    # --- names and places ------------------------------------------------------------------

    def target(self, resource: Resource, path: str, kinds: tuple[str, ...] = ()) -> Resource | None:
        for address in resource.refs.get(path, ()):
            found = self.inventory.by_address(address)
            if found is not None and (not kinds or found.kind in kinds):
                return found
        return None

    def name(self, resource: Resource) -> str:
        if resource.kind == "azurerm_security_center_subscription_pricing":
            return str(value(resource, "resource_type", "") or "VirtualMachines")
        found = value(resource, "name")
        if isinstance(found, str) and found:
            return found
        via = self.target(resource, "name")
        if via is not None:
            return self.name(via)
        return _UNSAFE.sub("-", resource.address.rsplit(".", 1)[-1]).strip("-") or "resource"

    def name_at(self, resource: Resource, path: str) -> str:
        found = value(resource, path)
        if isinstance(found, str) and found:
            return found
        via = self.target(resource, path)
        return self.name(via) if via is not None else ""

    def group(self, resource: Resource) -> str:
        return self.name_at(resource, "resource_group_name") or DEFAULT_GROUP

    def location(self, resource: Resource) -> str:
        found = value(resource, "location")
        if isinstance(found, str) and found:
            return found.replace(" ", "").lower()
        via = self.target(resource, "location")
        return self.location(via) if via is not None else DEFAULT_LOCATION

    # --- ids -------------------------------------------------------------------------------

    def arm_id(self, resource: Resource) -> str:
        """The ARM id the resource has once applied ("" for kinds ARM does not hold)."""
        known = self._ids.get(resource.address)
        if known is not None:
            return known
        if resource.address in self._busy:
            return ""
        self._busy.add(resource.address)
        try:
            made = self._make_id(resource)
        finally:
            self._busy.discard(resource.address)
        self._ids[resource.address] = made
        return made

    def _make_id(self, resource: Resource) -> str:
        sub = f"/subscriptions/{self.subscription}"
        kind, name = resource.kind.removeprefix("data."), self.name(resource)
        if kind == "azurerm_resource_group":
            return f"{sub}/resourceGroups/{name}"
        if kind in TOP_LEVEL:
            return f"{sub}/resourceGroups/{self.group(resource)}/providers/{TOP_LEVEL[kind]}/{name}"
        if kind in CHILDREN:
            attribute, parent_kind, segment = CHILDREN[kind]
            parent = self._parent(resource, attribute, parent_kind)
            return f"{parent}/{segment}/{name}" if parent else ""
        if kind == "azurerm_security_center_subscription_pricing":
            return f"{sub}/providers/Microsoft.Security/pricings/{name}"
        if kind == "azurerm_monitor_diagnostic_setting":
            target = self.id_at(resource, "target_resource_id")
            return (
                f"{target}/providers/Microsoft.Insights/diagnosticSettings/{name}" if target else ""
            )
        if kind == "azurerm_key_vault_key":
            vault = self.target(resource, "key_vault_id")
            vault_name = self.name(vault) if vault is not None else "vault"
            return (
                f"https://{vault_name}.vault.azure.net/keys/{name}/0a1b2c3d4e5f40718293a4b5c6d7e8f9"
            )
        return ""

    def _parent(self, resource: Resource, attribute: str, parent_kind: str) -> str:
        via = self.target(resource, attribute, (parent_kind,))
        if via is not None:
            return self.arm_id(via)
        found = value(resource, attribute)
        if isinstance(found, str) and found.startswith("/"):
            return found
        if isinstance(found, str) and found:  # a name: the parent in the same group
            for candidate in self.inventory.of_kind(parent_kind):
                if self.name(candidate) == found:
                    return self.arm_id(candidate)
            return (
                f"/subscriptions/{self.subscription}/resourceGroups/{self.group(resource)}"
                f"/providers/{TOP_LEVEL.get(parent_kind, 'Microsoft.Unknown/unknown')}/{found}"
            )
        if attribute == "storage_account_id":  # 3.x containers name their account
            return self._parent(resource, "storage_account_name", parent_kind)
        return ""

    def id_at(self, resource: Resource, path: str) -> str:
        """The id an attribute points at: its own value when known, else the reference's."""
        ids = self.ids_at(resource, path)
        return ids[0] if ids else ""

    def ids_at(self, resource: Resource, path: str) -> list[str]:
        found = value(resource, path)
        known = [found] if isinstance(found, str) else found if isinstance(found, list) else []
        resolved = [v for v in known if isinstance(v, str) and v]
        if resolved:
            return resolved
        targets = [self.inventory.by_address(a) for a in resource.refs.get(path, ())]
        return [i for i in (self.arm_id(t) for t in targets if t is not None) if i]


def arm_documents_from_plan(inventory: Inventory, subscription: str) -> list[dict[str, Any]]:
    """The ARM documents Azure would hold after applying ``inventory`` (an azurerm plan)."""
    plan = Plan(inventory, subscription)
    applied = Applied()
    for resource in sorted(inventory, key=lambda r: ORDER.get(r.kind, 0)):
        write = WRITERS.get(resource.kind)
        if write is not None:
            write(plan, resource, applied)
    return applied.documents()
