"""The rendered plan has the shape of ``terraform show -json`` (checked against real plans)."""

from __future__ import annotations

from typing import Any

import pytest

from archproof.estates import build, plan_document, render_plan
from archproof.estates.evaluate import EstateError
from archproof.estates.model import Estate, EstateResource, ref


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    return plan_document(build("bragabot"))


def _planned(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    root = plan["planned_values"]["root_module"]
    found = {r["address"]: r for r in root["resources"]}
    for child in root.get("child_modules", []):
        found.update({r["address"]: r for r in child["resources"]})
    return found


def _changes(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["address"]: c for c in plan["resource_changes"]}


def _config(plan: dict[str, Any], module: str = "") -> dict[str, dict[str, Any]]:
    node = plan["configuration"]["root_module"]
    if module:
        node = node["module_calls"][module]["module"]
    return {r["address"]: r for r in node["resources"]}


def test_top_level_is_a_terraform_1_2_format_plan(plan: dict[str, Any]) -> None:
    assert plan["format_version"] == "1.2"
    assert plan["terraform_version"] == "1.9.8"
    assert {
        "planned_values",
        "resource_changes",
        "configuration",
        "output_changes",
        "relevant_attributes",
    } <= set(plan)
    assert "timestamp" not in plan  # deterministic output
    provider = plan["configuration"]["provider_config"]["aws"]
    assert provider["full_name"] == "registry.terraform.io/hashicorp/aws"
    assert provider["expressions"]["region"] == {"constant_value": "us-east-1"}


def test_every_instance_is_planned_and_created_from_nothing(plan: dict[str, Any]) -> None:
    planned, changes = _planned(plan), _changes(plan)
    assert set(planned) == set(changes)
    for change in changes.values():
        assert change["change"]["actions"] == ["create"]
        assert change["change"]["before"] is None
        assert change["provider_name"] == "registry.terraform.io/hashicorp/aws"
        assert change["mode"] == "managed"


def test_network_resources_live_in_the_network_module(plan: dict[str, Any]) -> None:
    children = plan["planned_values"]["root_module"]["child_modules"]
    assert [c["address"] for c in children] == ["module.network"]
    assert all(r["address"].startswith("module.network.") for r in children[0]["resources"])
    change = _changes(plan)["module.network.aws_vpc.main"]
    assert change["module_address"] == "module.network"
    assert "module_address" not in _changes(plan)["aws_lb.app"]


def test_per_zone_resources_use_count_indexes(plan: dict[str, Any]) -> None:
    planned = _planned(plan)
    for tier, cidrs in (
        ("public", ("10.20.0.0/24", "10.20.1.0/24")),
        ("private", ("10.20.10.0/24", "10.20.11.0/24")),
        ("data", ("10.20.20.0/24", "10.20.21.0/24")),
    ):
        for index, cidr in enumerate(cidrs):
            subnet = planned[f"module.network.aws_subnet.{tier}[{index}]"]
            assert subnet["index"] == index
            assert subnet["values"]["cidr_block"] == cidr
            assert subnet["values"]["availability_zone"] == ("us-east-1a", "us-east-1b")[index]
    assert planned["module.network.aws_subnet.public[0]"]["values"]["tags"] == {
        "Name": "bragabot-public-us-east-1a",
        "Tier": "public",
    }
    assert planned["module.network.aws_subnet.data[1]"]["values"]["tags"]["Tier"] == "isolated"
    assert "index" not in planned["module.network.aws_vpc.main"]
    subnet_config = _config(plan, "network")["aws_subnet.private"]
    assert subnet_config["count_expression"] == {"references": ["var.azs"]}


def test_unknown_values_are_absent_from_values_and_true_in_after_unknown(
    plan: dict[str, Any],
) -> None:
    planned, changes = _planned(plan), _changes(plan)
    subnet = "module.network.aws_subnet.private[0]"
    assert "vpc_id" not in planned[subnet]["values"] and "id" not in planned[subnet]["values"]
    assert changes[subnet]["change"]["after_unknown"]["vpc_id"] is True
    assert changes[subnet]["change"]["after_unknown"]["arn"] is True
    lb = changes["aws_lb.app"]["change"]
    assert "subnets" not in lb["after"] and lb["after_unknown"]["subnets"] is True
    assert lb["after"]["internal"] is False and "internal" not in lb["after_unknown"]
    assert lb["after"]["access_logs"] == [{"enabled": True, "prefix": "alb"}]
    assert lb["after_unknown"]["access_logs"] == [{"bucket": True}]
    route = changes["module.network.aws_route_table.private[1]"]["change"]
    assert route["after"]["route"][0]["cidr_block"] == "0.0.0.0/0"
    assert "nat_gateway_id" not in route["after"]["route"][0]
    assert route["after_unknown"]["route"] == [{"nat_gateway_id": True}]


def test_known_references_are_resolved_at_plan_time(plan: dict[str, Any]) -> None:
    changes = _changes(plan)
    alarm = changes["aws_cloudwatch_metric_alarm.nodes_cpu_high"]["change"]["after"]
    assert alarm["dimensions"] == {"AutoScalingGroupName": "bragabot-k8s-nodes"}
    profile = changes["aws_iam_instance_profile.node"]["change"]["after"]
    assert profile["role"] == "bragabot-k8s-node"
    db = changes["aws_db_instance.main"]["change"]
    assert db["after"]["db_subnet_group_name"] == "bragabot-db"
    assert db["after"]["multi_az"] is True and db["after"]["storage_encrypted"] is True
    assert db["after_unknown"]["kms_key_id"] is True


def test_configuration_keeps_references_and_constants(plan: dict[str, Any]) -> None:
    root = _config(plan)
    lb = root["aws_lb.app"]["expressions"]
    assert lb["subnets"] == {"references": ["module.network.public_subnet_ids", "module.network"]}
    assert lb["security_groups"] == {
        "references": ["aws_security_group.lb.id", "aws_security_group.lb"]
    }
    assert lb["access_logs"][0]["enabled"] == {"constant_value": True}
    assert root["aws_lb.app"]["depends_on"] == ["aws_s3_bucket_policy.logs"]
    bastion = root["aws_instance.bastion"]["expressions"]
    assert bastion["subnet_id"] == {
        "references": [
            "module.network.public_subnet_ids[0]",
            "module.network.public_subnet_ids",
            "module.network",
        ]
    }
    listener = root["aws_lb_listener.http"]["expressions"]["default_action"][0]
    assert listener["type"] == {"constant_value": "redirect"}
    assert listener["redirect"][0]["status_code"] == {"constant_value": "HTTP_301"}
    network = _config(plan, "network")
    association = network["aws_route_table_association.private"]["expressions"]
    assert association["route_table_id"] == {
        "references": ["aws_route_table.private", "count.index"]
    }
    subnet = network["aws_subnet.public"]["expressions"]
    assert subnet["availability_zone"] == {"references": ["var.azs", "count.index"]}
    assert subnet["tags"] == {"references": ["var.name", "var.azs", "count.index"]}
    # attributes-as-blocks (routes, rules) are one expression, as Terraform reports them
    assert network["aws_route_table.public"]["expressions"]["route"] == {
        "references": ["aws_internet_gateway.main.id", "aws_internet_gateway.main"]
    }


def test_module_call_has_source_inputs_outputs_and_variables(plan: dict[str, Any]) -> None:
    call = plan["configuration"]["root_module"]["module_calls"]["network"]
    assert call["source"] == "./modules/network"
    assert call["expressions"]["azs"] == {"constant_value": ["us-east-1a", "us-east-1b"]}
    outputs = call["module"]["outputs"]
    assert outputs["private_subnet_ids"]["expression"] == {"references": ["aws_subnet.private"]}
    assert outputs["vpc_id"]["expression"] == {"references": ["aws_vpc.main.id", "aws_vpc.main"]}
    assert set(call["module"]["variables"]) == set(call["expressions"])
    assert plan["output_changes"]["lb_dns_name"]["after_unknown"] is True
    assert plan["planned_values"]["outputs"]["vpc_id"] == {"sensitive": False}


def test_policy_documents_are_planned_minified() -> None:
    changes = _changes(plan_document(build("bragabot")))
    policy = changes["aws_iam_role_policy.node"]["change"]["after"]["policy"]
    assert policy.startswith('{"Version":"2012-10-17","Statement":[{"Action":')
    trust = changes["aws_iam_role.node"]["change"]["after"]["assume_role_policy"]
    assert trust.startswith('{"Statement":[')


def test_rendering_is_deterministic() -> None:
    assert render_plan(build("bragabot")) == render_plan(build("bragabot"))


@pytest.mark.parametrize("zones", [1, 3])
def test_zone_count_is_a_parameter(zones: int) -> None:
    from archproof.estates.bragabot import build as bragabot

    planned = _planned(plan_document(bragabot(zones=zones)))
    for tier in ("public", "private", "data"):
        found = [a for a in planned if a.startswith(f"module.network.aws_subnet.{tier}[")]
        assert len(found) == zones
    assert len([a for a in planned if "aws_nat_gateway" in a]) == zones


def test_attributes_outside_the_provider_schema_are_refused() -> None:
    estate = Estate(
        "typo",
        "us-east-1",
        (
            EstateResource("aws_vpc", "main", {"cidr": "10.0.0.0/16"}),
            EstateResource("aws_subnet", "a", {"vpc_id": ref("aws_vpc.main.id")}),
        ),
    )
    with pytest.raises(EstateError, match=r"aws_vpc\.main: not in the provider schema: cidr"):
        plan_document(estate)


def test_security_group_rules_are_resources_naming_their_source(plan: dict[str, Any]) -> None:
    changes, root = _changes(plan), _config(plan)
    group = changes["aws_security_group.app"]["change"]
    assert "ingress" not in group["after"] and group["after_unknown"]["ingress"] is True
    assert "ingress" not in root["aws_security_group.app"]["expressions"]
    rules = {a for a, c in changes.items() if c["type"].startswith("aws_vpc_security_group_")}
    assert len(rules) == 9
    ssh = changes["aws_vpc_security_group_ingress_rule.app_ssh"]["change"]
    assert {k: ssh["after"][k] for k in ("ip_protocol", "from_port", "to_port", "cidr_ipv4")} == {
        "ip_protocol": "tcp",
        "from_port": 22,
        "to_port": 22,
        "cidr_ipv4": None,
    }
    assert ssh["after"]["tags_all"] == {}  # plugin-framework resource: known when untagged
    assert ssh["after_unknown"]["referenced_security_group_id"] is True
    expressions = root["aws_vpc_security_group_ingress_rule.app_ssh"]["expressions"]
    assert expressions["referenced_security_group_id"] == {
        "references": ["aws_security_group.bastion.id", "aws_security_group.bastion"]
    }
    assert expressions["security_group_id"] == {
        "references": ["aws_security_group.app.id", "aws_security_group.app"]
    }
    out = changes["aws_vpc_security_group_egress_rule.app_out"]["change"]["after"]
    assert (out["ip_protocol"], out["from_port"], out["to_port"]) == ("-1", None, None)
    assert not any(r.startswith("aws_vpc_security_group_egress_rule.db") for r in rules)


def test_untagged_tags_all_follows_the_provider_framework() -> None:
    estate = Estate(
        "untagged",
        "us-east-1",
        (
            EstateResource("aws_sns_topic", "t", {"name": "t"}),
            EstateResource(
                "aws_vpc_security_group_ingress_rule",
                "r",
                {"security_group_id": "sg-1", "ip_protocol": "-1", "cidr_ipv4": "10.0.0.0/8"},
            ),
        ),
    )
    changes = _changes(plan_document(estate))
    topic = changes["aws_sns_topic.t"]["change"]  # SDKv2: unknown until apply
    assert "tags_all" not in topic["after"] and topic["after_unknown"]["tags_all"] is True
    rule = changes["aws_vpc_security_group_ingress_rule.r"]["change"]
    assert rule["after"]["tags_all"] == {} and rule["after_unknown"]["tags_all"] == {}
