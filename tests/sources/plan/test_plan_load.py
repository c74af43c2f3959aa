"""The plan source against real `terraform show -json` files from other projects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archproof.errors import PlanError
from archproof.inventory.model import Unknown, is_unknown
from archproof.inventory.network import subnet_tier
from archproof.sources.plan import load_plan

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "terraform-plans"
PLANS = sorted(p for p in CORPUS.glob("*.json") if not p.name.startswith("corrupted"))


def corpus(name: str) -> Path:
    return CORPUS / name


def test_corpus_is_present() -> None:
    assert len(PLANS) >= 16, f"expected the shared corpus at {CORPUS}"


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_every_real_plan_loads(path: Path) -> None:
    inventory = load_plan(path)
    assert len(inventory) > 0
    for resource in inventory:
        assert resource.kind and resource.address and resource.source == "plan"


def test_state_shaped_file_gets_a_clear_error() -> None:
    with pytest.raises(PlanError, match="not a Terraform plan: it has top-level 'values'"):
        load_plan(corpus("corrupted-state-shaped.json"))


def test_truncated_plan_names_line_and_column(tmp_path: Path) -> None:
    text = corpus("aws-lb-listener-vpc-igw-routes.json").read_text()
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2])
    with pytest.raises(PlanError, match=r"not valid JSON at line 1 column \d+: .*looks truncated"):
        load_plan(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"[1, 2]", "top level is not an object"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_bad_bytes_are_refused_clearly(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    with pytest.raises(PlanError, match=message):
        load_plan(path)


def test_missing_file_is_a_plan_error(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="file not found"):
        load_plan(tmp_path / "none.json")


def test_utf16_plan_from_powershell_loads() -> None:
    inventory = load_plan(corpus("aws-utf16le-bom.json"))
    assert inventory.of_kind("aws_s3_bucket")


def test_count_indexes_and_modules_keep_their_addresses() -> None:
    inventory = load_plan(corpus("aws-module-count-and-for-each-indexes.json"))
    addresses = {r.address for r in inventory}
    assert any('module.ecr_repository_with_for["repository_1"]' in a for a in addresses)
    assert any("module.other_ecr_repository_with_count[6]" in a for a in addresses)


def test_for_each_nested_modules_resolve_references_per_instance() -> None:
    inventory = load_plan(corpus("azurerm-for-each-module-nsg-subnet.json"))
    assocs = inventory.of_kind("azurerm_subnet_network_security_group_association")
    assert assocs
    for assoc in assocs:
        prefix = assoc.address.split(".azurerm_")[0]
        subnets = inventory.related(assoc, "subnet_id")
        assert subnets and all(s.address.startswith(prefix) for s in subnets)


def test_deleted_resources_are_not_planned_architecture() -> None:
    inventory = load_plan(corpus("aws-delete-update-noop-with-drift.json"))
    deleted = inventory.scope["deleted"]
    assert deleted
    assert not any(inventory.by_address(a) for a in deleted)


def test_replacement_with_null_before_is_kept() -> None:
    inventory = load_plan(corpus("aws-replace-create-and-delete.json"))
    assert inventory.of_kind("aws_secretsmanager_secret")


def test_unknown_values_stay_unknown() -> None:
    inventory = load_plan(corpus("aws-lb-listener-vpc-igw-routes.json"))
    vpc = inventory.of_kind("aws_vpc")[0]
    assert isinstance(vpc.get("id"), Unknown)
    assert is_unknown(vpc.get("id"))


def test_resource_without_values_reads_as_unknown() -> None:
    inventory = load_plan(corpus("aws-route53-resource-without-values.json"))
    query_log = inventory.of_kind("aws_route53_query_log")[0]
    assert isinstance(query_log.get("cloudwatch_log_group_arn"), Unknown)


def test_old_alb_type_names_are_normalised() -> None:
    inventory = load_plan(corpus("aws-alb-asg-launch-configuration-nested-modules.json"))
    assert inventory.of_kind("aws_lb") and inventory.of_kind("aws_lb_listener")
    assert not inventory.of_kind("aws_alb")


def test_module_references_give_plan_time_relations() -> None:
    inventory = load_plan(corpus("aws-vpc-module-nat-igw-routes.json"))
    assoc = inventory.by_address("module.vpc.aws_route_table_association.private[1]")
    assert assoc is not None
    assert [s.address for s in inventory.related(assoc, "subnet_id")] == [
        "module.vpc.aws_subnet.private[1]"
    ]


def test_subnet_tiers_follow_the_routes() -> None:
    inventory = load_plan(corpus("aws-vpc-module-nat-igw-routes.json"))
    tiers = {s.address: subnet_tier(inventory, s) for s in inventory.of_kind("aws_subnet")}
    assert tiers["module.vpc.aws_subnet.public[0]"] == "public"
    assert tiers["module.vpc.aws_subnet.private[2]"] == "private"


def test_data_sources_from_prior_state_are_kept() -> None:
    inventory = load_plan(corpus("aws-terragoat-rds-eks-elb-mixed.json"))
    assert any(k.startswith("data.") for k in inventory.kinds())
    db = inventory.of_kind("aws_db_instance")[0]
    assert db.get("publicly_accessible") is True


def test_plan_json_round_trip_shape(tmp_path: Path) -> None:
    """A plan with only resource_changes (no planned_values) still loads."""
    document = json.loads(corpus("aws-asg-launch-template.json").read_text())
    document.pop("planned_values")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    assert load_plan(path).of_kind("aws_autoscaling_group")
