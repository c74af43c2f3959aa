"""The description language: references, templates, pure edits, evaluation order."""

from __future__ import annotations

import pytest

from archproof.estates.evaluate import UNKNOWN, EstateError, Evaluator
from archproof.estates.model import (
    Estate,
    EstateResource,
    Module,
    Output,
    Ref,
    Template,
    fn,
    ref,
    tpl,
)


def test_references_parse_as_terraform_writes_them() -> None:
    assert ref("aws_vpc.main.id").parse() == (("aws_vpc", "main"), (("attr", "id"),))
    assert ref("aws_subnet.private[count.index].id").parse()[1] == (
        ("dyn", "count.index"),
        ("attr", "id"),
    )
    assert ref("aws_subnet.private[*].id").parse()[1][0] == ("splat", "*")
    assert ref("module.network.public_subnet_ids[0]").parse() == (
        ("module", "network", "public_subnet_ids"),
        (("key", 0),),
    )
    assert ref('aws_s3_bucket.b["logs"].arn').parse()[1][0] == ("key", "logs")
    assert [ref(t).kind for t in ("var.azs", "count.index", "each.value", "module.m.o")] == [
        "var",
        "count",
        "each",
        "module",
    ]


@pytest.mark.parametrize("text", ["aws_vpc", "aws_vpc.main.", "module.network", "aws_vpc.main[x]"])
def test_malformed_references_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Ref(text)


def test_templates_split_literal_text_and_references() -> None:
    assert tpl("plain") == "plain"
    assert tpl("${var.name}") == ref("var.name")
    assert tpl("${var.name}-${var.azs[count.index]}") == Template(
        (ref("var.name"), "-", ref("var.azs[count.index]"))
    )


def _estate() -> Estate:
    network = Module(
        "net",
        "./modules/net",
        inputs={"azs": ["us-east-1a", "us-east-1b"], "name": "x"},
        outputs={
            "subnet_ids": Output(ref("aws_subnet.a[*].id")),
            "vpc_id": Output(ref("aws_vpc.main.id")),
        },
    )
    return Estate(
        "small",
        "us-east-1",
        (
            EstateResource(
                "aws_vpc",
                "main",
                {"cidr_block": "10.0.0.0/16", "tags": {"Name": tpl("${var.name}-vpc")}},
                "net",
            ),
            EstateResource(
                "aws_subnet",
                "a",
                {
                    "vpc_id": ref("aws_vpc.main.id"),
                    "availability_zone": ref("var.azs[count.index]"),
                    "cidr_block": tpl("10.0.${count.index}.0/24"),
                },
                "net",
                count=fn("length", ref("var.azs")),
            ),
            EstateResource(
                "aws_s3_bucket",
                "b",
                {"bucket": tpl("b-${each.value}")},
                for_each={"logs": "logs", "data": "data"},
            ),
            EstateResource(
                "aws_lb",
                "app",
                {
                    "subnets": ref("module.net.subnet_ids"),
                    "name": ref('aws_s3_bucket.b["logs"].bucket'),
                },
            ),
        ),
        modules=(network,),
    )


def test_evaluation_expands_instances_in_dependency_order() -> None:
    evaluator = Evaluator(_estate(), lambda _a, _n: UNKNOWN)
    seen = []
    for instance in evaluator.walk():
        seen.append((instance.address, instance.values))
        evaluator.record(instance.address, {**instance.values, "id": f"id-{instance.address}"})
    addresses = [a for a, _ in seen]
    assert addresses.index("module.net.aws_vpc.main") < addresses.index(
        "module.net.aws_subnet.a[0]"
    )
    assert addresses.index("module.net.aws_subnet.a[1]") < addresses.index("aws_lb.app")
    values = dict(seen)
    assert values["module.net.aws_vpc.main"]["tags"] == {"Name": "x-vpc"}
    assert values["module.net.aws_subnet.a[1]"] == {
        "vpc_id": "id-module.net.aws_vpc.main",
        "availability_zone": "us-east-1b",
        "cidr_block": "10.0.1.0/24",
    }
    assert values['aws_s3_bucket.b["data"]'] == {"bucket": "b-data"}
    assert values["aws_lb.app"] == {
        "subnets": ["id-module.net.aws_subnet.a[0]", "id-module.net.aws_subnet.a[1]"],
        "name": "b-logs",
    }


def test_unknown_attributes_propagate_through_templates_and_outputs() -> None:
    evaluator = Evaluator(_estate(), lambda _a, _n: UNKNOWN)
    for instance in evaluator.walk():
        evaluator.record(instance.address, instance.values)
    assert evaluator.output("net", "vpc_id") is UNKNOWN
    assert evaluator.output("net", "subnet_ids") == [UNKNOWN, UNKNOWN]


def test_a_dependency_cycle_is_named() -> None:
    estate = Estate(
        "loop",
        "us-east-1",
        (
            EstateResource("aws_security_group", "a", {"name": ref("aws_security_group.b.name")}),
            EstateResource("aws_security_group", "b", {"name": ref("aws_security_group.a.name")}),
        ),
    )
    with pytest.raises(EstateError, match="cycle"):
        Evaluator(estate, lambda _a, _n: UNKNOWN).ordered()


def test_a_reference_to_a_missing_resource_is_refused() -> None:
    estate = Estate(
        "dangling",
        "us-east-1",
        (EstateResource("aws_subnet", "a", {"vpc_id": ref("aws_vpc.nowhere.id")}),),
    )
    with pytest.raises(EstateError, match=r"aws_subnet\.a: aws_vpc\.nowhere\.id"):
        Evaluator(estate, lambda _a, _n: UNKNOWN).ordered()


def test_edits_return_copies_and_leave_the_original_alone() -> None:
    estate = _estate()
    changed = estate.with_value("module.net.aws_vpc.main", "tags.Name", "other")
    assert changed.resource("module.net.aws_vpc.main").values["tags"] == {"Name": "other"}
    original = estate.resource("module.net.aws_vpc.main").values["tags"]
    assert original == {"Name": tpl("${var.name}-vpc")}
    removed = estate.without_value("aws_lb.app", "name").without("module.net.aws_vpc.main")
    assert "name" not in removed.resource("aws_lb.app").values
    assert not removed.has("module.net.aws_vpc.main") and estate.has("module.net.aws_vpc.main")
    assert estate.with_input("net", "name", "y").module("net").inputs["name"] == "y"
    assert estate.module("net").inputs["name"] == "x"


def test_refs_map_attribute_paths_to_reference_texts() -> None:
    resource = EstateResource(
        "aws_route_table",
        "r",
        {
            "vpc_id": ref("aws_vpc.main.id"),
            "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": ref("aws_internet_gateway.g.id")}],
        },
    )
    assert resource.refs == {
        "vpc_id": ("aws_vpc.main.id",),
        "route.gateway_id": ("aws_internet_gateway.g.id",),
    }
    assert resource.instance_address(0) == "aws_route_table.r[0]"
    assert resource.instance_address("k") == 'aws_route_table.r["k"]'
