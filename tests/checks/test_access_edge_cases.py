"""Access and placement controls on shapes that must never pass silently: prefix-list sources,
addresses known only after apply, workloads that name no subnet."""

from __future__ import annotations

from pathlib import Path

from plan_documents import LATER, plan_file, planned

from archproof.check import CheckRequest, judge
from archproof.run import Run
from archproof.sources.plan import load_plan
from archproof.spec.model import Spec
from archproof.verdict import Verdict


def spec(*controls: str) -> Spec:
    return Spec.model_validate(
        {
            "system": "edge-cases",
            "cloud": "aws",
            "document": "d",
            "roles": {"bastion": {"tags": {"Role": "bastion"}}},
            "params": {"bastion_allowed_cidrs": ["203.0.113.0/24"]},
            "requirements": [
                {
                    "id": "R1",
                    "claim": "c",
                    "source": {"system": "s", "section": "s"},
                    "controls": list(controls),
                }
            ],
        }
    )


def rule(port: int, **addresses: object) -> dict[str, object]:
    base: dict[str, object] = {
        "from_port": port,
        "to_port": port,
        "protocol": "tcp",
        "cidr_blocks": [],
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "security_groups": [],
        "self": False,
        "description": "",
    }
    return {**base, **addresses}


def group(name: str, *rules: dict[str, object], role: str = "") -> dict[str, object]:
    tags = {"Name": name, **({"Role": role} if role else {})}
    return planned(
        f"aws_security_group.{name}", {"name": name, "ingress": list(rules), "tags": tags}
    )


def judged(
    tmp_path: Path, *resources: dict[str, object], controls: tuple[str, ...]
) -> dict[str, Verdict]:
    run = Run(spec(*controls), "default", [load_plan(plan_file(tmp_path, *resources))])
    judge(run, CheckRequest(spec_path="-", reports=tmp_path / "r", quiet=True))
    return {r.resource: r.verdict for r in run.records}


def test_ssh_from_a_prefix_list_is_not_the_bastion(tmp_path: Path) -> None:
    found = judged(
        tmp_path,
        group("app", rule(22, prefix_list_ids=["pl-0123456789abcdef0"])),
        controls=("ssh-only-from-bastion",),
    )
    assert found == {"aws_security_group.app": Verdict.FAIL}


def test_addresses_known_only_after_apply_are_inconclusive(tmp_path: Path) -> None:
    found = judged(
        tmp_path,
        group("app", rule(22, cidr_blocks=LATER)),
        group("jump", rule(22, cidr_blocks=LATER), role="bastion"),
        controls=("ssh-only-from-bastion", "bastion-ingress-allow-list"),
    )
    assert found == {
        "aws_security_group.app": Verdict.INCONCLUSIVE,
        "aws_security_group.jump": Verdict.INCONCLUSIVE,
    }


def test_bastion_allow_list_passes_and_fails(tmp_path: Path) -> None:
    found = judged(
        tmp_path,
        group("jump", rule(22, cidr_blocks=["203.0.113.0/25"]), role="bastion"),
        group("wide", rule(22, cidr_blocks=["0.0.0.0/0"]), role="bastion"),
        controls=("bastion-ingress-allow-list",),
    )
    assert found == {
        "aws_security_group.jump": Verdict.PASS,
        "aws_security_group.wide": Verdict.FAIL,
    }


def test_workload_without_a_subnet_is_never_a_pass(tmp_path: Path) -> None:
    instance = planned(
        "aws_instance.stray",
        {"instance_type": "t3.micro", "subnet_id": None, "associate_public_ip_address": None},
    )
    found = judged(
        tmp_path, instance, controls=("workloads-in-private-tiers", "no-public-ip-in-private-tiers")
    )
    assert found == {"aws_instance.stray": Verdict.INCONCLUSIVE}
