"""Data: the Aurora MySQL cluster (writer and reader in other zones), the jobs queue, and
the application secrets in SSM Parameter Store (SecureString) and Secrets Manager."""

from __future__ import annotations

from archproof.estates.levels.common import DB_PORT, NAME, ZONES
from archproof.estates.model import EstateResource, ref
from archproof.estates.shared import storage

CLUSTER = f"{NAME}-production"
PARAMETERS = f"/{NAME}/production"


def database() -> list[EstateResource]:
    return [
        storage.db_subnet_group(NAME),
        EstateResource(
            "aws_rds_cluster",
            "main",
            {
                "cluster_identifier": CLUSTER,
                "engine": "aurora-mysql",
                "engine_version": "8.0.mysql_aurora.3.05.2",
                "database_name": NAME,
                "master_username": f"{NAME}_admin",
                "manage_master_user_password": True,
                "port": DB_PORT,
                "storage_encrypted": True,
                "backup_retention_period": 7,
                "preferred_backup_window": "03:00-04:00",
                "db_subnet_group_name": ref("aws_db_subnet_group.main.name"),
                "vpc_security_group_ids": [ref("aws_security_group.db.id")],
                "deletion_protection": True,
                "skip_final_snapshot": False,
                "final_snapshot_identifier": f"{CLUSTER}-final",
                "copy_tags_to_snapshot": True,
                "tags": {"Name": CLUSTER},
            },
        ),
        _member("writer", ZONES[0]),
        _member("reader", ZONES[1]),
    ]


def _member(role: str, zone: str) -> EstateResource:
    return EstateResource(
        "aws_rds_cluster_instance",
        role,
        {
            "identifier": f"{CLUSTER}-{role}",
            "cluster_identifier": ref("aws_rds_cluster.main.id"),
            "engine": ref("aws_rds_cluster.main.engine"),
            "instance_class": "db.r6g.large",
            "availability_zone": zone,
            "publicly_accessible": False,
            "db_subnet_group_name": ref("aws_db_subnet_group.main.name"),
            "tags": {"Name": f"{CLUSTER}-{role}"},
        },
    )


def jobs() -> list[EstateResource]:
    return [
        EstateResource(
            "aws_sqs_queue",
            "jobs",
            {
                "name": f"{NAME}-production-jobs",
                "kms_master_key_id": "alias/aws/sqs",
                "kms_data_key_reuse_period_seconds": 300,
                "visibility_timeout_seconds": 300,
                "message_retention_seconds": 1209600,
                "tags": {"Name": f"{NAME}-production-jobs"},
            },
        )
    ]


def _parameter(name: str, path: str, description: str) -> EstateResource:
    return EstateResource(
        "aws_ssm_parameter",
        name,
        {
            "name": f"{PARAMETERS}/{path}",
            "description": description,
            "type": "SecureString",
            # The real value is written out of band; Terraform only creates the slot.
            "value": "set-out-of-band",
            "tags": {"Name": f"{NAME}-{name.replace('_', '-')}"},
        },
    )


def secrets() -> list[EstateResource]:
    return [
        _parameter("db_password", "database/password", "Application database password"),
        _parameter("api_secret_key", "api/secret-key", "API session signing key"),
        EstateResource(
            "aws_ssm_parameter",
            "db_host",
            {
                "name": f"{PARAMETERS}/database/host",
                "description": "Aurora writer endpoint (not a secret)",
                "type": "String",
                "value": ref("aws_rds_cluster.main.endpoint"),
                "tags": {"Name": f"{NAME}-db-host"},
            },
        ),
        EstateResource(
            "aws_secretsmanager_secret",
            "third_party",
            {
                "name": f"{NAME}/production/third-party-api-keys",
                "description": "API keys of third-party services",
                "recovery_window_in_days": 30,
                "tags": {"Name": f"{NAME}-third-party-api-keys"},
            },
        ),
    ]
