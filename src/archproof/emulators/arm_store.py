"""The documents an ARM emulator serves and how ARM answers a GET for them.

Documents are what Azure Resource Manager returns for a resource (``id``, ``name``,
``type``, ``location``, ``properties``, ``tags``, ``sku``, ``zones``). The store indexes
them by id (ARM ids compare case-insensitively), fills in what ARM itself always adds
(inline subnets and rules, a cluster's agent pools, a storage account's default blob
service, the Free Defender plans), and answers one GET: a resource, a collection (with
``nextLink`` paging), a subscription, or an ARM error.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

Document = dict[str, Any]
Answer = tuple[int, dict[str, Any]]

TENANT = "72f988bf-0000-4000-8000-00000000a7c0"
DEFENDER_PLANS = ("VirtualMachines", "StorageAccounts", "Containers", "KeyVaults", "Arm")
UNPAGED = frozenset({"microsoft.security/pricings"})  # ARM answers these in one list
# parent type → (the ARM property holding children inline, the child collection name)
INLINE_CHILDREN = {
    "microsoft.network/virtualnetworks": ("subnets", "subnets"),
    "microsoft.network/networksecuritygroups": ("securityRules", "securityRules"),
}


def parts(path: str) -> list[str]:
    return [p for p in path.split("/") if p]


def type_of(path: str) -> str:
    """The resource type a path names: ``Microsoft.Network/virtualNetworks/subnets``."""
    segs = parts(path)
    lowered = [s.lower() for s in segs]
    if "providers" not in lowered:
        return "Microsoft.Resources/" + "/".join(segs[2::2]) if len(segs) > 2 else ""
    at = len(lowered) - 1 - lowered[::-1].index("providers")
    if at + 1 >= len(segs):
        return ""
    return "/".join([segs[at + 1], *segs[at + 2 :: 2]])


def is_collection(path: str) -> bool:
    segs = parts(path)
    lowered = [s.lower() for s in segs]
    if "providers" not in lowered:
        return len(segs) % 2 == 1
    at = len(lowered) - 1 - lowered[::-1].index("providers")
    return len(segs[at + 2 :]) % 2 == 1


def error(status: int, code: str, message: str) -> Answer:
    return status, {"error": {"code": code, "message": message}}


class ArmStore:
    """Resource documents by id, and ARM's answer to a GET on any path."""

    def __init__(
        self,
        documents: Iterable[Mapping[str, Any]],
        *,
        forbidden: Collection[str] = (),
        throttled: Collection[str] = (),
        page_size: int = 100,
        subscriptions: Sequence[str] = (),
        principal: str = "00000000-0000-4000-8000-00000000a4c4",
    ) -> None:
        self.forbidden = tuple(f.lower() for f in forbidden)
        self.throttled = tuple(t.lower() for t in throttled)
        self.page_size = max(1, page_size)
        self.principal = principal
        self._docs: dict[str, Document] = {}
        for doc in documents:
            self.put(copy.deepcopy(dict(doc)))
        self.subscriptions = list(
            dict.fromkeys([*subscriptions, *(parts(i)[1] for i in self._docs if len(parts(i)) > 1)])
        )
        self._complete()

    # --- the store -----------------------------------------------------------------------

    def put(self, doc: Document) -> None:
        ident = str(doc.get("id") or "")
        if not ident.startswith("/subscriptions/"):
            raise ValueError(f"an ARM document needs an id under /subscriptions/: {ident!r}")
        doc.setdefault("name", parts(ident)[-1])
        doc.setdefault("type", type_of(ident))
        self._docs[ident.lower()] = doc

    def get(self, ident: str) -> Document | None:
        return self._docs.get(ident.lower().rstrip("/"))

    def documents(self) -> list[Document]:
        return list(self._docs.values())

    def children(self, collection: str) -> list[Document]:
        key = collection.lower().rstrip("/")
        return [d for i, d in self._docs.items() if i.rsplit("/", 1)[0] == key]

    def _complete(self) -> None:
        """What ARM always shows: inline children both ways, agent pools, blob services,
        and a pricing (Free unless given) for each common Defender plan."""
        for doc in list(self._docs.values()):
            inline = INLINE_CHILDREN.get(str(doc["type"]).lower())
            if inline is not None:
                prop, child = inline
                for item in (doc.get("properties") or {}).get(prop) or []:
                    if isinstance(item, dict) and item.get("id") and not self.get(item["id"]):
                        self.put(copy.deepcopy(item))
            kind = str(doc["type"]).lower()
            if kind == "microsoft.containerservice/managedclusters":
                self._agent_pools(doc)
            if kind == "microsoft.storage/storageaccounts":
                self._blob_service(doc)
        for doc in self._docs.values():
            inline = INLINE_CHILDREN.get(str(doc["type"]).lower())
            if inline is not None:
                prop, child = inline
                items = self.children(f"{doc['id']}/{child}")
                doc.setdefault("properties", {})[prop] = [copy.deepcopy(i) for i in items]
        for subscription in self.subscriptions:
            for plan in DEFENDER_PLANS:
                ident = (
                    f"/subscriptions/{subscription}/providers/Microsoft.Security/pricings/{plan}"
                )
                if self.get(ident) is None:
                    self.put(
                        {
                            "id": ident,
                            "name": plan,
                            "type": "Microsoft.Security/pricings",
                            "properties": {"pricingTier": "Free", "freeTrialRemainingTime": "P30D"},
                        }
                    )

    def _agent_pools(self, cluster: Document) -> None:
        collection = f"{cluster['id']}/agentPools"
        for profile in (cluster.get("properties") or {}).get("agentPoolProfiles") or []:
            name = str(profile.get("name") or "")
            if name and self.get(f"{collection}/{name}") is None:
                body = {k: copy.deepcopy(v) for k, v in profile.items() if k != "name"}
                self.put(
                    {
                        "id": f"{collection}/{name}",
                        "name": name,
                        "type": "Microsoft.ContainerService/managedClusters/agentPools",
                        "properties": body,
                    }
                )

    def _blob_service(self, account: Document) -> None:
        ident = f"{account['id']}/blobServices/default"
        if self.get(ident) is None:
            self.put(
                {
                    "id": ident,
                    "name": "default",
                    "type": "Microsoft.Storage/storageAccounts/blobServices",
                    "sku": copy.deepcopy(account.get("sku") or {}),
                    "properties": {
                        "cors": {"corsRules": []},
                        "deleteRetentionPolicy": {"allowPermanentDelete": False, "enabled": False},
                    },
                }
            )

    def ensure_container(self, account: str, container: str) -> bool:
        """A blob container document for ``account/container`` (False: no such account)."""
        for doc in self._docs.values():
            if str(doc["type"]).lower() == "microsoft.storage/storageaccounts" and (
                str(doc.get("name")) == account
            ):
                ident = f"{doc['id']}/blobServices/default/containers/{container}"
                if self.get(ident) is None:
                    self.put(
                        {
                            "id": ident,
                            "name": container,
                            "type": "Microsoft.Storage/storageAccounts/blobServices/containers",
                            "properties": {
                                "publicAccess": "None",
                                "hasImmutabilityPolicy": False,
                                "hasLegalHold": False,
                                "leaseStatus": "Unlocked",
                            },
                        }
                    )
                return True
        return False

    def has_container(self, account: str, container: str) -> bool:
        suffix = f"/blobservices/default/containers/{container.lower()}"
        return any(
            i.endswith(suffix) and i.split("/providers/")[-1].split("/")[2] == account.lower()
            for i in self._docs
        )

    # --- ARM's answers -------------------------------------------------------------------

    def answer(self, path: str, query: Mapping[str, str], base_url: str) -> Answer:
        segs = parts(path)
        if len(segs) < 2 or segs[0].lower() != "subscriptions":
            return error(404, "InvalidResourceType", f"no ARM resource at {path}")
        subscription = segs[1]
        if subscription.lower() not in {s.lower() for s in self.subscriptions}:
            return error(
                404,
                "SubscriptionNotFound",
                f"The subscription '{subscription}' could not be found.",
            )
        if len(segs) == 2:
            return 200, self.subscription_document(subscription)
        kind = type_of(path)
        denied = self._matches(kind, self.forbidden)
        if denied:
            action = f"{kind}/read"
            return error(
                403,
                "AuthorizationFailed",
                f"The client '{self.principal}' with object id '{self.principal}' does not "
                f"have authorization to perform action '{action}' over scope '{path}' or "
                "the scope is invalid. If access was recently granted, please refresh "
                "your credentials.",
            )
        if self._matches(kind, self.throttled):
            return error(429, "TooManyRequests", "The request is being throttled.")
        if not is_collection(path):
            found = self.get(path)
            if found is None:
                return error(
                    404, "ResourceNotFound", f"The Resource '{kind}/{segs[-1]}' was not found."
                )
            return 200, copy.deepcopy(found)
        items = self._collection(path, subscription, kind)
        if kind.lower() in UNPAGED:
            return 200, {"value": [copy.deepcopy(d) for d in items]}
        return 200, self._page(items, path, query, base_url)

    def _collection(self, path: str, subscription: str, kind: str) -> list[Document]:
        segs = parts(path)
        if len(segs) == 3 and segs[2].lower() == "resourcegroups":
            return self.resource_groups(subscription)
        found = self.children(path)
        top_level = len(segs) == 5 and segs[2].lower() == "providers"
        if top_level:
            prefix = f"/subscriptions/{subscription}/".lower()
            known = {id(d) for d in found}
            found += [
                d
                for i, d in self._docs.items()
                if i.startswith(prefix)
                and str(d["type"]).lower() == kind.lower()
                and id(d) not in known
            ]
        return found

    def _page(
        self, items: list[Document], path: str, query: Mapping[str, str], base_url: str
    ) -> dict[str, Any]:
        start = int(query.get("$skiptoken", "0") or 0)
        page = [copy.deepcopy(d) for d in items[start : start + self.page_size]]
        body: dict[str, Any] = {"value": page}
        if start + self.page_size < len(items):
            params = {
                "api-version": query.get("api-version", ""),
                "$skiptoken": start + self.page_size,
            }
            body["nextLink"] = f"{base_url}{path}?{urlencode(params)}"
        return body

    def resource_groups(self, subscription: str) -> list[Document]:
        groups: dict[str, Document] = {}
        for doc in self._docs.values():
            segs = parts(str(doc["id"]))
            if (
                len(segs) > 3
                and segs[1].lower() == subscription.lower()
                and segs[2].lower() == "resourcegroups"
            ):
                groups.setdefault(
                    segs[3].lower(),
                    {
                        "id": f"/subscriptions/{segs[1]}/resourceGroups/{segs[3]}",
                        "name": segs[3],
                        "type": "Microsoft.Resources/resourceGroups",
                        "location": doc.get("location", ""),
                        "properties": {"provisioningState": "Succeeded"},
                    },
                )
        return list(groups.values())

    def subscription_document(self, subscription: str) -> dict[str, Any]:
        return {
            "id": f"/subscriptions/{subscription}",
            "authorizationSource": "RoleBased",
            "subscriptionId": subscription,
            "tenantId": TENANT,
            "displayName": "archproof ARM emulator",
            "state": "Enabled",
            "subscriptionPolicies": {
                "locationPlacementId": "Public_2014-09-01",
                "quotaId": "PayAsYouGo_2014-09-01",
                "spendingLimit": "Off",
            },
        }

    @staticmethod
    def _matches(kind: str, patterns: tuple[str, ...]) -> bool:
        lowered = kind.lower()
        return any(lowered == p or lowered.startswith(p + "/") for p in patterns)
