"""The backend server: one Ubuntu 22.04 VM (Kafka, Redis, MongoDB) in the private subnet.

No public IP; host encryption covers its temporary disk and caches, and its OS disk and
its data disk (MongoDB's files) are managed disks, encrypted at rest.
"""

from __future__ import annotations

from archproof.estates.libertum.common import placed
from archproof.estates.model import EstateResource, ref

VM = "azurerm_linux_virtual_machine.backend"
NIC = "azurerm_network_interface.backend"
BACKEND_IP = "10.40.8.10"
# A made-up key: the estate is never applied.
SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHh4YXJjaHByb29mLWxpYmVydHVtLWJhY2tlbmQtdm0 ops"


def backend_server() -> list[EstateResource]:
    return [
        EstateResource(
            "azurerm_network_interface",
            "backend",
            placed(
                "nic-backend",
                ip_configuration=[
                    {
                        "name": "internal",
                        "subnet_id": ref("azurerm_subnet.private.id"),
                        "private_ip_address_allocation": "Static",
                        "private_ip_address": BACKEND_IP,
                    }
                ],
            ),
        ),
        EstateResource(
            "azurerm_linux_virtual_machine",
            "backend",
            placed(
                "prod-kafka-redis-libertum",
                size="Standard_B2s",  # 2 vCPUs, 4 GiB
                zone="1",
                admin_username="libertum",
                disable_password_authentication=True,
                encryption_at_host_enabled=True,
                network_interface_ids=[ref("azurerm_network_interface.backend.id")],
                admin_ssh_key=[{"username": "libertum", "public_key": SSH_KEY}],
                os_disk=[
                    {
                        "caching": "ReadWrite",
                        "storage_account_type": "Premium_LRS",
                        "disk_size_gb": 30,
                    }
                ],
                source_image_reference=[
                    {
                        "publisher": "Canonical",
                        "offer": "0001-com-ubuntu-server-jammy",
                        "sku": "22_04-lts-gen2",
                        "version": "latest",
                    }
                ],
                identity=[{"type": "SystemAssigned"}],  # uploads the MongoDB dumps
            ),
        ),
        EstateResource(
            "azurerm_managed_disk",
            "backend_data",
            placed(
                "disk-backend-data",
                storage_account_type="Premium_LRS",
                create_option="Empty",
                disk_size_gb=128,
                zone="1",
                public_network_access_enabled=False,
                network_access_policy="DenyAll",
            ),
        ),
        EstateResource(
            "azurerm_virtual_machine_data_disk_attachment",
            "backend_data",
            {
                "managed_disk_id": ref("azurerm_managed_disk.backend_data.id"),
                "virtual_machine_id": ref("azurerm_linux_virtual_machine.backend.id"),
                "lun": 0,
                "caching": "ReadOnly",
            },
        ),
    ]
