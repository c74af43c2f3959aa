"""The Terraform AWS provider's resource schemas, trimmed to the types estates use.

The plan renderer needs what Terraform knows from the provider: which attributes
are computed (unknown until apply), which are nested blocks, which are sets, and
the defaults the provider plans for unset attributes. ``aws_schema.json`` holds
that, cut down from ``terraform providers schema -json``.

Refreshing it is a developer task that needs terraform and the provider plugin
(see :mod:`archproof.estates.calibrate`)::

    python -m archproof.estates.calibrate --plugin-dir /opt/tf-plugins
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).with_name("aws_schema.json")
PROVIDER = "registry.terraform.io/hashicorp/aws"
AZURERM_SCHEMA_FILE = Path(__file__).with_name("azurerm_schema.json")
"""Hand-trimmed from the azurerm 4.x provider schema: the types the Azure estates use."""
AZURERM_PROVIDER = "registry.terraform.io/hashicorp/azurerm"

# Kinds of docs/vocabulary.md plus the companions estates need.
TYPES = (
    "aws_acm_certificate",
    "aws_acm_certificate_validation",
    "aws_autoscaling_attachment",
    "aws_autoscaling_group",
    "aws_autoscaling_policy",
    "aws_backup_plan",
    "aws_backup_selection",
    "aws_backup_vault",
    "aws_cloudtrail",
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_metric_alarm",
    "aws_db_instance",
    "aws_db_instance_automated_backups_replication",
    "aws_db_subnet_group",
    "aws_default_network_acl",
    "aws_default_security_group",
    "aws_dynamodb_table",
    "aws_ebs_encryption_by_default",
    "aws_ebs_volume",
    "aws_eip",
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_elasticache_replication_group",
    "aws_elasticache_subnet_group",
    "aws_flow_log",
    "aws_iam_instance_profile",
    "aws_iam_policy",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_user",
    "aws_iam_user_policy",
    "aws_iam_user_policy_attachment",
    "aws_instance",
    "aws_internet_gateway",
    "aws_kms_alias",
    "aws_kms_key",
    "aws_launch_template",
    "aws_lb",
    "aws_lb_listener",
    "aws_lb_listener_certificate",
    "aws_lb_target_group",
    "aws_main_route_table_association",
    "aws_nat_gateway",
    "aws_network_acl",
    "aws_network_acl_rule",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
    "aws_redshift_cluster",
    "aws_redshift_subnet_group",
    "aws_route",
    "aws_route_table",
    "aws_route_table_association",
    "aws_s3_account_public_access_block",
    "aws_s3_bucket",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_secretsmanager_secret",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_sns_topic",
    "aws_sqs_queue",
    "aws_ssm_parameter",
    "aws_subnet",
    "aws_vpc",
    "aws_vpc_endpoint",
    "aws_vpc_peering_connection",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_security_group_ingress_rule",
)


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
    found: dict[str, ResourceSchema] = {}
    for path in (SCHEMA_FILE, AZURERM_SCHEMA_FILE):
        raw = json.loads(path.read_text(encoding="utf-8"))
        resources = raw["resources"].items()
        found.update({t: ResourceSchema(s["version"], _block(s["block"])) for t, s in resources})
    return found


def provider_name(resource_type: str) -> str:
    """The local provider name a resource type belongs to: ``aws`` or ``azurerm``."""
    return "azurerm" if resource_type.startswith("azurerm_") else "aws"


def estate_provider(resource_types: Iterable[str]) -> str:
    """The one provider of an estate: ``azurerm`` when its resources are Azure's, else ``aws``."""
    return "azurerm" if any(provider_name(t) == "azurerm" for t in resource_types) else "aws"


def provider_address(resource_type: str) -> str:
    """The provider's full address, as plan JSON writes it in ``provider_name``."""
    return AZURERM_PROVIDER if provider_name(resource_type) == "azurerm" else PROVIDER


def resource_schema(resource_type: str) -> ResourceSchema | None:
    """The provider schema of a resource type, or None for a type not in the file."""
    return _schemas().get(resource_type)


def provider_version() -> str:
    return str(json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["version"])
