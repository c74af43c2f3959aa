"""Names and numbers the Libertum estate's parts share."""

from __future__ import annotations

from typing import Any

from archproof.estates.model import ref

__all__ = [
    "ACR_NAME",
    "ADMIN_CIDR",
    "BACKUP_CONTAINER",
    "LOCATION",
    "NAME",
    "PRIVATE_CIDR",
    "PUBLIC_CIDR",
    "REGION",
    "RESOURCE_GROUP",
    "SERVICE_CIDR",
    "STORAGE_NAME",
    "SUBSCRIPTION",
    "TENANT",
    "VNET_CIDR",
    "ZONES",
    "placed",
]

NAME = "libertum"
LOCATION = "westeurope"
REGION = LOCATION  # the estates' common vocabulary calls it a region
SUBSCRIPTION = "3f6c2a9e-5b1d-4c7a-9e8f-1a2b3c4d5e6f"  # a made-up subscription id
TENANT = "7d1e4b2c-8a3f-4e6d-b5c9-0f1e2d3c4b5a"  # a made-up Entra ID tenant
RESOURCE_GROUP = "rg-libertum-prod"
VNET_CIDR = "10.40.0.0/16"
PUBLIC_CIDR = "10.40.0.0/22"  # ingress-facing: the system node pool behind the load balancer
PRIVATE_CIDR = "10.40.8.0/22"  # backend VM and the application node pool
SERVICE_CIDR = "10.41.0.0/16"  # Kubernetes services (outside the VNet's range)
ADMIN_CIDR = "203.0.113.0/24"  # where operators and the CD runners reach the cluster API from
ZONES = ["1", "2", "3"]
ACR_NAME = "libertumacr"
STORAGE_NAME = "stlibertumprod"
BACKUP_CONTAINER = "mongodb-backups"

RG = ref("azurerm_resource_group.main.name")
AT = ref("azurerm_resource_group.main.location")


def placed(name: str, **values: Any) -> dict[str, Any]:
    """The values of a resource named ``name`` in the estate's resource group and location."""
    return {"name": name, "resource_group_name": RG, "location": AT, **values, "tags": tags()}


def tags(**extra: str) -> dict[str, str]:
    return {"system": NAME, "environment": "prod", **extra}
