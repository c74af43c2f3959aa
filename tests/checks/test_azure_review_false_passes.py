"""False passes a review found in the Azure controls, each judged the way it was found: on a
small azurerm plan and on the same plan applied to the local Azure Resource Manager and read
back through the real SDK (the live path).

No azurerm provider can be installed here, so the plans are ``terraform show -json``
documents written as Terraform writes them (``plan_documents``), as the other Azure control
tests and the Libertum estate make theirs.

- NSGs: an allow of ICMP, ESP, AH or ``*`` from the internet admits traffic that TCP/UDP port
  ranges do not show; the public tier admits TCP web ports only (UDP and ICMP on request).
- Private subnets: a NIC whose IP configuration is not known may sit in the subnet; VM
  scale sets give their instances public IPs through ``public_ip_address`` blocks.
- Backups: a container is the named one of the right storage account, never a same-named
  container elsewhere.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from plan_documents import LATER, plan_file, planned

from archproof.check import CheckRequest, judge
from archproof.controls.azure_nsg import internet_openings
from archproof.controls.azure_nsg_rules import NsgRule
from archproof.emulators.arm import ArmEmulator, BlobRecord, arm_emulator
from archproof.emulators.arm_from_plan import arm_documents_from_plan
from archproof.inventory.model import Inventory, Resource
from archproof.run import Run
from archproof.sources.azure import AzureOptions, collect_azure
from archproof.sources.plan import load_plan
from archproof.spec.model import Spec
from archproof.verdict import Verdict, VerdictRecord

SUBSCRIPTION = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"
P, F, U = Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE
TIERS = {"tier_names": {"snet-public*": "public", "snet-private*": "private"}}
RG = {"resource_group_name": "rg-review", "location": "westeurope"}
Uses = list[tuple[str, str, dict[str, Any]]]  # requirement, control, params


# --- building the plans ------------------------------------------------------------------------


def network() -> dict[str, Any]:
    return planned(
        "azurerm_virtual_network.main",
        {"name": "vnet-review", "address_space": ["10.60.0.0/16"], "id": LATER, **RG},
    )


def subnet(key: str, tier: str, cidr: str) -> dict[str, Any]:
    return planned(
        f"azurerm_subnet.{key}",
        {
            "name": f"snet-{tier}-{key}",
            "id": LATER,
            "address_prefixes": [cidr],
            "virtual_network_name": "vnet-review",
            "resource_group_name": "rg-review",
        },
        virtual_network_name="azurerm_virtual_network.main.name",
    )


def rule(
    name: str, priority: int, access: str, protocol: str, ports: str, source: str
) -> dict[str, Any]:
    return {
        "name": name,
        "priority": priority,
        "direction": "Inbound",
        "access": access,
        "protocol": protocol,
        "source_port_range": "*",
        "destination_port_range": ports,
        "source_address_prefix": source,
        "destination_address_prefix": "*",
    }


def guarded(key: str, tier: str, cidr: str, *rules: dict[str, Any]) -> list[dict[str, Any]]:
    """A subnet with an NSG of ``rules`` associated."""
    nsg = f"azurerm_network_security_group.{key}"
    return [
        subnet(key, tier, cidr),
        planned(nsg, {"name": f"nsg-{key}", "id": LATER, "security_rule": list(rules), **RG}),
        planned(
            f"azurerm_subnet_network_security_group_association.{key}",
            {"id": LATER, "subnet_id": LATER, "network_security_group_id": LATER},
            subnet_id=f"azurerm_subnet.{key}.id",
            network_security_group_id=f"{nsg}.id",
        ),
    ]


WEB = (
    rule("allow-http", 100, "Allow", "Tcp", "80", "Internet"),
    rule("allow-https", 110, "Allow", "Tcp", "443", "Internet"),
)
DENY_ALL = rule("deny-all", 4096, "Deny", "*", "*", "*")
NSG_PLAN = [
    network(),
    *guarded(
        "icmp",
        "public",
        "10.60.1.0/24",
        *WEB,
        rule("allow-ping", 120, "Allow", "Icmp", "*", "Internet"),
        DENY_ALL,
    ),
    *guarded(
        "esp",
        "public",
        "10.60.2.0/24",
        *WEB,
        rule("allow-ipsec", 130, "Allow", "Esp", "*", "*"),
        DENY_ALL,
    ),
    # HTTP/3 is UDP 443: the document's web ports are TCP
    *guarded(
        "quic",
        "public",
        "10.60.3.0/24",
        *WEB,
        rule("allow-quic", 120, "Allow", "Udp", "443", "Internet"),
        DENY_ALL,
    ),
    *guarded(
        "anyproto",
        "public",
        "10.60.4.0/24",
        rule("allow-https-any", 100, "Allow", "*", "443", "Internet"),
        DENY_ALL,
    ),
    # TCP and UDP denied first; the allow of every protocol still admits ICMP, ESP and AH
    *guarded(
        "shadowed",
        "public",
        "10.60.5.0/24",
        rule("deny-tcp", 100, "Deny", "Tcp", "*", "Internet"),
        rule("deny-udp", 110, "Deny", "Udp", "*", "Internet"),
        rule("allow-rest", 200, "Allow", "*", "*", "Internet"),
    ),
    # a deny of every protocol before the ICMP allow: nothing but the web ports is open
    *guarded(
        "denied",
        "public",
        "10.60.6.0/24",
        *WEB,
        rule("deny-rest", 200, "Deny", "*", "*", "Internet"),
        rule("allow-ping", 300, "Allow", "Icmp", "*", "Internet"),
    ),
    *guarded("web", "public", "10.60.7.0/24", *WEB, DENY_ALL),
    *guarded(
        "picmp",
        "private",
        "10.60.8.0/24",
        rule("vnet", 100, "Allow", "*", "*", "VirtualNetwork"),
        rule("allow-ping", 200, "Allow", "Icmp", "*", "Internet"),
    ),
    *guarded(
        "pah",
        "private",
        "10.60.9.0/24",
        rule("vnet", 100, "Allow", "*", "*", "VirtualNetwork"),
        rule("allow-ah", 200, "Allow", "Ah", "*", "198.51.100.0/24"),
    ),
    *guarded(
        "pclosed",
        "private",
        "10.60.10.0/24",
        rule("vnet", 100, "Allow", "*", "*", "VirtualNetwork"),
        rule("deny-internet", 200, "Deny", "*", "*", "Internet"),
    ),
]
NSG_USES: Uses = [
    ("PUBLIC", "azure-public-nsg-web-only", TIERS),
    ("PRIVATE", "azure-private-nsg-internal-only", TIERS),
    # where a team allows ping or HTTP/3 from the internet it says so
    ("PING", "azure-public-nsg-web-only", {**TIERS, "allowed_protocols": ["Icmp"]}),
    ("QUIC", "azure-public-nsg-web-only", {**TIERS, "allowed_udp_ports": [443]}),
]
NSG_EXPECTED = {
    "PUBLIC": {
        "snet-public-icmp": F,
        "snet-public-esp": F,
        "snet-public-quic": F,
        "snet-public-anyproto": F,
        "snet-public-shadowed": F,
        "snet-public-denied": P,
        "snet-public-web": P,
    },
    "PRIVATE": {"snet-private-picmp": F, "snet-private-pah": F, "snet-private-pclosed": P},
    "PING": {
        "snet-public-icmp": P,
        "snet-public-esp": F,
        "snet-public-quic": F,
        "snet-public-anyproto": F,
        "snet-public-shadowed": F,  # ESP and AH too
        "snet-public-denied": P,
        "snet-public-web": P,
    },
    "QUIC": {
        "snet-public-icmp": F,
        "snet-public-esp": F,
        "snet-public-quic": P,
        # every protocol on 443: TCP and UDP 443, both allowed (the others have no port 443)
        "snet-public-anyproto": P,
        "snet-public-shadowed": F,
        "snet-public-denied": P,
        "snet-public-web": P,
    },
}


def public_ip(key: str) -> dict[str, Any]:
    return planned(
        f"azurerm_public_ip.{key}",
        {"name": f"pip-{key}", "allocation_method": "Static", "sku": "Standard", "id": LATER, **RG},
    )


def nic(key: str, *configurations: dict[str, Any], **refs: str) -> dict[str, Any]:
    return planned(
        f"azurerm_network_interface.{key}",
        {"name": f"nic-{key}", "id": LATER, "ip_configuration": list(configurations), **RG},
        **refs,
    )


def scale_set(kind: str, key: str, public: bool, legacy: bool = False) -> dict[str, Any]:
    """A scale set in ``azurerm_subnet.<key>``; with ``public``, each instance gets a public IP."""
    configuration: dict[str, Any] = {"name": "internal", "primary": True, "subnet_id": LATER}
    if legacy:
        configuration["public_ip_address_configuration"] = (
            [{"name": "pub", "idle_timeout": 4, "domain_name_label": key}] if public else []
        )
        values: dict[str, Any] = {
            "sku": [{"name": "Standard_B2s", "tier": "Standard", "capacity": 2}],
            "upgrade_policy_mode": "Manual",
            "network_profile": [
                {"name": "nic", "primary": True, "ip_configuration": [configuration]}
            ],
            "os_profile_linux_config": [{"disable_password_authentication": True}],
        }
        path = "network_profile__0__ip_configuration__0__subnet_id"
    else:
        configuration["public_ip_address"] = (
            [{"name": "pub", "idle_timeout_in_minutes": 4}] if public else []
        )
        values = {
            "instances": 2,
            "network_interface": [
                {"name": "nic", "primary": True, "ip_configuration": [configuration]}
            ],
        }
        if kind == "azurerm_orchestrated_virtual_machine_scale_set":
            values.update(sku_name="Standard_B2s", platform_fault_domain_count=1)
        else:
            values.update(sku="Standard_B2s", admin_username="ops")
        path = "network_interface__0__ip_configuration__0__subnet_id"
    return planned(
        f"{kind}.{key}",
        {"name": f"vmss-{key}", "id": LATER, **values, **RG},
        **{path: f"azurerm_subnet.{key}.id"},
    )


ADDRESS_PLAN = [
    network(),
    subnet("linux", "private", "10.60.20.0/24"),
    scale_set("azurerm_linux_virtual_machine_scale_set", "linux", public=True),
    subnet("windows", "private", "10.60.21.0/24"),
    scale_set("azurerm_windows_virtual_machine_scale_set", "windows", public=True),
    subnet("flex", "private", "10.60.22.0/24"),
    scale_set("azurerm_orchestrated_virtual_machine_scale_set", "flex", public=True),
    subnet("legacy", "private", "10.60.23.0/24"),
    scale_set("azurerm_virtual_machine_scale_set", "legacy", public=True, legacy=True),
    subnet("quiet", "private", "10.60.24.0/24"),
    scale_set("azurerm_linux_virtual_machine_scale_set", "quiet", public=False),
    # AKS nodes with public IPs: a separate pool, and a default pool in 3.x names
    subnet("pool", "private", "10.60.25.0/24"),
    subnet("nodes", "private", "10.60.26.0/24"),
    planned(
        "azurerm_kubernetes_cluster.aks",
        {
            "name": "aks-review",
            "dns_prefix": "review",
            "id": LATER,
            "default_node_pool": [
                {
                    "name": "system",
                    "vm_size": "Standard_B2s",
                    "node_count": 1,
                    "vnet_subnet_id": LATER,
                    "enable_node_public_ip": True,
                }
            ],
            **RG,
        },
        default_node_pool__0__vnet_subnet_id="azurerm_subnet.nodes.id",
    ),
    planned(
        "azurerm_kubernetes_cluster_node_pool.user",
        {
            "name": "user",
            "vm_size": "Standard_B2s",
            "node_count": 1,
            "kubernetes_cluster_id": LATER,
            "vnet_subnet_id": LATER,
            "node_public_ip_enabled": True,
        },
        kubernetes_cluster_id="azurerm_kubernetes_cluster.aks.id",
        vnet_subnet_id="azurerm_subnet.pool.id",
    ),
]
ADDRESS_EXPECTED = {
    "snet-private-linux": F,
    "snet-private-windows": F,
    "snet-private-flex": F,
    "snet-private-legacy": F,
    "snet-private-quiet": P,
    "snet-private-pool": F,
    "snet-private-nodes": F,
}
# Each of these leaves a NIC (or node pool) that may be in any subnet: one plan each.
UNKNOWN_PLANS = {
    # the whole ip_configuration is known only after apply (a dynamic block over a module output)
    "nic-unknown": [
        network(),
        subnet("app", "private", "10.60.30.0/24"),
        planned(
            "azurerm_network_interface.opaque",
            {"name": "nic-opaque", "id": LATER, "ip_configuration": LATER, **RG},
        ),
    ],
    # two configurations: one in the public subnet, the other's subnet not known, with a public IP
    "nic-second": [
        network(),
        subnet("app", "private", "10.60.30.0/24"),
        subnet("edge", "public", "10.60.31.0/24"),
        public_ip("second"),
        nic(
            "second",
            {"name": "edge", "primary": True, "subnet_id": LATER},
            {"name": "more", "subnet_id": LATER, "public_ip_address_id": LATER},
            ip_configuration__0__subnet_id="azurerm_subnet.edge.id",
            ip_configuration__1__public_ip_address_id="azurerm_public_ip.second.id",
        ),
    ],
    # a node pool with public node IPs whose subnet is not known
    "pool-unknown": [
        network(),
        subnet("app", "private", "10.60.30.0/24"),
        planned(
            "azurerm_kubernetes_cluster_node_pool.opaque",
            {
                "name": "opaque",
                "vm_size": "Standard_B2s",
                "kubernetes_cluster_id": "/subscriptions/x/resourceGroups/rg/providers/"
                "Microsoft.ContainerService/managedClusters/aks",
                "vnet_subnet_id": LATER,
                "node_public_ip_enabled": True,
            },
        ),
    ],
}


# --- judging -----------------------------------------------------------------------------------


def spec(uses: Uses) -> Spec:
    return Spec.model_validate(
        {
            "system": "review",
            "cloud": "azure",
            "document": "Azure review",
            "requirements": [
                {
                    "id": requirement,
                    "claim": "c",
                    "source": {"system": "Libertum", "section": "s"},
                    "controls": [{"id": control, "params": params}],
                }
                for requirement, control, params in uses
            ],
        }
    )


def judged(uses: Uses, inventories: list[Inventory], tmp: Path) -> list[VerdictRecord]:
    run = Run(spec(uses), "prod", inventories)
    judge(run, CheckRequest(spec_path="-", reports=tmp / "reports", quiet=True))
    return run.records


def by_name(
    records: list[VerdictRecord], inventory: Inventory, requirement: str
) -> dict[str, Verdict]:
    """Verdicts of one requirement on one source, by the judged resource's name."""
    found = {}
    for record in records:
        if record.requirement != requirement or record.source != inventory.source:
            continue
        resource = inventory.by_address(record.resource)
        assert resource is not None, record.resource
        found[str(resource.get("name"))] = record.verdict
    return found


def message(records: list[VerdictRecord], source: str, requirement: str, name: str) -> str:
    [found] = [
        r
        for r in records
        if r.source == source and r.requirement == requirement and r.resource.endswith(name)
    ]
    return found.message


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any TCP connection off 127.0.0.1 fails the test (the credential chain included)."""
    real = socket.socket.connect
    outside: list[Any] = []

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = str(address[0])
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = host == "localhost"
            if not loopback:
                outside.append(address)
                raise AssertionError(f"connection outside 127.0.0.1: {address}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield
    assert outside == [], f"connections outside 127.0.0.1: {outside}"


FOREIGN = (
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_TENANT_ID",
    "IDENTITY_ENDPOINT",
    "MSI_ENDPOINT",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_USERNAME",
)


def read_live(emulator: ArmEmulator, monkeypatch: pytest.MonkeyPatch, **options: Any) -> Inventory:
    """The emulator's subscription read through the real SDK and credential chain."""
    for name in FOREIGN:
        monkeypatch.delenv(name, raising=False)
    for name, value in emulator.client_env().items():
        monkeypatch.setenv(name, value)
    return collect_azure(
        AzureOptions(
            endpoint=emulator.endpoint,
            blob_endpoint_template=emulator.blob_endpoint_template,
            **options,
        )
    )


def plan_and_live(
    tmp: Path, resources: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> tuple[Inventory, Inventory]:
    plan = load_plan(plan_file(tmp, *resources), source="plan")
    with arm_emulator(
        arm_documents_from_plan(plan, SUBSCRIPTION), subscriptions=(SUBSCRIPTION,)
    ) as arm:
        live = read_live(arm, monkeypatch)
    assert live.errors == []
    return plan, live


# --- 1. NSGs: every protocol Azure has ---------------------------------------------------------


@pytest.mark.usefixtures("loopback_only")
def test_nsg_protocols_beyond_tcp_and_udp_planned_and_live(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, live = plan_and_live(tmp_path, NSG_PLAN, monkeypatch)
    records = judged(NSG_USES, [plan, live], tmp_path)
    for inventory in (plan, live):
        for requirement, expected in NSG_EXPECTED.items():
            seen = by_name(records, inventory, requirement)
            assert seen == expected, (inventory.source, requirement)
    for source in ("plan", "azure"):
        icmp = message(records, source, "PUBLIC", "icmp")
        assert "Icmp (rule allow-ping)" in icmp and "TCP ports [80, 443]" in icmp, icmp
        assert "Udp 443 (rule allow-quic)" in message(records, source, "PUBLIC", "quic")
        shadowed = message(records, source, "PUBLIC", "shadowed")
        assert all(f"{p} (rule allow-rest)" in shadowed for p in ("Icmp", "Esp", "Ah")), shadowed
        assert "Ah (rule allow-ah)" in message(records, source, "PRIVATE", "pah")


def test_openings_name_the_protocol_and_rule() -> None:
    def nsg_rule(name: str, priority: int, allow: bool, protocol: str, ports: str) -> NsgRule:
        return NsgRule(name, priority, True, allow, protocol, ("*",), (ports,), "t")

    ping = internet_openings([nsg_rule("ping", 100, True, "Icmp", "*")])
    assert [o.describe() for o in ping] == ["Icmp (rule ping)"]
    # for ICMP, Azure reads the port field as the ICMP type: an allow of one type admits ICMP
    assert [
        o.describe() for o in internet_openings([nsg_rule("echo", 100, True, "ICMP", "8")])
    ] == ["Icmp (rule echo)"]
    # ... and a deny of one type leaves the others to a later allow
    echo_denied = [
        nsg_rule("no-echo", 100, False, "Icmp", "8"),
        nsg_rule("all", 200, True, "*", "*"),
    ]
    assert "Icmp (rule all)" in [o.describe() for o in internet_openings(echo_denied)]
    every = internet_openings([nsg_rule("any", 100, True, "*", "*")])
    assert [o.protocol for o in every] == ["Tcp", "Udp", "Icmp", "Esp", "Ah"]
    # a rule of every protocol on some ports: those ports of TCP and UDP (the others have none)
    some = internet_openings([nsg_rule("https", 100, True, "*", "443")])
    assert [o.describe() for o in some] == ["Tcp 443 (rule https)", "Udp 443 (rule https)"]


# --- 2. private subnets: NICs not known, scale sets, node pools ---------------------------------


@pytest.mark.usefixtures("loopback_only")
def test_scale_sets_and_node_pools_with_public_ips_planned_and_live(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, live = plan_and_live(tmp_path, ADDRESS_PLAN, monkeypatch)
    uses: Uses = [("ADDR", "azure-private-no-public-ip", TIERS)]
    records = judged(uses, [plan, live], tmp_path)
    assert by_name(records, plan, "ADDR") == ADDRESS_EXPECTED
    assert by_name(records, live, "ADDR") == ADDRESS_EXPECTED
    linux = message(records, "plan", "ADDR", "azurerm_subnet.linux")
    assert "azurerm_linux_virtual_machine_scale_set.linux" in linux and "public_ip_address" in linux


@pytest.mark.parametrize("case", sorted(UNKNOWN_PLANS))
def test_a_holder_that_may_sit_in_the_private_subnet_is_inconclusive(
    case: str, tmp_path: Path
) -> None:
    plan = load_plan(plan_file(tmp_path, *UNKNOWN_PLANS[case]), source="plan")
    records = judged([("ADDR", "azure-private-no-public-ip", TIERS)], [plan], tmp_path)
    [record] = [r for r in records if r.resource == "azurerm_subnet.app"]
    assert record.verdict is U, record.message
    named = {
        "nic-unknown": "azurerm_network_interface.opaque",
        "nic-second": "azurerm_network_interface.second",
        "pool-unknown": "azurerm_kubernetes_cluster_node_pool.opaque",
    }
    assert named[case] in record.message


# --- 3. backups: the named container of the right storage account ------------------------------

NOW = dt.datetime(2025, 1, 11, 3, 0, tzinfo=dt.UTC)


def dumps(*hours_ago: int) -> list[BlobRecord]:
    return [BlobRecord(f"mongodb-{h}.gz", NOW - dt.timedelta(hours=h), 2048) for h in hours_ago]


def account(key: str) -> list[dict[str, Any]]:
    return [
        planned(
            f"azurerm_storage_account.{key}",
            {
                "name": f"st{key}",
                "account_tier": "Standard",
                "account_replication_type": "ZRS",
                "id": LATER,
                **RG,
            },
        ),
        planned(
            f"azurerm_storage_container.{key}",
            {"name": "mongodb-backups", "storage_account_id": LATER, "id": LATER},
            storage_account_id=f"azurerm_storage_account.{key}.id",
        ),
    ]


FRESHNESS = {"name": "mongodb-*", "max_age_hours": 26, "now": NOW.isoformat()}


@pytest.mark.usefixtures("loopback_only")
def test_a_same_named_container_elsewhere_does_not_satisfy_backup_freshness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the backups go to strecords; an unrelated account holds fresh dumps in a same-named container
    plan = load_plan(plan_file(tmp_path, *account("records"), *account("scratch")), source="plan")
    blobs = {
        "strecords/mongodb-backups": dumps(80, 56),  # the last dump is more than two days old
        "stscratch/mongodb-backups": dumps(5, 29),
    }
    documents = arm_documents_from_plan(plan, SUBSCRIPTION)
    with arm_emulator(documents, blobs, subscriptions=(SUBSCRIPTION,)) as arm:
        # the operator names the container as the spec does: the source lists it everywhere
        bare = read_live(arm, monkeypatch, backup_containers=("mongodb-backups",))
        # the operator names the account: the source lists that container only
        named = read_live(arm, monkeypatch, backup_containers=("strecords/mongodb-backups",))
    assert bare.errors == named.errors == []
    uses: Uses = [
        ("BARE", "azure-backup-fresh", {**FRESHNESS, "containers": ["mongodb-backups"]}),
        (
            "QUALIFIED",
            "azure-backup-fresh",
            {**FRESHNESS, "containers": ["strecords/mongodb-backups"]},
        ),
    ]
    found = {
        (label, r.requirement): r
        for label, inventory in (("bare", bare), ("named", named))
        for r in judged(uses, [inventory], tmp_path / label)
    }
    ambiguous = found[("bare", "BARE")]
    assert ambiguous.verdict is U, ambiguous.message
    assert "strecords" in ambiguous.message and "stscratch" in ambiguous.message
    assert found[("bare", "QUALIFIED")].verdict is F
    # the source's account/container names the account the spec leaves out
    assert found[("named", "BARE")].verdict is F, found[("named", "BARE")].message
    assert found[("named", "QUALIFIED")].verdict is F


def test_backup_container_resolution_on_a_live_shaped_inventory(tmp_path: Path) -> None:
    def blob(account_name: str, name: str, hours_ago: int) -> Resource:
        values = {
            "name": name,
            "storage_account_name": account_name,
            "storage_container_name": "mongodb-backups",
            "last_modified": (NOW - dt.timedelta(hours=hours_ago)).isoformat(),
        }
        return Resource("azurerm_storage_blob", f"{account_name}/{name}", "azure", values)

    def container(account_name: str) -> Resource:
        values = {"name": "mongodb-backups", "storage_account_name": account_name}
        return Resource(
            "azurerm_storage_container", f"{account_name}/mongodb-backups", "azure", values
        )

    one = Inventory(
        "azure",
        [container("strecords"), blob("strecords", "mongodb-1.gz", 3)],
        scope={"backup_containers": ["mongodb-backups"]},
        provides=("azurerm_",),
    )
    # a stale container of the right account and a fresh one elsewhere, the account named
    # by the source's backup_containers option
    two = Inventory(
        "azure:two",
        [
            container("strecords"),
            container("stscratch"),
            blob("strecords", "mongodb-1.gz", 50),
            blob("stscratch", "mongodb-2.gz", 3),
        ],
        scope={"backup_containers": ["strecords/mongodb-backups"]},
        provides=("azurerm_",),
    )
    uses: Uses = [("BARE", "azure-backup-fresh", {**FRESHNESS, "containers": ["mongodb-backups"]})]
    verdicts = {r.source: r.verdict for r in judged(uses, [one, two], tmp_path)}
    assert verdicts == {"azure": P, "azure:two": F}
