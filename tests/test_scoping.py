"""The documented system in a shared account: two systems side by side in one real moto
account (different tags and VPCs; one compliant, one violating). Each spec, scoped to its
system, judges only its own resources; without a scope every resource is judged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from archproof.cli import main
from archproof.inventory.model import Inventory, Resource
from archproof.moto_server import MotoServer
from archproof.scoping import cut
from archproof.spec.model import Spec
from archproof.spec.scope import Scope

REGION = "us-east-1"
SPEC = """\
system: {system}
cloud: aws
document: Two systems in one account
{scope}
roles:
  bastion: {{name: "*-bastion"}}
  app: {{name: "*-app"}}
params:
  bastion_allowed_cidrs: [203.0.113.0/24]
requirements:
  - {{id: NET-1, claim: Workloads sit in private tiers., source: {{system: T, section: N}},
      controls: [workloads-in-private-tiers]}}
  - {{id: ACC-1, claim: Admin access only through the bastion., source: {{system: T, section: A}},
      controls: [ssh-only-from-bastion, bastion-ingress-allow-list]}}
  - {{id: OBS-1, claim: Network flows are logged., source: {{system: T, section: O}},
      controls: [vpc-flow-logs]}}
"""


def _tags(system: str, name: str, **more: str) -> list[dict[str, Any]]:
    tags = {"System": system, "Name": f"{system}-{name}", **more}
    return [{"ResourceType": "", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]


def _tagged(kind: str, system: str, name: str, **more: str) -> list[dict[str, Any]]:
    spec = _tags(system, name, **more)
    spec[0]["ResourceType"] = kind
    return spec


def build_system(ec2: Any, logs: Any, system: str, octet: int, violating: bool) -> dict[str, str]:
    """A VPC with public and private tiers over two zones, a bastion and an app instance; the
    violating one opens SSH to the internet, puts the app in a public subnet, logs no flows."""
    vpc = ec2.create_vpc(
        CidrBlock=f"10.{octet}.0.0/16", TagSpecifications=_tagged("vpc", system, "vpc")
    )["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway(TagSpecifications=_tagged("internet-gateway", system, "igw"))[
        "InternetGateway"
    ]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    subnets: dict[str, str] = {}
    for tier, base in (("public", 1), ("private", 11)):
        for offset, zone in enumerate("ab"):
            subnets[f"{tier}-{zone}"] = ec2.create_subnet(
                VpcId=vpc,
                CidrBlock=f"10.{octet}.{base + offset}.0/24",
                AvailabilityZone=f"{REGION}{zone}",
                TagSpecifications=_tagged("subnet", system, f"{tier}-{zone}", Tier=tier),
            )["Subnet"]["SubnetId"]
    public_rt = ec2.create_route_table(
        VpcId=vpc, TagSpecifications=_tagged("route-table", system, "public")
    )["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    address = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(
        SubnetId=subnets["public-a"],
        AllocationId=address,
        TagSpecifications=_tagged("natgateway", system, "nat"),
    )["NatGateway"]["NatGatewayId"]
    private_rt = ec2.create_route_table(
        VpcId=vpc, TagSpecifications=_tagged("route-table", system, "private")
    )["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    for key, subnet in subnets.items():
        table = public_rt if key.startswith("public") else private_rt
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    bastion_sg = ec2.create_security_group(
        GroupName=f"{system}-bastion",
        Description="bastion",
        VpcId=vpc,
        TagSpecifications=_tagged("security-group", system, "bastion"),
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=bastion_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "203.0.113.0/24"}],
            }
        ],
    )
    app_sg = ec2.create_security_group(
        GroupName=f"{system}-app",
        Description="app",
        VpcId=vpc,
        TagSpecifications=_tagged("security-group", system, "app"),
    )["GroupId"]
    admin: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}
    if violating:
        admin["IpRanges"] = [{"CidrIp": "0.0.0.0/0"}]
    else:
        admin["UserIdGroupPairs"] = [{"GroupId": bastion_sg}]
    ec2.authorize_security_group_ingress(GroupId=app_sg, IpPermissions=[admin])
    instances = {}
    for role, subnet, group in (
        ("bastion", subnets["public-a"], bastion_sg),
        ("app", subnets["public-b" if violating else "private-b"], app_sg),
    ):
        instances[role] = ec2.run_instances(
            ImageId="ami-12345678",
            MinCount=1,
            MaxCount=1,
            InstanceType="t3.micro",
            SubnetId=subnet,
            SecurityGroupIds=[group],
            TagSpecifications=_tagged("instance", system, role),
        )["Instances"][0]["InstanceId"]
    if not violating:
        logs.create_log_group(logGroupName=f"/{system}/flows")
        ec2.create_flow_logs(
            ResourceIds=[vpc],
            ResourceType="VPC",
            TrafficType="ALL",
            LogGroupName=f"/{system}/flows",
            DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow-logs",
        )
    return {"vpc": vpc, "app_sg": app_sg, "app": instances["app"], **subnets}


@pytest.fixture
def shared_account(moto: MotoServer) -> dict[str, dict[str, str]]:
    session = boto3.Session(region_name=REGION)
    ec2, logs = session.client("ec2"), session.client("logs")
    return {
        "good": build_system(ec2, logs, "good", 1, violating=False),
        "bad": build_system(ec2, logs, "bad", 2, violating=True),
    }


def _check(tmp_path: Path, system: str, scope: str) -> tuple[int, dict[str, Any]]:
    spec = tmp_path / f"{system}.yaml"
    spec.write_text(SPEC.format(system=system, scope=scope))
    reports = tmp_path / f"reports-{system}"
    args = ["check", "--spec", str(spec), "--aws", "--aws-region", REGION]
    code = main([*args, "--reports", str(reports), "--no-report", "-q"])
    return code, json.loads((reports / "results.json").read_text())


def _ids(system: dict[str, str]) -> set[str]:
    return set(system.values())


def _failing(results: dict[str, Any]) -> set[tuple[str, str]]:
    return {(r["control"], r["resource"]) for r in results["results"] if r["verdict"] == "fail"}


def test_compliant_system_judged_alone_passes(
    tmp_path: Path, shared_account: dict[str, dict[str, str]]
) -> None:
    code, results = _check(tmp_path, "good", "scope: {tags: {System: good}}")
    judged = {r["resource"] for r in results["results"]}
    assert not judged & _ids(shared_account["bad"]), "a verdict on the other system's resources"
    assert code == 0, [r["message"] for r in results["results"] if r["verdict"] != "pass"]
    (source,) = results["sources"]
    assert source["system_scope"]["out_of_scope"] > 0
    assert {r["status"] for r in results["requirements"]} == {"pass"}


def test_violating_system_judged_alone_fails_exactly_its_violations(
    tmp_path: Path, shared_account: dict[str, dict[str, str]]
) -> None:
    bad = shared_account["bad"]
    code, results = _check(tmp_path, "bad", 'scope: {vpcs: ["bad-vpc"]}')
    assert code == 1
    assert _failing(results) == {
        ("workloads-in-private-tiers", bad["app"]),
        ("ssh-only-from-bastion", bad["app_sg"]),
        ("vpc-flow-logs", bad["vpc"]),
    }
    judged = {r["resource"] for r in results["results"]}
    assert not judged & _ids(shared_account["good"])


def test_without_a_scope_every_resource_is_judged_and_the_summary_says_so(
    tmp_path: Path, shared_account: dict[str, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, results = _check(tmp_path, "good", "")
    assert code == 1  # the other system's violations count against it
    assert _failing(results) & {("vpc-flow-logs", shared_account["bad"]["vpc"])}
    (source,) = results["sources"]
    assert source["system_scope"] is None


# --- the membership rules, on a small inventory ----------------------------------------------


def _res(kind: str, address: str, tags: dict[str, str] | None = None, **refs: str) -> Resource:
    return Resource(
        kind=kind,
        address=address,
        source="plan",
        attributes={},
        tags=tags or {},
        refs={path: (target,) for path, target in refs.items()},
    )


def _members(inv: Inventory, scope: Scope) -> set[str]:
    found = cut(inv, scope)
    assert found is not None
    return {r.address for r in inv if found.holds(r)}


def test_what_the_system_uses_and_attaches_joins_it_another_systems_users_do_not() -> None:
    inv = Inventory(
        "plan",
        [
            _res("aws_vpc", "aws_vpc.shared"),
            _res("aws_subnet", "aws_subnet.app", {"System": "a"}, vpc_id="aws_vpc.shared"),
            _res(
                "aws_instance",
                "aws_instance.app",
                {"System": "a"},
                subnet_id="aws_subnet.app",
                iam_instance_profile="aws_iam_instance_profile.app",
            ),
            _res("aws_iam_role", "aws_iam_role.app"),
            _res(
                "aws_iam_instance_profile",
                "aws_iam_instance_profile.app",
                role="aws_iam_role.app",
            ),
            _res(
                "aws_iam_role_policy_attachment",
                "aws_iam_role_policy_attachment.admin",
                role="aws_iam_role.app",
            ),
            _res(
                "aws_route_table_association",
                "aws_route_table_association.app",
                subnet_id="aws_subnet.app",
                route_table_id="aws_route_table.rt",
            ),
            _res("aws_route_table", "aws_route_table.rt", vpc_id="aws_vpc.shared"),
            _res("aws_subnet", "aws_subnet.other", {"System": "b"}, vpc_id="aws_vpc.shared"),
            _res("aws_security_group", "aws_security_group.other", vpc_id="aws_vpc.shared"),
        ],
    )
    members = _members(inv, Scope(tags={"System": "a"}))
    assert "aws_route_table.rt" in members  # the scoped subnet's route table, untagged
    assert "aws_iam_role_policy_attachment.admin" in members  # attached to a role it uses
    assert "aws_vpc.shared" in members  # what it uses
    assert "aws_subnet.other" not in members  # says it is another system's
    assert "aws_security_group.other" not in members  # another user of the shared VPC


def test_an_alarm_is_the_systems_when_its_dimensions_watch_the_systems_resources() -> None:
    def balancer(system: str) -> Resource:
        arn = f"arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/{system}/50dc6c495c0c"
        return Resource("aws_lb", arn, "live", {}, tags={"System": system}, ids=(arn,))

    def alarm(name: str, watched: str) -> Resource:
        attributes = {"metric_name": "UnHealthyHostCount", "dimensions": {"LoadBalancer": watched}}
        return Resource("aws_cloudwatch_metric_alarm", name, "live", attributes, ids=(name,))

    inv = Inventory(
        "live",
        [
            balancer("a"),
            balancer("b"),
            alarm("a-unhealthy", "app/a/50dc6c495c0c"),
            alarm("b-unhealthy", "app/b/50dc6c495c0c"),
            alarm("account-wide", "nothing"),
        ],
    )
    members = _members(inv, Scope(tags={"System": "a"}))
    assert "a-unhealthy" in members
    assert "b-unhealthy" not in members and "account-wide" not in members


def test_a_module_scope_on_a_real_plan_judges_its_instances_only() -> None:
    from archproof.sources.plan.load import load_plan

    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "terraform-plans"
    inv = load_plan(str(corpus / "aws-module-count-and-for-each-indexes.json"))
    members = _members(inv, Scope(modules=["module.ecr_repository_with_for"]))
    assert members == {
        f'module.ecr_repository_with_for["repository_{n}"].{kind}'
        for n in (1, 2)
        for kind in (
            "aws_ecr_repository.ecr_repository",
            "aws_instance.ecr_repository",
            "data.aws_ami.ubuntu",  # what its instances use (the same AMI elsewhere is not)
        )
    }
    count_members = _members(inv, Scope(modules=["module.ecr_repository_with_count"]))
    assert len(count_members) == 9
    assert all(m.startswith("module.ecr_repository_with_count[") for m in count_members)


# --- what a review of the scope found, each a real plan (tests/checks/review_shapes) -----------

SHAPES = Path(__file__).parent / "checks" / "review_shapes"
SOURCE = "<source>"  # the verdict of a control judging the whole source


def _spec(scope: dict[str, Any] | None, *controls: str, **roles: dict[str, Any]) -> Spec:
    return Spec.model_validate(
        {
            "system": "sys",
            "cloud": "aws",
            "document": "shapes",
            **({"scope": scope} if scope else {}),
            "roles": roles,
            "requirements": [
                {
                    "id": f"R-{n}",
                    "claim": control,
                    "source": {"system": "sys", "section": "s"},
                    "controls": [control],
                }
                for n, control in enumerate(controls)
            ],
        }
    )


SYS = {"tags": {"System": "sys"}}
REVIEW_CASES = [
    # the provider's default_tags put System=sys on a bucket with a Name tag of its own
    ("scope_default_tags", _spec(SYS, "s3-versioning"), {"aws_s3_bucket.uploads": "fail"}),
    # read without its configuration: what points at the system through a local is judged
    (
        "scope_plan_without_configuration",
        _spec(SYS, "http-redirects-to-https", "no-admin-star-policy", bastion={"name": "*b*"}),
        {
            "aws_lb_listener.plain_8080": "fail",
            "aws_iam_role_policy.admin": "fail",
            "aws_iam_role_policy_attachment.admin": "fail",
        },
    ),
    # the system's VPC has only public subnets and no backup plan; another team's has both
    (
        "scope_pooled_tiers_and_backups",
        _spec(SYS, "subnet-tiers-present", "backup-plan-present"),
        {SOURCE: "fail"},
    ),
    # a scope that matches nothing judges nothing: never a pass
    (
        "scope_pooled_tiers_and_backups",
        _spec({"tags": {"System": "sys-typo"}}, "subnet-tiers-present", "backup-plan-present"),
        {SOURCE: "inconclusive"},
    ),
    # another system's group is named like an app, out of scope: it is no app of this system
    (
        "scope_roles_of_another_system",
        _spec(SYS, "database-reachable-only-from-app", app={"name": "*app*"}),
        {"aws_db_instance.db": "fail"},
    ),
    # the system's private zone is known only after apply; another VPC spans two zones
    (
        "tiers_zone_unknown_beside_another_vpc",
        _spec(None, "tier-zone-spread"),
        {SOURCE: "inconclusive"},
    ),
    # the system's tiers sit in one zone; another VPC spans two
    ("tiers_one_zone_beside_another_vpc", _spec(None, "tier-zone-spread"), {SOURCE: "fail"}),
]


@pytest.mark.parametrize(("shape", "spec", "expected"), REVIEW_CASES)
def test_the_review_shape_gets_its_verdicts(
    shape: str, spec: Spec, expected: dict[str, str]
) -> None:
    from archproof.sources.plan.load import load_plan
    from support.in_process import judge_all

    inventory = load_plan(str(SHAPES / shape / "plan.json"))
    found: dict[str, set[str]] = {}
    for _, subject, verdict, _message in judge_all(spec, [inventory]):
        address = subject.split(":", 1)[1]
        key = SOURCE if address.startswith("<") else address
        found.setdefault(key, set()).add(str(verdict))
    for address, verdict in expected.items():
        assert found.get(address) == {verdict}, (address, found)
