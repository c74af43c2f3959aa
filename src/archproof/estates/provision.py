"""Provision an estate into an AWS control plane (the local moto server) through boto3.

Resources are created in dependency order, as ``terraform apply`` would create
them; references resolve to the ids the cloud returned. The caller points boto3
at the control plane (``AWS_ENDPOINT_URL``); nothing here knows it is moto,
except the list of calls moto does not implement (:data:`MOTO_GAPS`), which are
reported as skipped instead of failing the whole estate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from archproof.errors import ArchproofError
from archproof.estates.evaluate import Evaluator
from archproof.estates.model import Estate


class ProvisionError(ArchproofError):
    """A resource the control plane refused to create."""


class Skip(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a provisioner for a resource the control plane cannot hold."""


@dataclass
class Context:
    """What provisioners share: the session, the account, cached clients."""

    session: boto3.Session
    region: str
    account: str = ""
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(service, region_name=self.region)  # type: ignore[call-overload]
        return self._clients[service]

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        return f"arn:aws:{service}:{self.region if region else ''}:{self.account}:{resource}"


Provisioner = Callable[[Context, Mapping[str, Any]], dict[str, Any]]

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


def _provisioners() -> dict[str, Provisioner]:
    from archproof.estates.provision_compute import PROVISIONERS as compute
    from archproof.estates.provision_data import PROVISIONERS as data
    from archproof.estates.provision_network import PROVISIONERS as network

    return {**network, **compute, **data}


def provision(estate: Estate, session: boto3.Session) -> Provisioned:
    """Create every resource of ``estate``; raises :class:`ProvisionError` on the first refusal."""
    context = Context(session=session, region=estate.region)
    try:
        context.account = str(context.client("sts").get_caller_identity()["Account"])
    except (ClientError, BotoCoreError) as error:
        raise ProvisionError(f"cannot reach the control plane: {error}") from error
    provisioners = _provisioners()

    def missing(address: str, attribute: str) -> Any:
        raise ProvisionError(f"{address}.{attribute} is read but was not returned by its provisioner")

    evaluator = Evaluator(estate, missing)
    created: dict[str, Mapping[str, Any]] = {}
    skipped: dict[str, str] = {}
    for instance in evaluator.walk():
        kind = instance.resource.type
        if kind in MOTO_GAPS:
            skipped[instance.address] = MOTO_GAPS[kind]
            evaluator.record(instance.address, instance.values)
            continue
        if kind not in provisioners:
            raise ProvisionError(f"{instance.address}: no provisioner for {kind}")
        try:
            returned = provisioners[kind](context, instance.values)
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


# --- helpers shared by provisioners ------------------------------------------------------


def tag_list(values: Mapping[str, Any]) -> list[dict[str, str]]:
    """``tags`` as ``[{"Key": …, "Value": …}]``."""
    return [{"Key": k, "Value": str(v)} for k, v in (values.get("tags") or {}).items()]


def first(values: Mapping[str, Any], block: str) -> Mapping[str, Any]:
    """The single nested block ``block`` (``{}`` when absent)."""
    items = values.get(block) or []
    return items[0] if items else {}


def drop_none(**kwargs: Any) -> dict[str, Any]:
    """Keyword arguments for a boto3 call, without the unset ones."""
    return {k: v for k, v in kwargs.items() if v is not None}
