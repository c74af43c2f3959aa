"""The Terraform AWS provider's resource schemas, trimmed to the types estates use.

The plan renderer needs what Terraform knows from the provider: which attributes
are computed (unknown until apply), which are nested blocks, which are sets, and
the defaults the provider plans for unset attributes. ``aws_schema.json`` holds
that, cut down from ``terraform providers schema -json``.

Refreshing it is a developer task that needs terraform and the provider plugin::

    python -m archproof.estates.schema --plugin-dir /opt/tf-plugins

The defaults are read from a real ``terraform plan`` of every reference estate's
HCL, so they are the provider's own, not guesses.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).with_name("aws_schema.json")
PROVIDER = "registry.terraform.io/hashicorp/aws"

# Kinds of docs/vocabulary.md plus the companions estates need.
TYPES = (
    "aws_acm_certificate aws_acm_certificate_validation aws_autoscaling_attachment "
    "aws_autoscaling_group aws_autoscaling_policy aws_backup_plan aws_backup_selection "
    "aws_backup_vault aws_cloudtrail aws_cloudwatch_log_group aws_cloudwatch_metric_alarm "
    "aws_db_instance aws_db_subnet_group aws_default_network_acl aws_default_security_group "
    "aws_dynamodb_table aws_ebs_encryption_by_default aws_ebs_volume aws_eip aws_eks_cluster "
    "aws_eks_node_group aws_elasticache_replication_group aws_elasticache_subnet_group "
    "aws_flow_log aws_iam_instance_profile aws_iam_policy aws_iam_role aws_iam_role_policy "
    "aws_iam_role_policy_attachment aws_iam_user aws_iam_user_policy "
    "aws_iam_user_policy_attachment aws_instance aws_internet_gateway aws_kms_alias aws_kms_key "
    "aws_launch_template aws_lb aws_lb_listener aws_lb_listener_certificate aws_lb_target_group "
    "aws_main_route_table_association aws_nat_gateway aws_network_acl aws_network_acl_rule "
    "aws_rds_cluster aws_rds_cluster_instance aws_route aws_route_table "
    "aws_route_table_association aws_s3_account_public_access_block aws_s3_bucket "
    "aws_s3_bucket_logging aws_s3_bucket_policy aws_s3_bucket_public_access_block "
    "aws_s3_bucket_server_side_encryption_configuration aws_s3_bucket_versioning "
    "aws_secretsmanager_secret aws_security_group aws_security_group_rule aws_sns_topic "
    "aws_sqs_queue aws_ssm_parameter aws_subnet aws_vpc aws_vpc_endpoint "
    "aws_vpc_peering_connection aws_vpc_security_group_egress_rule "
    "aws_vpc_security_group_ingress_rule"
).split()


@dataclass(frozen=True, slots=True)
class Attribute:
    type: Any  # cty type in JSON form: "string", ["set", "string"], ["object", {...}]
    optional: bool
    computed: bool
    sensitive: bool


@dataclass(frozen=True, slots=True)
class Block:
    attributes: Mapping[str, Attribute]
    blocks: Mapping[str, NestedBlock]
    defaults: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class NestedBlock:
    nesting: str  # single, list, set, map
    block: Block
    computed: bool = False  # the provider plans it as unknown when unset


@dataclass(frozen=True, slots=True)
class ResourceSchema:
    version: int
    block: Block


def _block(raw: Mapping[str, Any]) -> Block:
    attributes = {
        name: Attribute(a["type"], "o" in a["flags"], "c" in a["flags"], "s" in a["flags"])
        for name, a in raw.get("attributes", {}).items()
    }
    blocks = {
        name: NestedBlock(b["nesting"], _block(b["block"]), b.get("computed", False))
        for name, b in raw.get("blocks", {}).items()
    }
    return Block(attributes, blocks, raw.get("defaults", {}))


@cache
def _schemas() -> dict[str, ResourceSchema]:
    raw = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return {t: ResourceSchema(s["version"], _block(s["block"])) for t, s in raw["resources"].items()}


def resource_schema(resource_type: str) -> ResourceSchema | None:
    """The provider schema of a resource type, or None for a type not in the file."""
    return _schemas().get(resource_type)


def provider_version() -> str:
    return str(json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["version"])


# --- refreshing (developer tool) ----------------------------------------------------------


def _trim(raw: Mapping[str, Any]) -> dict[str, Any]:
    trimmed: dict[str, Any] = {}
    attributes = {}
    for name, a in sorted(raw.get("attributes", {}).items()):
        flags = "".join(f for f, key in (("r", "required"), ("o", "optional"),
                                          ("c", "computed"), ("s", "sensitive")) if a.get(key))
        attributes[name] = {"type": a["type"], "flags": flags}
    if attributes:
        trimmed["attributes"] = attributes
    blocks = {
        name: {"nesting": b["nesting_mode"], "block": _trim(b["block"])}
        for name, b in sorted(raw.get("block_types", {}).items())
    }
    if blocks:
        trimmed["blocks"] = blocks
    return trimmed


def _terraform(args: list[str], cwd: Path, terraform: str) -> str:
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    done = subprocess.run([terraform, *args], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"terraform {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


_OFFLINE_PROVIDER = """provider "aws" {
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
"""


def real_plan(hcl_dir: Path, terraform: str, plugin_dir: str) -> dict[str, Any]:
    """``terraform show -json`` of a real plan of an HCL tree, offline (developer tool)."""
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch) / "hcl"
        subprocess.run(["cp", "-r", str(hcl_dir), str(work)], check=True)
        (work / "zz_offline_override.tf").write_text(_OFFLINE_PROVIDER, encoding="utf-8")
        _terraform(["init", "-input=false", f"-plugin-dir={plugin_dir}"], work, terraform)
        _terraform(["plan", "-input=false", "-refresh=false", "-out=plan.bin"], work, terraform)
        plan: dict[str, Any] = json.loads(_terraform(["show", "-json", "plan.bin"], work, terraform))
        return plan


def _learn_defaults(configured: Any, planned: Any, unknown: Any, block: dict[str, Any]) -> None:
    """Record what the provider plans for what the configuration left unset:
    default values, and blocks it plans as unknown."""
    if not isinstance(configured, Mapping) or not isinstance(planned, Mapping):
        return
    unknown = unknown if isinstance(unknown, Mapping) else {}
    attributes = block.get("attributes", {})
    for name, value in planned.items():
        spec = attributes.get(name)
        if spec and name not in configured and "c" not in spec["flags"] and value is not None:
            if not isinstance(value, list | dict) or value:
                block.setdefault("defaults", {})[name] = value
    for name, nested in block.get("blocks", {}).items():
        mine, theirs = configured.get(name), planned.get(name)
        if name not in configured and unknown.get(name) is True:
            nested["computed"] = True
        if isinstance(mine, list) and isinstance(theirs, list) and len(mine) == len(theirs) == 1:
            marks = unknown.get(name)
            inner = marks[0] if isinstance(marks, list) and marks else {}
            _learn_defaults(mine[0], theirs[0], inner, nested["block"])


def refresh(terraform: str, plugin_dir: str) -> None:
    from archproof.estates import catalogue
    from archproof.estates.evaluate import Evaluator
    from archproof.estates.hcl import write_hcl

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        versions = 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
        (work / "main.tf").write_text(versions, encoding="utf-8")
        _terraform(["init", "-input=false", f"-plugin-dir={plugin_dir}"], work, terraform)
        raw = json.loads(_terraform(["providers", "schema", "-json"], work, terraform))
        version = _locked_version(work)
    schemas = raw["provider_schemas"][PROVIDER]["resource_schemas"]
    estates = [catalogue.build(name) for name in catalogue.names()]
    wanted = sorted(set(TYPES) | {r.type for e in estates for r in e.resources})
    out = {t: {"version": schemas[t]["version"], "block": _trim(schemas[t]["block"])} for t in wanted}
    for estate in estates:
        configured = _configured_values(estate, Evaluator)
        with tempfile.TemporaryDirectory() as scratch:
            write_hcl(estate, Path(scratch))
            plan = real_plan(Path(scratch), terraform, plugin_dir)
        for change in plan["resource_changes"]:
            planned = change["change"]
            _learn_defaults(configured.get(change["address"], {}), planned["after"],
                            planned["after_unknown"], out[change["type"]]["block"])
    document = {"provider": PROVIDER, "version": version, "resources": out}
    SCHEMA_FILE.write_text(json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n",
                           encoding="utf-8")


def _locked_version(work: Path) -> str:
    for line in (work / ".terraform.lock.hcl").read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("version "):
            return line.split("=", 1)[1].strip().strip('"')
    return ""


def _configured_values(estate: Any, evaluator_class: Any) -> dict[str, Any]:
    from archproof.estates.evaluate import UNKNOWN

    evaluator = evaluator_class(estate, lambda _address, _attr: UNKNOWN)
    found: dict[str, Any] = {}
    for instance in evaluator.walk():
        found[instance.address] = instance.values
        evaluator.record(instance.address, instance.values)
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Refresh the trimmed AWS provider schema.")
    parser.add_argument("--terraform", default="terraform")
    parser.add_argument("--plugin-dir", required=True)
    args = parser.parse_args(argv)
    refresh(args.terraform, args.plugin_dir)


if __name__ == "__main__":
    main()
