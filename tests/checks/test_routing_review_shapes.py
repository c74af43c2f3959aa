"""Routing shapes a review found false passes on: VPC isolation through transit gateways,
summary routes and half-resolved peerings; subnets whose route table the plan cannot name;
default routes to instances and interfaces taken for NAT. Every plan is real ``terraform
plan`` JSON of the ``main.tf`` beside it; the comment on each row says what it does."""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.sources.plan.load import load_plan
from archproof.verdict import Verdict
from support.in_process import every_control_spec, judge_all

SHAPES = Path(__file__).parent / "review_shapes"
PASS, FAIL, INCONCLUSIVE = Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE
ISOLATION = "vpc-isolated-from-nonprod"
SOURCE = ""  # a source-wide control: its one subject

CASES = [
    # --- production VPC isolation ------------------------------------------------------------
    # prod sends 10.0.0.0/8 (dev's 10.1.0.0/16 inside) to a gateway both are attached to
    ("tgw_summary_route_to_nonprod", ISOLATION, SOURCE, FAIL),
    # both attached to one gateway with its default association and propagation
    ("tgw_attachments_of_prod_and_dev", ISOLATION, SOURCE, FAIL),
    # the gateway's route tables keep them apart, whatever prod's 10.0.0.0/8 route says
    ("tgw_route_tables_apart", ISOLATION, SOURCE, PASS),
    # ... but a static route in prod's gateway table sends dev's range to dev's attachment
    ("tgw_static_route_to_dev", ISOLATION, SOURCE, FAIL),
    # dev's attachment is associated with a gateway route table the plan does not hold
    ("tgw_association_outside_the_plan", ISOLATION, SOURCE, INCONCLUSIVE),
    # 10.0.0.0/8 to a gateway the plan does not hold
    ("summary_route_through_an_outside_tgw", ISOLATION, SOURCE, INCONCLUSIVE),
    # a peering to dev from prod or a shared VPC: the plan cannot say which instance is which
    ("peering_with_an_unresolved_requester", ISOLATION, SOURCE, INCONCLUSIVE),
    # the same from two shared VPCs: whichever is which, prod is in none
    ("peering_with_unresolved_ends_all_apart", ISOLATION, SOURCE, PASS),
    # --- the route table that decides a subnet's tier ------------------------------------------
    # associated with a table outside the plan: its tier cannot be read
    (
        "association_to_a_table_outside_the_plan",
        "workloads-in-private-tiers",
        "aws_instance.app",
        INCONCLUSIVE,
    ),
    # no association: the VPC's main table, which an aws_route sends to the internet
    ("subnet_on_the_vpc_main_table", "workloads-in-private-tiers", "aws_instance.app", FAIL),
    ("subnet_on_the_vpc_main_table", "subnet-tier-matches-intent", "aws_subnet.private", FAIL),
    # no association: the VPC's default route table, adopted with a route to the internet
    ("subnet_on_the_default_route_table", "workloads-in-private-tiers", "aws_instance.app", FAIL),
    # no association, in a VPC outside the plan: that VPC's main table cannot be read
    (
        "subnet_in_a_vpc_outside_the_plan",
        "workloads-in-private-tiers",
        "aws_instance.app",
        INCONCLUSIVE,
    ),
    # --- private egress through NAT --------------------------------------------------------------
    # an ordinary instance (source_dest_check true by default) forwards nothing
    (
        "default_route_to_instances_and_interfaces",
        "private-egress-via-nat",
        "aws_subnet.private_a",
        FAIL,
    ),
    # an interface with source_dest_check = true forwards nothing
    (
        "default_route_to_instances_and_interfaces",
        "private-egress-via-nat",
        "aws_subnet.private_b",
        FAIL,
    ),
    # a NAT instance: source_dest_check = false, in the public subnet
    (
        "default_route_to_instances_and_interfaces",
        "private-egress-via-nat",
        "aws_subnet.private_c",
        PASS,
    ),
    # an interface outside the plan: whether it is a NAT cannot be shown
    (
        "default_route_to_instances_and_interfaces",
        "private-egress-via-nat",
        "aws_subnet.private_d",
        INCONCLUSIVE,
    ),
]


@pytest.mark.parametrize(("shape", "control", "address", "expected"), CASES)
def test_the_shape_gets_its_verdict(
    shape: str, control: str, address: str, expected: Verdict
) -> None:
    inventory = load_plan(SHAPES / shape / "plan.json")
    found = {
        s.split(":", 1)[1]: (v, m)
        for c, s, v, m in judge_all(every_control_spec([control]), [inventory])
    }
    if not address:
        [address] = found
    verdict, message = found[address]
    assert verdict is expected, message
