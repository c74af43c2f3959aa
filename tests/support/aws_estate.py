"""Small estates tests build on the moto server, and their verdicts in this process."""

from __future__ import annotations

from typing import Any

from archproof.verdict import Verdict
from support.in_process import every_control_spec, judge_all


def vpc_with_two_subnets(ec2: Any) -> tuple[str, list[str]]:
    """A VPC (10.0.0.0/16) with a subnet in us-east-1a and one in us-east-1b."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in ((1, "a"), (2, "b"))
    ]
    return vpc, subnets


def verdicts(inventory: Any, *controls: str) -> dict[tuple[str, str], tuple[Verdict, str]]:
    """(verdict, message) per (control, subject address) of ``controls`` on ``inventory``."""
    found = judge_all(every_control_spec(controls), [inventory])
    return {(c, s.split(":", 1)[1]): (v, m) for c, s, v, m in found}
