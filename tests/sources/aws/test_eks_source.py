"""EKS clusters and node groups from a real moto server, judged as the equivalent plan is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
from botocore.stub import Stubber

from archproof.check import CheckRequest, judge
from archproof.inventory.model import Inventory
from archproof.run import Run
from archproof.sources.aws import eks
from archproof.sources.aws.base import Scan
from archproof.sources.plan import load_plan
from archproof.spec.model import Spec
from archproof.verdict import Verdict

ROLE = "arn:aws:iam::123456789012:role/eks"
KEY = "arn:aws:kms:us-east-1:123456789012:key/eks-secrets"
LOGS = ["api", "audit", "authenticator"]
CONTROLS = (
    "cluster-api-private",
    "cluster-secrets-encryption",
    "cluster-control-plane-logging",
    "cluster-nodes-across-zones",
    "cluster-autoscaler",
)


def subnets(aws: boto3.Session) -> dict[str, str]:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    found = {}
    for index, zone in enumerate(("us-east-1a", "us-east-1b", "us-east-1c")):
        cidr = f"10.8.{index}.0/24"
        found[zone] = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
    return found


def make_clusters(aws: boto3.Session, ids: dict[str, str]) -> None:
    eks = aws.client("eks")
    every = list(ids.values())
    eks.create_cluster(
        name="prod",
        roleArn=ROLE,
        resourcesVpcConfig={
            "subnetIds": every,
            "endpointPublicAccess": False,
            "endpointPrivateAccess": True,
        },
        encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": KEY}}],
        logging={"clusterLogging": [{"types": [*LOGS, "scheduler"], "enabled": True}]},
        tags={"Name": "prod"},
    )
    eks.create_cluster(
        name="open",
        roleArn=ROLE,
        resourcesVpcConfig={
            "subnetIds": every,
            "endpointPublicAccess": True,
            "publicAccessCidrs": ["0.0.0.0/0"],
        },
        logging={
            "clusterLogging": [
                {"types": ["api"], "enabled": True},
                {"types": ["audit", "authenticator"], "enabled": False},
            ]
        },
    )
    common = {"nodeRole": ROLE, "clusterName": "prod"}
    eks.create_nodegroup(
        nodegroupName="spread",
        subnets=every,
        scalingConfig={"minSize": 2, "maxSize": 6, "desiredSize": 3},
        **common,
    )
    eks.create_nodegroup(
        nodegroupName="single",
        subnets=[ids["us-east-1a"]],
        scalingConfig={"minSize": 1, "maxSize": 1, "desiredSize": 1},
        **common,
    )


def test_clusters_and_node_groups(aws: boto3.Session, collect: Any, one: Any) -> None:
    ids = subnets(aws)
    make_clusters(aws, ids)
    inv = collect("eks")
    assert inv.errors == []
    prod = one(inv, "aws_eks_cluster", "prod")
    assert prod.ids == ("prod", "arn:aws:eks:us-east-1:123456789012:cluster/prod")
    assert prod.tags == {"Name": "prod"}
    assert prod.get("vpc_config.0.endpoint_public_access") is False
    assert sorted(prod.get("vpc_config.0.subnet_ids")) == sorted(ids.values())
    assert prod.get("encryption_config") == [
        {"resources": ["secrets"], "provider": [{"key_arn": KEY}]}
    ]
    assert prod.get("enabled_cluster_log_types") == sorted([*LOGS, "scheduler"])
    opened = one(inv, "aws_eks_cluster", "open")
    assert opened.get("vpc_config.0.public_access_cidrs") == ["0.0.0.0/0"]
    assert opened.get("encryption_config") == []
    assert opened.get("enabled_cluster_log_types") == ["api"]
    group = one(inv, "aws_eks_node_group", "prod:spread")
    assert group.get("cluster_name") == "prod" and group.get("node_group_name") == "spread"
    assert group.get("scaling_config") == [{"min_size": 2, "max_size": 6, "desired_size": 3}]
    assert sorted(group.get("subnet_ids")) == sorted(ids.values())


# --- the same estate as a plan -----------------------------------------------------------------


def plan_document(tmp_path: Path, ids: dict[str, str]) -> Path:
    """The clusters above as `terraform show -json` would write them after import."""
    every = list(ids.values())
    resources: list[tuple[str, dict[str, Any]]] = [
        (
            "aws_eks_cluster.prod",
            {
                "name": "prod",
                "vpc_config": [
                    {
                        "subnet_ids": every,
                        "endpoint_public_access": False,
                        "endpoint_private_access": True,
                    }
                ],
                "encryption_config": [{"resources": ["secrets"], "provider": [{"key_arn": KEY}]}],
                "enabled_cluster_log_types": [*LOGS, "scheduler"],
            },
        ),
        (
            "aws_eks_cluster.open",
            {
                "name": "open",
                "vpc_config": [
                    {
                        "subnet_ids": every,
                        "endpoint_public_access": True,
                        "public_access_cidrs": ["0.0.0.0/0"],
                    }
                ],
                "encryption_config": [],
                "enabled_cluster_log_types": ["api"],
            },
        ),
        (
            "aws_eks_node_group.spread",
            {
                "cluster_name": "prod",
                "subnet_ids": every,
                "scaling_config": [{"min_size": 2, "max_size": 6, "desired_size": 3}],
            },
        ),
        (
            "aws_eks_node_group.single",
            {
                "cluster_name": "prod",
                "subnet_ids": [ids["us-east-1a"]],
                "scaling_config": [{"min_size": 1, "max_size": 1, "desired_size": 1}],
            },
        ),
        *(
            (f"aws_subnet.{zone[-1]}", {"id": subnet, "availability_zone": zone})
            for zone, subnet in ids.items()
        ),
    ]
    planned, changes = [], []
    for address, values in resources:
        kind, name = address.split(".")
        head = {"address": address, "mode": "managed", "type": kind, "name": name}
        planned.append({**head, "values": values})
        changes.append({**head, "change": {"actions": ["no-op"], "after": values}})
    document = {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
    }
    path = tmp_path / "eks-plan.json"
    path.write_text(json.dumps(document))
    return path


def verdicts(inventory: Inventory, reports: Path) -> dict[tuple[str, str], Verdict]:
    spec = Spec.model_validate(
        {
            "system": "eks",
            "cloud": "aws",
            "document": "EKS test",
            "requirements": [
                {
                    "id": "EKS-1",
                    "claim": "c",
                    "source": {"system": "EKS", "section": "s"},
                    "controls": list(CONTROLS),
                }
            ],
        }
    )
    run = Run(spec, "default", [inventory])
    judge(run, CheckRequest(spec_path="-", reports=reports, quiet=True))
    names = {"prod:spread": "spread", "prod:single": "single"}
    return {
        (r.control, names.get(r.resource, r.resource).rsplit(".", 1)[-1]): r.verdict
        for r in run.records
    }


def test_live_and_plan_give_the_same_verdicts(
    aws: boto3.Session, collect: Any, tmp_path: Path
) -> None:
    ids = subnets(aws)
    make_clusters(aws, ids)
    live = verdicts(collect("eks", "ec2"), tmp_path / "live")
    plan = verdicts(load_plan(plan_document(tmp_path, ids)), tmp_path / "plan")
    assert live == plan
    P, F = Verdict.PASS, Verdict.FAIL
    assert live == {
        ("cluster-api-private", "prod"): P,
        ("cluster-api-private", "open"): F,
        ("cluster-secrets-encryption", "prod"): P,
        ("cluster-secrets-encryption", "open"): F,
        ("cluster-control-plane-logging", "prod"): P,
        ("cluster-control-plane-logging", "open"): F,
        ("cluster-nodes-across-zones", "spread"): P,
        ("cluster-nodes-across-zones", "single"): F,
        ("cluster-autoscaler", "spread"): P,
        ("cluster-autoscaler", "single"): F,
    }


# --- failures are recorded, never hidden --------------------------------------------------------


class _Session:
    """Just what a Scan asks of its session: the account and one stubbed client."""

    account = "123456789012"
    default_region = "us-east-1"

    def __init__(self, client: Any) -> None:
        self._client = client

    def client(self, name: str, region: str) -> Any:
        return self._client


def test_a_failed_describe_is_a_collection_error() -> None:
    client = boto3.Session(
        region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    ).client("eks")
    with Stubber(client) as stub:
        stub.add_response("list_clusters", {"clusters": ["prod", "gone"]})
        stub.add_client_error(
            "describe_cluster", "AccessDeniedException", "not allowed", 403, {"name": "prod"}
        )
        stub.add_client_error(
            "describe_cluster", "ResourceNotFoundException", "no such", 404, {"name": "gone"}
        )
        scan = Scan(service="eks", region="us-east-1", aws=_Session(client))  # type: ignore[arg-type]
        eks.collect(scan)
    assert scan.resources == []
    assert [(e.call, e.kinds) for e in scan.errors] == [
        ("DescribeCluster", eks.KINDS),
        ("DescribeCluster", eks.KINDS),
    ]
    assert "name=prod" in scan.errors[0].message
