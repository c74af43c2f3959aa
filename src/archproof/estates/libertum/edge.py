"""The way in: a static public IP across zones on a Standard Azure load balancer.

It forwards HTTP and HTTPS to the ingress controller on the system node pool and
probes it on 443; outbound SNAT is off (egress has its own paths).
"""

from __future__ import annotations

from archproof.estates.libertum.common import ZONES, placed
from archproof.estates.model import EstateResource, ref

LB = ref("azurerm_lb.ingress.id")


def load_balancer() -> list[EstateResource]:
    return [
        EstateResource(
            "azurerm_public_ip",
            "ingress",
            placed("pip-ingress", allocation_method="Static", sku="Standard", zones=list(ZONES)),
        ),
        EstateResource(
            "azurerm_lb",
            "ingress",
            placed(
                "lb-ingress",
                sku="Standard",
                frontend_ip_configuration=[
                    {"name": "ingress", "public_ip_address_id": ref("azurerm_public_ip.ingress.id")}
                ],
            ),
        ),
        EstateResource(
            "azurerm_lb_backend_address_pool", "ingress", {"name": "ingress", "loadbalancer_id": LB}
        ),
        EstateResource(
            "azurerm_lb_probe",
            "ingress",
            {"name": "ingress-https", "loadbalancer_id": LB, "protocol": "Tcp", "port": 443},
        ),
        *(
            EstateResource(
                "azurerm_lb_rule",
                scheme,
                {
                    "name": scheme,
                    "loadbalancer_id": LB,
                    "protocol": "Tcp",
                    "frontend_port": port,
                    "backend_port": port,
                    "frontend_ip_configuration_name": "ingress",
                    "backend_address_pool_ids": [ref("azurerm_lb_backend_address_pool.ingress.id")],
                    "probe_id": ref("azurerm_lb_probe.ingress.id"),
                    "disable_outbound_snat": True,
                },
            )
            for scheme, port in (("http", 80), ("https", 443))
        ),
    ]
