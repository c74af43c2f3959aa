"""Secret keys in the key stores: SecureString parameters and Secrets Manager."""

from __future__ import annotations

from archproof.estates.aerofs.common import NAME
from archproof.estates.model import EstateResource

PENDING = "pending"  # replaced by the first manager when it creates the swarm


def _parameter(name: str, path: str, kind: str, value: str, description: str) -> EstateResource:
    return EstateResource(
        "aws_ssm_parameter",
        name,
        {
            "name": f"/{NAME}/{path}",
            "type": kind,
            "value": value,
            "description": description,
            "tags": {"Name": f"{NAME}-{path.replace('/', '-')}"},
        },
    )


def key_store() -> list[EstateResource]:
    return [
        _parameter(
            "manager_join_token",
            "swarm/manager-join-token",
            "SecureString",
            PENDING,
            "Token a new manager joins the swarm with",
        ),
        _parameter(
            "worker_join_token",
            "swarm/worker-join-token",
            "SecureString",
            PENDING,
            "Token a new worker joins the swarm with",
        ),
        _parameter(
            "elasticsearch_password",
            "elasticsearch/password",
            "SecureString",
            PENDING,
            "Password the log shippers write to Elasticsearch with",
        ),
        _parameter(
            "cluster_name",
            "swarm/cluster-name",
            "String",
            f"{NAME}-prod",
            "Name of the swarm (not a secret)",
        ),
        EstateResource(
            "aws_secretsmanager_secret",
            "kibana_admin",
            {
                "name": f"{NAME}/kibana/admin",
                "description": "Kibana administrator credentials",
                "recovery_window_in_days": 7,
                "tags": {"Name": f"{NAME}-kibana-admin"},
            },
        ),
    ]
