"""References as Terraform means them, on a real plan of module-style code (module_style/):
locals (read from the configuration when it is at hand), module outputs built from
expressions, for_each maps and dynamic blocks. Without the configuration, what the plan cannot
say narrows to candidates and stays undecided — never a pass."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archproof.errors import PlanError
from archproof.inventory.access import ingress_rules, security_groups_of
from archproof.inventory.model import Inventory
from archproof.inventory.network import subnets_of, vpc_of
from archproof.sources.plan import load_plan
from archproof.verdict import Verdict
from support.in_process import every_control_spec, judge_all

HERE = Path(__file__).resolve().parent / "module_style"
CONTROLS = ["database-reachable-only-from-app", "ssh-only-from-bastion", "zone-spread"]


@pytest.fixture(scope="module")
def with_configuration() -> Inventory:
    """The plan in its own folder: archproof reads the configuration beside it."""
    return load_plan(HERE / "plan.json")


@pytest.fixture(scope="module")
def plan_only(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    folder = tmp_path_factory.mktemp("plan-only")
    shutil.copy(HERE / "plan.json", folder / "plan.json")
    return load_plan(folder / "plan.json")


def verdicts(inventory: Inventory) -> dict[tuple[str, str], tuple[Verdict, str]]:
    found = judge_all(every_control_spec(CONTROLS), [inventory])
    return {(c, s.split(":", 1)[1]): (v, m) for c, s, v, m in found}


def test_the_configuration_beside_the_plan_is_read(with_configuration: Inventory) -> None:
    assert with_configuration.scope["configuration"] == str(HERE)


def test_a_local_from_the_configuration_links_exactly(with_configuration: Inventory) -> None:
    db = with_configuration.by_address("aws_db_instance.db")
    assert db is not None
    groups, gap = security_groups_of(with_configuration, db)
    assert [g.address for g in groups] == ["module.db_sg.aws_security_group.this[0]"]
    assert gap is None


def test_rules_reach_their_group_through_the_local(with_configuration: Inventory) -> None:
    found = verdicts(with_configuration)
    verdict, message = found[("database-reachable-only-from-app", "aws_db_instance.db")]
    assert verdict is Verdict.FAIL
    assert "tcp/3306 from='10.0.0.0/16'" in message  # each.value.cidr from a module output


def test_blocks_written_one_by_one_keep_their_own_sources(with_configuration: Inventory) -> None:
    """``ingress`` blocks the plan records only as a whole get each block's references."""
    web = with_configuration.by_address("aws_security_group.web")
    assert web is not None
    sources = {
        r.ports: [s.address for s in r.sources] for r in ingress_rules(with_configuration, web)
    }
    assert sources == {
        "tcp/22": ["aws_security_group.bastion"],
        "tcp/80": ["module.app_sg.aws_security_group.this[0]"],
    }
    assert found_verdict(with_configuration, "ssh-only-from-bastion", "aws_security_group.web") is (
        Verdict.PASS
    )


def found_verdict(inventory: Inventory, control: str, address: str) -> Verdict:
    return verdicts(inventory)[(control, address)][0]


def test_without_the_configuration_a_local_narrows_to_its_module(plan_only: Inventory) -> None:
    db = plan_only.by_address("aws_db_instance.db")
    assert db is not None
    groups, gap = security_groups_of(plan_only, db)
    assert groups == [] and gap is not None
    assert "is one of module.db_sg.aws_security_group.endpoints," in gap.reason
    assert "module.db_sg.aws_security_group.this[0]" in gap.reason
    assert "local.this_sg_id in module.db_sg" in gap.reason and "--tf-dir" in gap.reason


def test_without_the_configuration_nothing_undecided_passes(plan_only: Inventory) -> None:
    found = verdicts(plan_only)
    db = found[("database-reachable-only-from-app", "aws_db_instance.db")]
    web = found[("ssh-only-from-bastion", "aws_security_group.web")]
    assert db[0] is Verdict.INCONCLUSIVE
    assert web[0] is Verdict.INCONCLUSIVE  # tcp/22 may come from the app group: not a pass
    assert "the source is one of aws_security_group.bastion" in web[1]


def test_one_candidate_in_the_module_links(plan_only: Inventory) -> None:
    """``vpc_id = local.vpc_id`` in a module holding one VPC: that VPC."""
    subnet = plan_only.by_address('module.network.aws_subnet.database["eu-west-1a"]')
    assert subnet is not None
    vpc = vpc_of(plan_only, subnet)
    assert vpc is not None and vpc.address == "module.network.aws_vpc.this[0]"


def test_a_module_output_built_from_a_for_expression(plan_only: Inventory) -> None:
    group = plan_only.by_address("aws_db_subnet_group.db")
    assert group is not None
    subnets, gap = subnets_of(plan_only, group)
    assert gap is None
    assert sorted(s.address for s in subnets) == [
        'module.network.aws_subnet.database["eu-west-1a"]',
        'module.network.aws_subnet.database["eu-west-1b"]',
    ]
    assert found_verdict(plan_only, "zone-spread", "aws_db_subnet_group.db") is Verdict.PASS


def test_a_dynamic_block_is_read_from_the_configuration(with_configuration: Inventory) -> None:
    endpoints = with_configuration.by_address("module.db_sg.aws_security_group.endpoints")
    assert endpoints is not None
    rules = ingress_rules(with_configuration, endpoints)
    assert [r.cidrs for r in rules if r.origin is endpoints] == [("192.168.0.0/24",)]


def test_a_folder_that_is_not_the_configuration_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "other" {}\n')
    with pytest.raises(PlanError, match="does not hold the plan's configuration"):
        load_plan(HERE / "plan.json", tf_dir=tmp_path)


def test_a_folder_that_is_not_the_configuration_is_not_used_by_default(tmp_path: Path) -> None:
    shutil.copy(HERE / "plan.json", tmp_path / "plan.json")
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "other" {}\n')
    assert load_plan(tmp_path / "plan.json").scope["configuration"] is None
