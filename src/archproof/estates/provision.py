"""Provision an estate into an AWS control plane (the local moto server) through boto3.

Resources are created in dependency order, as ``terraform apply`` would create
them; references resolve to the ids the cloud returned. The caller points boto3
at the control plane (``AWS_ENDPOINT_URL``); nothing here knows it is moto,
except the list of calls moto does not implement (:data:`MOTO_GAPS`), which are
reported as skipped instead of failing the whole estate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from archproof.estates.evaluate import Evaluator
from archproof.estates.model import Estate
from archproof.estates.provision_base import Context, Provisioner, ProvisionError, Skip
from archproof.estates.provision_compute import PROVISIONERS as compute
from archproof.estates.provision_data import PROVISIONERS as data
from archproof.estates.provision_edge import PROVISIONERS as edge
from archproof.estates.provision_identity import PROVISIONERS as identity
from archproof.estates.provision_levels_types import PROVISIONERS as levels_types
from archproof.estates.provision_network import PROVISIONERS as network
from archproof.estates.provision_security import PROVISIONERS as security
from archproof.estates.provision_serverless import PROVISIONERS as serverless
from archproof.estates.provision_video import PROVISIONERS as video

__all__ = ["MOTO_GAPS", "PROVISIONERS", "ProvisionError", "Provisioned", "provision"]


# Calls the local control plane (moto 5.x) does not implement.
MOTO_GAPS = {
    "aws_backup_selection": "moto does not implement backup:CreateBackupSelection",
}


@dataclass(frozen=True, slots=True)
class Provisioned:
    """What was created: per Terraform address, the configured values plus the cloud's ids."""

    estate: str
    region: str
    account: str
    resources: Mapping[str, Mapping[str, Any]]
    skipped: Mapping[str, str]
    """Address → why it was not created (a gap of the control plane)."""

    def id(self, address: str) -> str:
        return str(self.resources[address]["id"])


PROVISIONERS: dict[str, Provisioner] = {
    **network,
    **security,
    **edge,
    **compute,
    **data,
    **levels_types,
    **identity,
    **serverless,
    **video,
}


def provision(estate: Estate, session: boto3.Session) -> Provisioned:
    """Create every resource of ``estate``; raises :class:`ProvisionError` on the first refusal."""
    context = Context(session=session, region=estate.region)
    try:
        context.account = str(context.client("sts").get_caller_identity()["Account"])
    except (ClientError, BotoCoreError) as error:
        raise ProvisionError(f"cannot reach the control plane: {error}") from error

    def missing(address: str, attribute: str) -> Any:
        raise ProvisionError(f"{address}.{attribute} is read but its provisioner did not return it")

    evaluator = Evaluator(estate, missing)
    created: dict[str, Mapping[str, Any]] = {}
    skipped: dict[str, str] = {}
    for instance in evaluator.walk():
        kind = instance.resource.type
        if kind in MOTO_GAPS:
            skipped[instance.address] = MOTO_GAPS[kind]
            evaluator.record(instance.address, instance.values)
            continue
        if kind not in PROVISIONERS:
            raise ProvisionError(f"{instance.address}: no provisioner for {kind}")
        try:
            returned = PROVISIONERS[kind](context, instance.values)
        except Skip as why:
            skipped[instance.address] = str(why)
            evaluator.record(instance.address, instance.values)
            continue
        except (ClientError, BotoCoreError) as error:
            raise ProvisionError(f"{instance.address} ({kind}): {error}") from error
        attributes = {**instance.values, **returned}
        evaluator.record(instance.address, attributes)
        created[instance.address] = attributes
    return Provisioned(estate.name, estate.region, context.account, created, skipped)
