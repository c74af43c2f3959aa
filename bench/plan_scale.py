"""Plan scale: load + evaluate time for synthetic plans of 1k, 10k and 50k resources.

Target (issue 2): 10k resources checked in under 5 s on a 2-core machine; cost linear.
Run: .venv/bin/python bench/plan_scale.py [SIZES...]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from archproof.check import CheckRequest, judge
from archproof.run import Run
from archproof.session import SourceRequest, prepare_run

ROOT = Path(__file__).resolve().parents[1]
# One "cell" = 10 resources: subnet, route table + association + route, SG, instance, volume,
# bucket + its encryption configuration, database.
PER_CELL = 10


def _resource(rtype: str, name: str, index: int, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "address": f"{rtype}.{name}[{index}]",
        "mode": "managed",
        "type": rtype,
        "name": name,
        "index": index,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "schema_version": 0,
        "values": values,
        "sensitive_values": {},
    }


def _config(rtype: str, name: str, expressions: dict[str, Any]) -> dict[str, Any]:
    return {
        "address": f"{rtype}.{name}",
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_config_key": "aws",
        "expressions": expressions,
        "schema_version": 0,
        "count_expression": {"references": ["var.cells"]},
    }


def ref(*targets: str) -> dict[str, Any]:
    return {"references": [*targets, "count.index"]}


def synthetic_plan(cells: int) -> dict[str, Any]:
    planned: list[dict[str, Any]] = []
    zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    for i in range(cells):
        tags = {"Name": f"cell-{i}", "Tier": "private"}
        planned += [
            _resource(
                "aws_subnet",
                "app",
                i,
                {
                    "cidr_block": f"10.{i // 250}.{i % 250}.0/24",
                    "availability_zone": zones[i % 3],
                    "map_public_ip_on_launch": False,
                    "tags": tags,
                },
            ),
            _resource("aws_route_table", "app", i, {"tags": {"Name": f"rt-{i}"}}),
            _resource("aws_route_table_association", "app", i, {}),
            _resource("aws_route", "egress", i, {"destination_cidr_block": "0.0.0.0/0"}),
            _resource(
                "aws_security_group",
                "app",
                i,
                {
                    "name": f"app-{i}",
                    "ingress": [
                        {
                            "from_port": 443,
                            "to_port": 443,
                            "protocol": "tcp",
                            "cidr_blocks": ["10.0.0.0/8"],
                            "ipv6_cidr_blocks": [],
                            "security_groups": [],
                            "self": False,
                            "prefix_list_ids": [],
                        }
                    ],
                },
            ),
            _resource(
                "aws_instance",
                "app",
                i,
                {
                    "associate_public_ip_address": False,
                    "root_block_device": [{"encrypted": True}],
                    "ebs_block_device": [],
                },
            ),
            _resource(
                "aws_ebs_volume", "data", i, {"encrypted": True, "availability_zone": zones[i % 3]}
            ),
            _resource("aws_s3_bucket", "logs", i, {"bucket": f"logs-{i}"}),
            _resource(
                "aws_s3_bucket_server_side_encryption_configuration",
                "logs",
                i,
                {
                    "rule": [
                        {"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}
                    ]
                },
            ),
            _resource(
                "aws_db_instance",
                "db",
                i,
                {
                    "multi_az": True,
                    "storage_encrypted": True,
                    "backup_retention_period": 7,
                    "publicly_accessible": False,
                },
            ),
        ]
    planned.append(_resource("aws_nat_gateway", "egress", 0, {}))
    configuration = [
        _config(
            "aws_route_table_association",
            "app",
            {"subnet_id": ref("aws_subnet.app"), "route_table_id": ref("aws_route_table.app")},
        ),
        _config(
            "aws_route",
            "egress",
            {
                "route_table_id": ref("aws_route_table.app"),
                "nat_gateway_id": ref("aws_nat_gateway.egress[0]"),
            },
        ),
        _config(
            "aws_instance",
            "app",
            {
                "subnet_id": ref("aws_subnet.app"),
                "vpc_security_group_ids": ref("aws_security_group.app"),
            },
        ),
        _config(
            "aws_s3_bucket_server_side_encryption_configuration",
            "logs",
            {"bucket": ref("aws_s3_bucket.logs")},
        ),
    ]
    changes = [
        {
            "address": r["address"],
            "mode": "managed",
            "type": r["type"],
            "name": r["name"],
            "index": r["index"],
            "change": {
                "actions": ["create"],
                "before": None,
                "after": r["values"],
                "after_unknown": {"id": True},
            },
        }
        for r in planned
    ]
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {"root_module": {"resources": configuration}},
    }


SPEC = """\
system: scale
cloud: aws
document: synthetic
roles: {bastion: {tags: {Role: bastion}}}
requirements:
  - {id: R1, claim: c, source: {system: s, section: s}, controls:
     [workloads-in-private-tiers, no-public-ip-in-private-tiers, ebs-encrypted, rds-encrypted,
      database-multi-az, database-backup-retention, s3-encrypted, ssh-only-from-bastion,
      subnet-tier-matches-intent, tier-zone-spread]}
"""


def measure(resources: int, work: Path, group_above: int = 0) -> tuple[int, float, float, int]:
    plan = work / f"plan-{resources}.json"
    plan.write_text(json.dumps(synthetic_plan(max(1, resources // PER_CELL))))
    spec = work / "spec.yaml"
    spec.write_text(SPEC)
    start = time.perf_counter()
    run: Run = prepare_run(str(spec), None, SourceRequest(plans=(str(plan),)))
    run.group_above = group_above
    loaded = time.perf_counter()
    request = CheckRequest(spec_path=str(spec), reports=work / f"reports-{resources}", quiet=True)
    judge(run, request)
    done = time.perf_counter()
    return len(run.inventories[0]), loaded - start, done - loaded, len(run.records)


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        print("grouped (archproof check above --group-above subjects per control):")
        for size in sizes:
            count, load_s, eval_s, verdicts = measure(size, Path(tmp), group_above=0)
            rows.append((count, load_s, eval_s, verdicts))
            print(
                f"{count:>7} resources  load {load_s:6.2f} s  evaluate {eval_s:6.2f} s  "
                f"total {load_s + eval_s:6.2f} s  ({verdicts} verdicts)",
                flush=True,
            )
        base = rows[0]
        for count, load_s, eval_s, _ in rows[1:]:
            ratio = (load_s + eval_s) / (base[1] + base[2])
            print(
                f"  {count / base[0]:5.0f}x resources → {ratio:5.1f}x time (linear: "
                f"{count / base[0]:.0f}x)"
            )
        print("one pytest test per resource (ids source:address), for comparison:")
        for size in [s for s in sizes if s <= 10_000]:
            count, load_s, eval_s, verdicts = measure(size, Path(tmp), group_above=-1)
            grouped = next(r for r in rows if r[0] == count)
            print(
                f"{count:>7} resources  total {load_s + eval_s:6.2f} s  = "
                f"{(load_s + eval_s) / (grouped[1] + grouped[2]):4.1f}x the grouped run",
                flush=True,
            )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000, 50_000])
