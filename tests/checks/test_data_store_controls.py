"""cache-multi-az, cache-encrypted, dynamodb-encrypted and dynamodb-pitr: compliant and violating
cases on a real plan JSON document and on the real moto server, through the real plugin."""

from __future__ import annotations

from pathlib import Path

import boto3
from plan_documents import LATER, plan_file, planned

from archproof.check import CheckRequest, judge
from archproof.inventory.model import Inventory
from archproof.moto_server import MotoServer
from archproof.run import Run
from archproof.sources.aws import AwsOptions, collect_aws
from archproof.sources.plan import load_plan
from archproof.spec.model import Spec
from archproof.verdict import Verdict

CONTROLS = ("cache-multi-az", "cache-encrypted", "dynamodb-encrypted", "dynamodb-pitr")


def spec() -> Spec:
    return Spec.model_validate(
        {
            "system": "stores",
            "cloud": "aws",
            "document": "Data stores",
            "requirements": [
                {
                    "id": f"R{i}",
                    "claim": "c",
                    "source": {"system": "s", "section": "s"},
                    "controls": [control],
                }
                for i, control in enumerate(CONTROLS)
            ],
        }
    )


def verdicts(inventory: Inventory, tmp_path: Path) -> dict[tuple[str, str], Verdict]:
    run = Run(spec(), "default", [inventory])
    judge(run, CheckRequest(spec_path="-", reports=tmp_path, quiet=True))
    return {(r.control, r.resource): r.verdict for r in run.records}


def cache(name: str, **values: object) -> dict[str, object]:
    return planned(
        f"aws_elasticache_replication_group.{name}", {"replication_group_id": name, **values}
    )


def table(name: str, sse: object, pitr: object) -> dict[str, object]:
    values = {
        "name": name,
        "server_side_encryption": [{"enabled": sse}],
        "point_in_time_recovery": [{"enabled": pitr}],
    }
    return planned(f"aws_dynamodb_table.{name}", values)


def test_data_stores_on_a_plan(tmp_path: Path) -> None:
    strong = {
        "automatic_failover_enabled": True,
        "multi_az_enabled": True,
        "num_cache_clusters": 2,
        "at_rest_encryption_enabled": True,
        "transit_encryption_enabled": True,
    }
    weak = {
        "automatic_failover_enabled": False,
        "multi_az_enabled": False,
        "num_cache_clusters": 1,
        "at_rest_encryption_enabled": False,
        "transit_encryption_enabled": False,
    }
    path = plan_file(
        tmp_path,
        cache("strong", **strong),
        cache("weak", **weak),
        cache("later", **{**strong, "num_cache_clusters": LATER}),
        table("good", True, True),
        table("bad", False, False),
    )
    found = verdicts(load_plan(path), tmp_path / "r")
    c = "aws_elasticache_replication_group"
    assert found[("cache-multi-az", f"{c}.strong")] is Verdict.PASS
    assert found[("cache-multi-az", f"{c}.weak")] is Verdict.FAIL
    assert found[("cache-multi-az", f"{c}.later")] is Verdict.INCONCLUSIVE
    assert found[("cache-encrypted", f"{c}.strong")] is Verdict.PASS
    assert found[("cache-encrypted", f"{c}.weak")] is Verdict.FAIL
    for control in ("dynamodb-encrypted", "dynamodb-pitr"):
        assert found[(control, "aws_dynamodb_table.good")] is Verdict.PASS
        assert found[(control, "aws_dynamodb_table.bad")] is Verdict.FAIL


def test_data_stores_on_a_live_account(
    moto: MotoServer, aws: boto3.Session, tmp_path: Path
) -> None:
    ec = aws.client("elasticache")
    ec.create_replication_group(
        ReplicationGroupId="strong",
        ReplicationGroupDescription="d",
        NumCacheClusters=2,
        AutomaticFailoverEnabled=True,
        MultiAZEnabled=True,
        AtRestEncryptionEnabled=True,
        TransitEncryptionEnabled=True,
        Engine="redis",
        CacheNodeType="cache.t3.micro",
    )
    ec.create_replication_group(
        ReplicationGroupId="weak",
        ReplicationGroupDescription="d",
        NumCacheClusters=1,
        Engine="redis",
        CacheNodeType="cache.t3.micro",
    )
    ddb = aws.client("dynamodb")
    key = {
        "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    ddb.create_table(TableName="good", SSESpecification={"Enabled": True, "SSEType": "KMS"}, **key)
    ddb.update_continuous_backups(
        TableName="good", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    ddb.create_table(TableName="bad", **key)
    inventory = collect_aws(
        AwsOptions(regions=("us-east-1",), services=("elasticache", "dynamodb"))
    )
    assert inventory.errors == []
    found = verdicts(inventory, tmp_path)
    # moto keeps one member per replication group: the member count is a named gap, never a pass
    assert found[("cache-multi-az", "strong")] is Verdict.INCONCLUSIVE
    assert found[("cache-multi-az", "weak")] is Verdict.FAIL
    assert found[("cache-encrypted", "strong")] is Verdict.PASS
    assert found[("cache-encrypted", "weak")] is Verdict.FAIL
    for control in ("dynamodb-encrypted", "dynamodb-pitr"):
        assert found[(control, "good")] is Verdict.PASS
        assert found[(control, "bad")] is Verdict.FAIL
