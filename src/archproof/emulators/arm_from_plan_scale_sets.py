"""The writer for VM scale sets (the Linux, Windows, orchestrated and legacy kinds): one
planned scale set → the ``virtualMachineScaleSets`` document ARM returns, with the network
interface configuration every instance gets (subnet, public IP configuration)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archproof.emulators.arm_from_plan_docs import Applied, Doc, _guid, _zones, base, block, value
from archproof.inventory.model import Resource

if TYPE_CHECKING:
    from archproof.emulators.arm_from_plan import Plan

ARM_TYPE = "Microsoft.Compute/virtualMachineScaleSets"
KINDS = (
    "azurerm_linux_virtual_machine_scale_set",
    "azurerm_windows_virtual_machine_scale_set",
    "azurerm_orchestrated_virtual_machine_scale_set",
    "azurerm_virtual_machine_scale_set",
)


def _subnet_id(plan: Plan, r: Resource, nics: str, nic: int, ip: int) -> str:
    """The subnet id of one IP configuration: its value, else the references written for it
    (a plan records nested block references without the innermost indexes)."""
    for path in (
        f"{nics}.{nic}.ip_configuration.{ip}.subnet_id",
        f"{nics}.{nic}.ip_configuration.subnet_id",
        f"{nics}.ip_configuration.subnet_id",
    ):
        found = plan.id_at(r, path)
        if found:
            return found
    return ""


def _text(found: Any, default: str) -> str:
    return found if isinstance(found, str) and found else default


def _sku(r: Resource) -> Doc:
    if r.kind == "azurerm_virtual_machine_scale_set":
        sku = block(r, "sku")
        return {
            "name": sku.get("name") or "Standard_B2s",
            "tier": sku.get("tier") or "Standard",
            "capacity": sku.get("capacity", 1),
        }
    name = value(r, "sku_name" if r.kind.startswith("azurerm_orchestrated") else "sku")
    return {
        "name": name or "Standard_B2s",
        "tier": "Standard",
        "capacity": value(r, "instances", 1),
    }


def _windows(r: Resource) -> bool:
    if r.kind == "azurerm_windows_virtual_machine_scale_set":
        return True
    return r.kind == "azurerm_virtual_machine_scale_set" and bool(
        block(r, "os_profile_windows_config")
    )


def _ip_configurations(plan: Plan, r: Resource, nics: str, index: int, nic: Any) -> list[Doc]:
    public_block = (
        "public_ip_address_configuration"
        if r.kind == "azurerm_virtual_machine_scale_set"
        else "public_ip_address"
    )
    found = []
    items = nic.get("ip_configuration") if isinstance(nic, dict) else None
    for position, item in enumerate(items if isinstance(items, list) else ()):
        if not isinstance(item, dict):
            continue
        version = item.get("version")
        props: Doc = {
            "primary": item.get("primary", position == 0) is True,
            "privateIPAddressVersion": version if isinstance(version, str) and version else "IPv4",
        }
        subnet = _subnet_id(plan, r, nics, index, position)
        if subnet:
            props["subnet"] = {"id": subnet}
        publics = [p for p in item.get(public_block) or () if isinstance(p, dict)]
        if publics:
            public = publics[0]
            idle = public.get("idle_timeout_in_minutes", public.get("idle_timeout"))
            settings: Doc = {"idleTimeoutInMinutes": idle if isinstance(idle, int) else 4}
            label = public.get("domain_name_label")
            if isinstance(label, str) and label:
                settings["dnsSettings"] = {"domainNameLabel": label}
            props["publicIPAddressConfiguration"] = {
                "name": _text(public.get("name"), "public"),
                "properties": settings,
            }
        name = _text(item.get("name"), f"ipconfig{position + 1}")
        found.append({"name": name, "properties": props})
    return found


def scale_set(plan: Plan, r: Resource, out: Applied) -> None:
    doc = base(plan, r, ARM_TYPE, sku=_sku(r), zones=_zones(r))
    legacy = r.kind == "azurerm_virtual_machine_scale_set"
    flexible = r.kind == "azurerm_orchestrated_virtual_machine_scale_set"
    nics = "network_profile" if legacy else "network_interface"
    interfaces = value(r, nics, [])
    configurations = [
        {
            "name": _text(nic.get("name"), f"nic{index + 1}"),
            "properties": {
                "primary": nic.get("primary", index == 0) is True,
                "ipConfigurations": _ip_configurations(plan, r, nics, index, nic),
            },
        }
        for index, nic in enumerate(interfaces if isinstance(interfaces, list) else ())
        if isinstance(nic, dict)
    ]
    os_profile: Doc = {
        "computerNamePrefix": doc["name"][:9],
        "adminUsername": value(r, "admin_username")
        or block(r, "os_profile").get("admin_username", "azureuser"),
    }
    windows = _windows(r)
    if windows:
        os_profile["windowsConfiguration"] = {"provisionVMAgent": True}
    else:
        os_profile["linuxConfiguration"] = {"disablePasswordAuthentication": True}
    doc["properties"].update(
        uniqueId=_guid(doc["id"]),
        orchestrationMode="Flexible" if flexible else "Uniform",
        virtualMachineProfile={
            "osProfile": os_profile,
            "storageProfile": {
                "osDisk": {"osType": "Windows" if windows else "Linux", "createOption": "FromImage"}
            },
            "networkProfile": {"networkInterfaceConfigurations": configurations},
        },
    )
    if flexible:
        doc["properties"]["platformFaultDomainCount"] = value(r, "platform_fault_domain_count", 1)
    else:
        doc["properties"]["upgradePolicy"] = {"mode": value(r, "upgrade_mode", "Manual")}
    out.put(doc)
