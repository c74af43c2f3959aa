"""Data: the customer key, buckets and account-wide storage guards, the PostgreSQL database."""

from __future__ import annotations

from archproof.estates.bragabot.common import DATA_BUCKET, DB_PORT, LOG_BUCKET, NAME
from archproof.estates.model import EstateResource, ref
from archproof.estates.shared import kms_storage
from archproof.estates.shared import storage as shared
from archproof.estates.shared.kms_storage import KMS_ARN


def encryption_key(account: str) -> list[EstateResource]:
    return kms_storage.encryption_key(NAME, account)


def storage(account: str) -> list[EstateResource]:
    return kms_storage.storage(DATA_BUCKET, LOG_BUCKET, account)


def database() -> list[EstateResource]:
    return [
        shared.db_subnet_group(NAME),
        EstateResource(
            "aws_db_instance",
            "main",
            {
                "identifier": f"{NAME}-db",
                "engine": "postgres",
                "engine_version": "16.3",
                "instance_class": "db.m6g.large",
                "allocated_storage": 100,
                "storage_type": "gp3",
                "db_name": NAME,
                "username": f"{NAME}_admin",
                "manage_master_user_password": True,
                "port": DB_PORT,
                "multi_az": True,
                "storage_encrypted": True,
                "kms_key_id": KMS_ARN,
                "backup_retention_period": 7,
                "backup_window": "03:00-04:00",
                "publicly_accessible": False,
                "db_subnet_group_name": ref("aws_db_subnet_group.main.name"),
                "vpc_security_group_ids": [ref("aws_security_group.db.id")],
                "deletion_protection": True,
                "skip_final_snapshot": False,
                "final_snapshot_identifier": f"{NAME}-db-final",
                "copy_tags_to_snapshot": True,
                "auto_minor_version_upgrade": True,
                "iam_database_authentication_enabled": True,
                "enabled_cloudwatch_logs_exports": ["postgresql", "upgrade"],
                "tags": {"Name": f"{NAME}-db"},
            },
        ),
    ]
