"""Microsoft Defender for Cloud plans: the subscription's security pricings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from azure.mgmt.security import SecurityCenter

from archproof.sources.azure.arm import props
from archproof.sources.azure.base import Scan

KINDS = ("azurerm_security_center_subscription_pricing",)


def subscription_pricing(doc: Mapping[str, Any]) -> dict[str, Any]:
    p = props(doc)
    return {
        "id": doc.get("id", ""),
        "resource_type": doc.get("name", ""),
        "tier": p.get("pricingTier", ""),
        "subplan": p.get("subPlan") or "",
        "extension": [
            {
                "name": e.get("name", ""),
                "additional_extension_properties": dict(
                    e.get("additionalExtensionProperties") or {}
                ),
            }
            for e in p.get("extensions") or []
            if isinstance(e, Mapping) and str(e.get("isEnabled", "")).lower() == "true"
        ],
    }


def collect(scan: Scan) -> None:
    security = scan.client(SecurityCenter)
    answer = scan.one(
        "pricings.list",
        KINDS,
        lambda: security.pricings.list(scope_id=f"subscriptions/{scan.subscription}"),
    )
    for doc in (answer or {}).get("value") or []:
        if isinstance(doc, Mapping):
            scan.add(
                "azurerm_security_center_subscription_pricing",
                subscription_pricing(doc),
                document=doc,
            )
