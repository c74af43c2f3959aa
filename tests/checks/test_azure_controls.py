"""The Azure controls on real plan JSON: the Libertum estate, its seeded violations, hand-made
edge cases, the corpus azurerm plans, and a live-shaped inventory for backup freshness.

Every plan is judged in one run (one pytest session) with one source per plan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from plan_documents import LATER, plan_file, planned

from archproof.check import CheckRequest, judge
from archproof.controls.azure_nsg import internet_openings, port_span, source_reach
from archproof.controls.azure_nsg_rules import NsgRule
from archproof.controls.catalogue import checks_dirs, discover
from archproof.estates import libertum
from archproof.estates.plan_json import render_plan
from archproof.inventory.model import Inventory, Resource, Unknown
from archproof.run import Run
from archproof.sources.plan import load_plan
from archproof.spec.load import load_spec
from archproof.spec.model import Spec
from archproof.verdict import Verdict, VerdictRecord

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "terraform-plans"
TIERS = {"tier_names": {"snet-public*": "public", "snet-private*": "private"}}
CONTROLS: dict[str, dict[str, Any]] = {
    "azure-subnet-tiers": TIERS,
    "azure-public-nsg-web-only": TIERS,
    "azure-private-nsg-internal-only": TIERS,
    "azure-private-no-public-ip": TIERS,
    "azure-private-egress-nat": TIERS,
    "azure-vm-no-public-ip": {},
    "azure-vm-disks-encrypted": {},
    "azure-acr-scanning": {},
    "azure-acr-no-admin": {},
    "azure-storage-encryption": {},
    "azure-storage-secure-transfer": {},
    "azure-storage-no-public-access": {},
    "azure-storage-recovery": {},
}
CLUSTER_CONTROLS = (
    "cluster-api-private",
    "cluster-secrets-encryption",
    "cluster-control-plane-logging",
    "cluster-nodes-across-zones",
    "cluster-autoscaler",
)
# The cluster controls (another file) judge the estate's AKS too, once they are there.
ESTATE_CONTROLS = {
    **CONTROLS,
    **{c: {} for c in CLUSTER_CONTROLS if c in discover(checks_dirs())},
}
PLAN_CONTROLS = set(ESTATE_CONTROLS)
Records = list[VerdictRecord]


def spec(controls: dict[str, dict[str, Any]]) -> Spec:
    return Spec.model_validate(
        {
            "system": "azure-test",
            "cloud": "azure",
            "document": "Azure test",
            "requirements": [
                {
                    "id": f"R-{control}",
                    "claim": "c",
                    "source": {"system": "Libertum", "section": "s"},
                    "controls": [{"id": control, "params": params}],
                }
                for control, params in controls.items()
            ],
        }
    )


def judged(inventories: list[Inventory], tmp: Path, controls: dict[str, dict[str, Any]]) -> Records:
    run = Run(spec(controls), "prod", inventories)
    judge(run, CheckRequest(spec_path="-", reports=tmp / "reports", quiet=True))
    return run.records


def by_source(records: Records, source: str) -> dict[str, set[Verdict]]:
    found: dict[str, set[Verdict]] = {}
    for record in records:
        if record.source == source:
            found.setdefault(record.control, set()).add(record.verdict)
    return found


def failing(records: Records, source: str) -> set[str]:
    return {c for c, v in by_source(records, source).items() if Verdict.FAIL in v}


# --- the Libertum estate and its seeded violations ------------------------------------------


@pytest.fixture(scope="module")
def estate_records(tmp_path_factory: pytest.TempPathFactory) -> Records:
    tmp = tmp_path_factory.mktemp("libertum")
    compliant = libertum.build()
    forms = {"compliant": compliant, **{v.id: v(compliant) for v in libertum.VIOLATIONS}}
    inventories = []
    for name, estate in forms.items():
        path = tmp / f"{name}.json"
        path.write_text(render_plan(estate), encoding="utf-8")
        inventories.append(load_plan(path, source=f"plan:{name}"))
    return judged(inventories, tmp, ESTATE_CONTROLS)


def test_compliant_estate_passes_every_azure_control(estate_records: Records) -> None:
    seen = by_source(estate_records, "plan:compliant")
    assert set(seen) == PLAN_CONTROLS
    messages = [r.message for r in estate_records if r.source == "plan:compliant"]
    assert all(v == {Verdict.PASS} for v in seen.values()), messages


@pytest.mark.parametrize("violation", libertum.VIOLATIONS, ids=lambda v: v.id)
def test_violation_fails_exactly_its_azure_controls(
    estate_records: Records, violation: libertum.violations.Violation
) -> None:
    source = f"plan:{violation.id}"
    assert failing(estate_records, source) == set(violation.controls) & PLAN_CONTROLS
    for record in estate_records:
        if record.source == source and record.verdict is Verdict.FAIL:
            assert "required" in record.message
        if record.source == source and record.control not in violation.controls:
            # a renamed subnet leaves the private-subnet controls with nothing to judge
            absent = record.verdict is Verdict.INCONCLUSIVE and "nothing here" in record.message
            assert record.verdict is Verdict.PASS or absent, record.message


# --- hand-made plans: separate rules, priorities, port ranges, 3.x names --------------------

RG = {"resource_group_name": "rg", "location": "westeurope"}


def rule(
    name: str, priority: int, access: str, ports: Any, source: str, **more: Any
) -> dict[str, Any]:
    values = {
        "name": name,
        "priority": priority,
        "direction": "Inbound",
        "access": access,
        "protocol": "Tcp",
        "source_port_range": "*",
        "source_address_prefix": source,
        "destination_address_prefix": "*",
        **more,
    }
    values["destination_port_range" if isinstance(ports, str) else "destination_port_ranges"] = (
        ports
    )
    return values


def subnet_with_nsg(
    tier: str, name: str, *rules: dict[str, Any], prefixes: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    subnet, nsg = f"azurerm_subnet.{name}", f"azurerm_network_security_group.{name}"
    ranges = {"address_prefixes": list(prefixes)} if prefixes else {}
    return [
        planned(subnet, {"name": f"snet-{tier}-{name}", "id": LATER, **ranges, **RG}),
        planned(nsg, {"name": f"nsg-{name}", "id": LATER, "security_rule": list(rules), **RG}),
        planned(
            f"azurerm_subnet_network_security_group_association.{name}",
            {"id": LATER, "subnet_id": LATER, "network_security_group_id": LATER},
            subnet_id=f"{subnet}.id",
            network_security_group_id=f"{nsg}.id",
        ),
    ]


def separate(name: str, nsg: str, body: dict[str, Any], by_reference: bool) -> dict[str, Any]:
    values = {**body, "id": LATER, "resource_group_name": "rg"}
    if by_reference:
        values["network_security_group_name"] = LATER
        refs = {"network_security_group_name": f"azurerm_network_security_group.{nsg}.name"}
        return planned(f"azurerm_network_security_rule.{name}", values, **refs)
    values["network_security_group_name"] = f"nsg-{nsg}"
    return planned(f"azurerm_network_security_rule.{name}", values)


@pytest.fixture(scope="module")
def edge_records(tmp_path_factory: pytest.TempPathFactory) -> Records:
    tmp = tmp_path_factory.mktemp("edges")
    internet = "Internet"
    resources = [
        # a deny with a lower priority number wins over the later allow of SSH
        *subnet_with_nsg(
            "public",
            "denyfirst",
            rule("deny-ssh", 100, "Deny", "22", "*"),
            rule("allow-ssh", 200, "Allow", "22", internet),
            rule("allow-web", 300, "Allow", ["80", "443"], internet),
        ),
        # the allow comes first: SSH is open
        *subnet_with_nsg(
            "public",
            "allowfirst",
            rule("allow-ssh", 100, "Allow", "22", internet),
            rule("deny-ssh", 200, "Deny", "22", "*"),
        ),
        # a deny narrower than the subnet (one host, an ASG, one source port) shadows nothing
        *[
            item
            for name, narrow in (
                ("denyhost", {"destination_address_prefix": "10.0.1.5"}),
                (
                    "denyasg",
                    {
                        "destination_address_prefix": "",
                        "destination_application_security_group_ids": ["/asg/web"],
                    },
                ),
                ("denyport", {"source_port_range": "1024"}),
                ("denywide", {"destination_address_prefix": "10.0.0.0/16"}),
                ("denyvnet", {"destination_address_prefix": "VirtualNetwork"}),
            )
            for item in subnet_with_nsg(
                "public",
                name,
                rule("deny-ssh", 100, "Deny", "22", "*", **narrow),
                rule("allow-ssh", 200, "Allow", "22", internet),
                prefixes=("10.0.1.0/24",),
            )
        ],
        # a range 80-443 opens everything between the two web ports
        *subnet_with_nsg("public", "range", rule("allow-range", 100, "Allow", "80-443", "*")),
        # private: rules as separate resources (by reference and by name), one from a public CIDR
        *subnet_with_nsg("private", "byref"),
        separate("byref_vnet", "byref", rule("vnet", 100, "Allow", "*", "VirtualNetwork"), True),
        separate(
            "byref_office", "byref", rule("office", 110, "Allow", "22", "198.51.100.0/24"), True
        ),
        *subnet_with_nsg("private", "byname"),
        separate("byname_vnet", "byname", rule("vnet", 100, "Allow", "*", "10.0.0.0/8"), False),
        separate("byname_deny", "byname", rule("deny", 200, "Deny", "*", "Internet"), False),
        separate("byname_late", "byname", rule("late", 300, "Allow", "*", "*"), False),
        # Azure Disk Encryption on a managed disk: 3.x `enabled = false` is not encryption
        *[
            planned(
                f"azurerm_managed_disk.{name}", {"name": name, "encryption_settings": ade, **RG}
            )
            for name, ade in (
                ("adeon", [{"enabled": True, "disk_encryption_key": [{"secret_url": "s"}]}]),
                ("adeoff", [{"enabled": False, "disk_encryption_key": []}]),
                ("ade4x", [{"disk_encryption_key": [{"secret_url": "s"}]}]),
                ("noade", []),
            )
        ],
        # 3.x storage attribute names
        planned(
            "azurerm_storage_account.old",
            {"name": "old", "enable_https_traffic_only": False, "allow_blob_public_access": False},
        ),
        planned(
            "azurerm_storage_account.oldok",
            {"name": "oldok", "enable_https_traffic_only": True, "allow_blob_public_access": True},
        ),
    ]
    path = plan_file(tmp, *resources)
    return judged([load_plan(path)], tmp, CONTROLS)


def verdict_of(records: Records, control: str, address: str) -> Verdict:
    found = [r.verdict for r in records if r.control == control and r.resource == address]
    assert len(found) == 1, (control, address, found)
    return found[0]


@pytest.mark.parametrize(
    ("control", "address", "expected"),
    [
        ("azure-public-nsg-web-only", "azurerm_subnet.denyfirst", Verdict.PASS),
        ("azure-public-nsg-web-only", "azurerm_subnet.allowfirst", Verdict.FAIL),
        ("azure-public-nsg-web-only", "azurerm_subnet.range", Verdict.FAIL),
        ("azure-public-nsg-web-only", "azurerm_subnet.denyhost", Verdict.FAIL),
        ("azure-public-nsg-web-only", "azurerm_subnet.denyasg", Verdict.FAIL),
        ("azure-public-nsg-web-only", "azurerm_subnet.denyport", Verdict.FAIL),
        ("azure-public-nsg-web-only", "azurerm_subnet.denywide", Verdict.PASS),
        ("azure-public-nsg-web-only", "azurerm_subnet.denyvnet", Verdict.PASS),
        ("azure-private-nsg-internal-only", "azurerm_subnet.byref", Verdict.FAIL),
        ("azure-private-nsg-internal-only", "azurerm_subnet.byname", Verdict.PASS),
        ("azure-private-egress-nat", "azurerm_subnet.byname", Verdict.FAIL),
        ("azure-vm-disks-encrypted", "azurerm_managed_disk.adeon", Verdict.PASS),
        ("azure-vm-disks-encrypted", "azurerm_managed_disk.adeoff", Verdict.FAIL),
        ("azure-vm-disks-encrypted", "azurerm_managed_disk.ade4x", Verdict.PASS),
        ("azure-vm-disks-encrypted", "azurerm_managed_disk.noade", Verdict.FAIL),
        ("azure-storage-secure-transfer", "azurerm_storage_account.old", Verdict.FAIL),
        ("azure-storage-secure-transfer", "azurerm_storage_account.oldok", Verdict.PASS),
        ("azure-storage-no-public-access", "azurerm_storage_account.old", Verdict.PASS),
        ("azure-storage-no-public-access", "azurerm_storage_account.oldok", Verdict.FAIL),
    ],
)
def test_edge_cases_on_hand_made_plans(
    edge_records: Records, control: str, address: str, expected: Verdict
) -> None:
    assert verdict_of(edge_records, control, address) is expected


def test_nsg_evaluation_helpers() -> None:
    assert port_span("*") == (0, 65535) and port_span("80-443") == (80, 443)
    assert port_span("80") == (80, 80) and port_span("x") is None
    assert [source_reach(s) for s in ("*", "Internet", "VirtualNetwork", "10.1.0.0/16")] == [
        "all",
        "all",
        "none",
        "none",
    ]
    assert source_reach("203.0.113.0/24") == "some" and source_reach("Storage") == "some"

    def nsg_rule(
        priority: int, allow: bool, ports: str, source: str, protocol: str = "*"
    ) -> NsgRule:
        return NsgRule("r", priority, True, allow, protocol, (source,), (ports,), "test")

    # a deny from one public range does not shadow an allow from the whole internet
    partial = [nsg_rule(100, False, "22", "203.0.113.0/24"), nsg_rule(200, True, "22", "*")]
    assert [(o.low, o.high) for o in internet_openings(partial)] == [(22, 22), (22, 22)]
    # a deny of one destination host leaves the rest of the subnet open; one of the whole
    # subnet (or a range holding it) shadows the allow
    host = NsgRule("d", 100, True, False, "*", ("*",), ("22",), "t", destinations=("10.0.1.5",))
    wide = NsgRule("d", 100, True, False, "*", ("*",), ("22",), "t", destinations=("10.0.0.0/16",))
    allow = nsg_rule(200, True, "22", "*")
    assert len(internet_openings([host, allow], ["10.0.1.0/24"])) == 2
    assert internet_openings([wide, allow], ["10.0.1.0/24"]) == []
    assert len(internet_openings([wide, allow])) == 2  # the subnet's range not known
    # a TCP-only deny leaves UDP open
    udp = internet_openings([nsg_rule(100, False, "*", "*", "Tcp"), nsg_rule(200, True, "53", "*")])
    assert [(o.protocol, o.low) for o in udp] == [("Udp", 53)]


# --- the corpus azurerm plans -----------------------------------------------------------------


def test_corpus_azurerm_plans_run_through_every_control(tmp_path: Path) -> None:
    inventories = [
        load_plan(CORPUS / name, source=f"plan:{name}")
        for name in (
            "azurerm-for-each-module-nsg-subnet.json",
            "azurerm-vnet-subnet-nsg-vm-modules.json",
        )
    ]
    # every corpus subnet gets a tier, so the NSG, NAT and address controls judge them too
    tiers = {"tier_names": {"*app*": "public", "*": "private"}}
    records = judged(inventories, tmp_path, {c: tiers if p else {} for c, p in CONTROLS.items()})
    assert records and not [r.message for r in records if r.verdict is Verdict.ERROR]
    subnets = {r.control for r in records if r.kind == "azurerm_subnet"}
    assert "azure-public-nsg-web-only" in subnets and "azure-private-egress-nat" in subnets
    vms = {r.resource: r.verdict for r in records if r.control == "azure-vm-no-public-ip"}
    windows = "module.windowsservers-pass.azurerm_virtual_machine.vm-windows[0]"
    linux = "module.linuxservers-fail.azurerm_virtual_machine.vm-linux[0]"
    assert vms[windows] is Verdict.FAIL  # its NIC carries azurerm_public_ip.vm[0]
    assert vms[linux] is Verdict.PASS
    tiers_present = {r.source: r.verdict for r in records if r.control == "azure-subnet-tiers"}
    assert tiers_present == {  # only the for_each plan has a subnet named like the app tier
        "plan:azurerm-for-each-module-nsg-subnet.json": Verdict.PASS,
        "plan:azurerm-vnet-subnet-nsg-vm-modules.json": Verdict.FAIL,
    }


# --- backup freshness on a live-shaped inventory ----------------------------------------------


def blob(name: str, container: str, modified: str) -> Resource:
    attributes = {
        "name": name,
        "storage_account_name": "stlibertumprod",
        "storage_container_name": container,
        "last_modified": modified,
        "content_length": 1024,
    }
    return Resource("azurerm_storage_blob", f"{container}/{name}", "azure", attributes)


def test_backup_freshness_on_a_live_inventory(tmp_path: Path) -> None:
    resources = [
        blob("mongodb-2025-01-09.gz", "mongodb-backups", "2025-01-09T02:00:00Z"),
        blob("mongodb-2025-01-10.gz", "mongodb-backups", "2025-01-10T02:00:00+00:00"),
        blob("notes.txt", "mongodb-backups", "2025-01-11T01:00:00Z"),
        blob("mongodb-2025-01-01.gz", "stale", "2025-01-01T02:00:00Z"),
    ]
    live = Inventory(
        "azure", resources, scope={"collected_at": "2025-01-11T03:00:00Z"}, provides=("azurerm_",)
    )
    base = {"name": "mongodb-*", "max_age_hours": 26}
    uses = {
        "fresh": {**base, "containers": ["stlibertumprod/mongodb-backups"]},
        "stale": {**base, "containers": ["stale"]},
        "empty": {**base, "containers": ["nothing-here"]},
        "later": {**base, "containers": ["mongodb-backups"], "now": "2025-01-12T03:00:00Z"},
        "unnamed": base,
    }
    run = Run(
        Spec.model_validate(
            {
                "system": "s",
                "cloud": "azure",
                "document": "d",
                "requirements": [
                    {
                        "id": key,
                        "claim": "c",
                        "source": {"system": "Libertum", "section": "s"},
                        "controls": [{"id": "azure-backup-fresh", "params": params}],
                    }
                    for key, params in uses.items()
                ],
            }
        ),
        "prod",
        [live],
    )
    judge(run, CheckRequest(spec_path="-", reports=tmp_path / "reports", quiet=True))
    verdicts = {r.requirement: r.verdict for r in run.records}
    assert verdicts == {
        "fresh": Verdict.PASS,
        "stale": Verdict.FAIL,
        "empty": Verdict.FAIL,
        "later": Verdict.FAIL,
        "unnamed": Verdict.ERROR,
    }


# --- the Libertum spec on the estate's plan ----------------------------------------------------


def test_libertum_spec_judges_the_estate_plan(tmp_path: Path) -> None:
    policy = Path(__file__).resolve().parents[2] / "policies" / "libertum.yaml"
    spec_ = load_spec(policy, discover(checks_dirs()))
    inventories = []
    for name, estate in (("compliant", libertum.build()), ("open", _ssh_open())):
        path = tmp_path / f"{name}.json"
        path.write_text(render_plan(estate), encoding="utf-8")
        inventories.append(load_plan(path, source=f"plan:{name}"))
    run = Run(spec_, "prod", inventories)
    judge(run, CheckRequest(spec_path="-", reports=tmp_path / "reports", quiet=True))
    compliant = [r for r in run.records if r.source == "plan:compliant"]
    assert len(compliant) > 15
    assert all(r.verdict is Verdict.PASS for r in compliant), [r.message for r in compliant]
    assert failing(run.records, "plan:open") == {"azure-public-nsg-web-only"}


def _ssh_open() -> Any:
    violation = next(v for v in libertum.VIOLATIONS if v.id == "nsg-ssh-from-internet")
    return violation(libertum.build())


def test_an_account_whose_public_access_is_unstated_is_inconclusive(tmp_path: Path) -> None:
    def account(name: str, public: Any) -> Resource:
        values = {"name": name, "allow_nested_items_to_be_public": public}
        return Resource("azurerm_storage_account", f"/accounts/{name}", "azure", values)

    unstated = Unknown("allowBlobPublicAccess not returned by ARM")
    live = Inventory(
        "azure",
        [account("old", unstated), account("closed", False), account("open", True)],
        provides=("azurerm_",),
    )
    records = judged([live], tmp_path, {"azure-storage-no-public-access": {}})
    assert {r.resource: r.verdict for r in records} == {
        "/accounts/old": Verdict.INCONCLUSIVE,
        "/accounts/closed": Verdict.PASS,
        "/accounts/open": Verdict.FAIL,
    }
