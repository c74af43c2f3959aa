"""The Libertum reference estate (Azure): the production environment its document describes.

A resource group with a VNet split into a public and a private subnet, each behind its
own NSG (public: HTTP and HTTPS from the internet only; private: VNet-internal only); a
NAT gateway with a static public IP for the private subnet's egress; the backend VM
(Kafka, Redis, MongoDB) in the private subnet without a public IP; AKS over zones 1-3
with the cluster autoscaler, KMS-encrypted secrets, a restricted API and audit logs; ACR
scanned by Defender for Containers; Blob Storage holding the MongoDB dumps; a static
public IP on a Standard load balancer in front of the ingress.

Not in the catalogue of estates the demo provisions (there is no local Azure control
plane yet): build it with :func:`build` and render it with the estates' plan/HCL writers.
"""

from __future__ import annotations

from archproof.estates.libertum import cluster, compute, edge, network, storage
from archproof.estates.libertum.common import LOCATION, NAME, REGION, SUBSCRIPTION
from archproof.estates.libertum.violations import VIOLATIONS
from archproof.estates.model import Estate, Output, ref

PROVIDER_VERSION = "~> 4.0"


def build(subscription_id: str = SUBSCRIPTION) -> Estate:
    """The compliant Libertum production estate."""
    resources = (
        *network.network_resources(),
        *compute.backend_server(),
        *cluster.secrets_key(),
        *cluster.cluster(),
        *cluster.registry(),
        *storage.storage(),
        *edge.load_balancer(),
    )
    return Estate(
        name=NAME,
        region=REGION,
        resources=resources,
        outputs={
            "ingress_ip": Output(
                ref("azurerm_public_ip.ingress.ip_address"), "Where users connect."
            ),
            "registry": Output(
                ref("azurerm_container_registry.main.login_server"), "Where images are pushed."
            ),
            "nat_ip": Output(
                ref("azurerm_public_ip.nat.ip_address"), "The private subnet's egress address."
            ),
        },
        account_id=subscription_id,
        provider_version=PROVIDER_VERSION,
    )


__all__ = ["LOCATION", "REGION", "SUBSCRIPTION", "VIOLATIONS", "build"]
