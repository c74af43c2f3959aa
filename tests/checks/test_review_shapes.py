"""Plan shapes a review of the reference-following code found false verdicts on, each with
the verdict it must get now. Every plan is real ``terraform plan`` JSON of the ``main.tf``
beside it (read too, as the plan's configuration). A shape the plan cannot decide must read
``inconclusive``, never ``pass``: the comment on each row says what the configuration does."""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.sources.plan.load import load_plan
from archproof.spec.model import Spec
from archproof.verdict import Verdict
from support.in_process import every_control_spec, judge_all

SHAPES = Path(__file__).parent / "review_shapes"
PASS, FAIL, INCONCLUSIVE = Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE

CASES = [
    # one for_each block per bucket, all settings off: either bucket may be the open one
    ("s3_block_for_each_over_two_buckets", "s3-not-public", "aws_s3_bucket.a", INCONCLUSIVE),
    ("s3_block_for_each_over_two_buckets", "s3-not-public", "aws_s3_bucket.b", INCONCLUSIVE),
    # an Elastic IP on the instance's network interface is a public address
    ("eip_on_the_instance_interface", "no-public-ip-in-private-tiers", "aws_instance.app", FAIL),
    # local.subnet_ids[0]: one subnet, one zone
    ("asg_subnets_by_local_index", "zone-spread", "aws_autoscaling_group.app", FAIL),
    # a subnet for_each over both VPCs, one flow log on the other subnet only
    ("subnet_for_each_over_two_vpcs", "vpc-flow-logs", "aws_vpc.prod", INCONCLUSIVE),
    ("subnet_for_each_over_two_vpcs", "vpc-flow-logs", "aws_vpc.other", INCONCLUSIVE),
    # source_policy_documents brings in Allow * on *
    ("policy_document_with_admin_source", "no-admin-star-policy", "aws_iam_policy.p", FAIL),
    # NotAction of one action on * allows everything else on everything
    ("policy_allowing_all_but_one_action", "no-admin-star-policy", "aws_iam_policy.json", FAIL),
    ("policy_allowing_all_but_one_action", "no-admin-star-policy", "aws_iam_policy.doc", FAIL),
    # jsonencode(concat(...)) of two documents, one of them Allow * on *
    ("policy_merged_from_two_documents", "no-admin-star-policy", "aws_iam_policy.p", INCONCLUSIVE),
    # coalesce(var.override, own policy): the plan knows it is AdministratorAccess
    (
        "attachment_coalescing_to_admin",
        "no-admin-star-policy",
        "aws_iam_role_policy_attachment.a",
        FAIL,
    ),
    # a replica under another provider, no subnet group: that region's default VPC
    (
        "replica_under_another_provider",
        "workloads-in-private-tiers",
        "aws_db_instance.replica",
        INCONCLUSIVE,
    ),
    # route = [merge(..., vpn gateway), merge(..., internet gateway)]: the plan cannot say which
    ("route_list_with_two_targets", "workloads-in-private-tiers", "aws_instance.app", INCONCLUSIVE),
    ("route_list_with_two_targets", "private-egress-via-nat", "aws_subnet.private", INCONCLUSIVE),
    # local.order[count.index + 1]: either subnet
    ("subnets_by_offset_index", "workloads-in-private-tiers", "aws_instance.app[0]", INCONCLUSIVE),
    # aws_subnet.s[1 - count.index] is s[1], public
    ("subnets_by_offset_index", "workloads-in-private-tiers", "aws_instance.web[0]", FAIL),
    # aws_subnet.s[count.index + 1] is s[1], public here
    ("subnet_by_count_offset", "workloads-in-private-tiers", "aws_instance.api[0]", FAIL),
    # an internet route and an ssh-from-anywhere ACL rule, each for_each over both tables/ACLs
    (
        "route_and_acl_rule_for_each_over_two",
        "nacl-guards-private-subnets",
        "aws_subnet.private",
        INCONCLUSIVE,
    ),
    (
        "route_and_acl_rule_for_each_over_two",
        "workloads-in-private-tiers",
        "aws_instance.app",
        INCONCLUSIVE,
    ),
    # the compliant side: the route and the rule name the public table and ACL only
    (
        "route_and_acl_rule_for_the_public_side",
        "nacl-guards-private-subnets",
        "aws_subnet.private",
        PASS,
    ),
    (
        "route_and_acl_rule_for_the_public_side",
        "workloads-in-private-tiers",
        "aws_instance.app",
        PASS,
    ),
    (
        "route_and_acl_rule_for_the_public_side",
        "subnet-tier-matches-intent",
        "aws_subnet.public",
        PASS,
    ),
    # the default route goes to an internet gateway a data source looks up (at apply), beside
    # a VPN route: the subnet is public, not routed through the VPN gateway
    (
        "route_to_a_looked_up_internet_gateway",
        "subnet-tier-matches-intent",
        "aws_subnet.private_a",
        FAIL,
    ),
    (
        "route_to_a_looked_up_internet_gateway",
        "private-egress-via-nat",
        "aws_subnet.private_a",
        FAIL,
    ),
    # an open ACL associated over a map of subnets may hold either private subnet
    (
        "acl_association_over_a_map_of_subnets",
        "nacl-guards-private-subnets",
        "aws_subnet.private_a",
        INCONCLUSIVE,
    ),
    (
        "acl_association_over_a_map_of_subnets",
        "nacl-guards-private-subnets",
        "aws_subnet.private_b",
        INCONCLUSIVE,
    ),
    # private_a is on one of two strict ACLs (either will do); private_b on the default
    (
        "acl_association_over_a_map_of_strict_acls",
        "nacl-guards-private-subnets",
        "aws_subnet.private_a",
        PASS,
    ),
    (
        "acl_association_over_a_map_of_strict_acls",
        "nacl-guards-private-subnets",
        "aws_subnet.private_b",
        FAIL,
    ),
    # private_a is on a strict or an open ACL: the plan cannot say which
    (
        "acl_association_over_a_map_with_an_open_acl",
        "nacl-guards-private-subnets",
        "aws_subnet.private_a",
        INCONCLUSIVE,
    ),
    # an IAM server certificate whose body (in the configuration) expires in two days
    ("listener_serving_an_iam_certificate", "lb-certificate-valid", "aws_lb_listener.https", FAIL),
    # the same with a body good for five years
    (
        "listener_serving_a_long_lived_iam_certificate",
        "lb-certificate-valid",
        "aws_lb_listener.https",
        PASS,
    ),
    # a second certificate from another account: its expiry is not in the plan
    (
        "listener_with_a_certificate_elsewhere",
        "lb-certificate-valid",
        "aws_lb_listener.https",
        INCONCLUSIVE,
    ),
    # an ARN of this account not in the plan could be anything
    (
        "attachments_external_and_other_partition",
        "no-admin-star-policy",
        "aws_iam_role_policy_attachment.external",
        INCONCLUSIVE,
    ),
    # AdministratorAccess in the GovCloud partition is still AdministratorAccess
    (
        "attachments_external_and_other_partition",
        "no-admin-star-policy",
        "aws_iam_role_policy_attachment.gov",
        FAIL,
    ),
    # element(concat(local.first, local.others), count.index): one of three subnets
    (
        "subnet_by_element_of_concat",
        "workloads-in-private-tiers",
        "aws_instance.app[0]",
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
    verdict, message = found[address]
    assert verdict is expected, message


@pytest.mark.parametrize(
    ("shape", "tier", "zones"),
    [
        # public_b is named public but nothing routes it to the internet
        ("public_by_name_without_route", "public", ["eu-west-1a"]),
        # public_b (tagged public) is wired to the NAT table: it fills no private zone
        ("public_subnet_wired_to_the_private_table", "private", ["eu-west-1a"]),
    ],
)
def test_a_tier_counts_the_zones_of_subnets_whose_routes_and_intent_agree(
    shape: str, tier: str, zones: list[str]
) -> None:
    spec = Spec.model_validate(
        {
            "system": "shapes",
            "cloud": "aws",
            "document": "shapes",
            "requirements": [
                {
                    "id": "R-1",
                    "claim": f"the {tier} tier spans two zones",
                    "source": {"system": "shapes", "section": "network"},
                    "controls": [
                        {"id": "tier-zone-spread", "params": {"tiers": [tier], "min_zones": 2}}
                    ],
                }
            ],
        }
    )
    inventory = load_plan(SHAPES / shape / "plan.json")
    [(_, _, verdict, message)] = judge_all(spec, [inventory])
    assert verdict is FAIL and f"'{tier}': {zones}" in message, message


def test_tiers_of_two_vpcs_in_one_zone_each_span_no_zones() -> None:
    # pooled, the public and the private tier each had two zones; each network has one
    inventory = load_plan(SHAPES / "tiers_split_across_two_vpcs" / "plan.json")
    [(_, _, verdict, message)] = judge_all(every_control_spec(["tier-zone-spread"]), [inventory])
    assert verdict is FAIL, message
    assert """'aws_vpc.net["a"] public': ['eu-west-1a']""" in message
    assert """'aws_vpc.net["b"] private': ['eu-west-1b']""" in message
