"""RDS automated backups replicated to other regions, seen from the source DB's region:
one ``aws_db_instance_automated_backups_replication`` per replica (its region is where the
backups are copied to, as for the Terraform resource, which lives in that region)."""

from __future__ import annotations

from archproof.sources.aws.base import Scan

KINDS = ("aws_db_instance_automated_backups_replication",)


def collect(scan: Scan) -> None:
    rds = scan.client("rds")
    op, key = "describe_db_instance_automated_backups", "DBInstanceAutomatedBackups[]"
    for backup in scan.items(rds, op, key, KINDS) or ():
        source_region = backup.get("Region") or scan.region
        if source_region != scan.region:
            continue  # a replica kept here: recorded from its source region's side
        for replica in backup.get("DBInstanceAutomatedBackupsReplications") or ():
            arn = replica.get("DBInstanceAutomatedBackupsArn")
            if not arn:
                continue
            parts = arn.split(":")
            region = parts[3] if len(parts) > 3 else ""
            scan.add(
                "aws_db_instance_automated_backups_replication",
                arn,
                {
                    "id": arn,
                    "arn": arn,
                    "source_db_instance_arn": backup.get("DBInstanceArn"),
                    "source_region": source_region,
                    "source_db_instance_identifier": backup.get("DBInstanceIdentifier"),
                },
                ids=(arn,),
                region=region,
            )
