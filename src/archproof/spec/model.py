"""The spec: a documented architecture as requirements, controls and parameters.

Validated by pydantic where it enters; everything downstream gets these models.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from archproof.spec.chaos_profile import ChaosProfile
from archproof.spec.load_profile import LoadProfile
from archproof.spec.scope import Scope

ParamValue = int | float | bool | str | list[Any] | dict[str, Any]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DocumentRef(_Strict):
    """Where the document makes the claim."""

    system: str
    section: str


class ControlUse(_Strict):
    """A control proving a requirement, with parameters for this use."""

    id: str
    params: dict[str, ParamValue] = Field(default_factory=dict)
    environment_params: dict[str, dict[str, ParamValue]] = Field(default_factory=dict)
    """Parameters of this use per environment, over ``params``."""
    absent: Literal["inconclusive", "fail"] = "inconclusive"
    """What nothing to look at means: no resource of the control's kinds in a source."""


class ScannerCheck(_Strict):
    """One scanner check that proves (part of) a requirement, on the resources it names."""

    id: str
    """The scanner's own check id, exactly (``CKV_AWS_157``, ``rds_instance_multi_az``)."""
    resource: str = "*"
    """Glob on the resource the scanner names (checkov: ``aws_db_instance.main`` or
    ``Deployment.ns.name``; prowler: the ARN or the resource name), to leave out resources the
    claim is not about (a bastion that may have a public IP)."""


CHECKOV_ID = r"^CKV2?_[A-Z0-9]+_[0-9]+$"
PROWLER_ID = r"^[a-z0-9]+(_[a-zA-Z0-9]+)+$"  # kubernetes ones: core_minimize_hostNetwork_…


class ScannerChecks(_Strict):
    """Scanner checks that prove a requirement, per scanner.

    ``scanners: {checkov: [CKV_AWS_157], prowler: [rds_instance_multi_az]}``; an item is a
    check id or ``{id: …, resource: glob}``. Each finding of a mapped check becomes a verdict
    beside the requirement's own controls (control ``checkov:CKV_AWS_157``); a scanner that
    could not run gives ``error`` for every check mapped to it. Map a check only where it proves
    the claim as documented: a scanner's generic best practice is not the document's promise.
    Failed findings of checks no requirement maps are listed apart in ``results.json``.
    """

    checkov: list[ScannerCheck] = Field(default_factory=list)
    """checkov check ids (``CKV_AWS_…``, ``CKV2_AWS_…``, ``CKV_AZURE_…``, ``CKV_K8S_…``), judged
    on the plan JSON and HCL (cloud checks) or the Kubernetes manifests (``CKV_K8S``)."""
    prowler: list[ScannerCheck] = Field(default_factory=list)
    """prowler check ids, judged on the live AWS account (``rds_instance_multi_az``) or, for
    the kubernetes provider's services (``core``, ``rbac`` …:
    ``core_minimize_privileged_containers``), on the live Kubernetes cluster."""

    @field_validator("checkov", "prowler", mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"id": item} if isinstance(item, str) else item for item in value]
        return value

    @model_validator(mode="after")
    def _ids_look_right(self) -> ScannerChecks:
        for tool, pattern, checks in (
            ("checkov", CHECKOV_ID, self.checkov),
            ("prowler", PROWLER_ID, self.prowler),
        ):
            seen: set[tuple[str, str]] = set()
            for check in checks:
                if not re.match(pattern, check.id):
                    raise ValueError(f"{check.id!r} is not a {tool} check id ({pattern})")
                if (check.id, check.resource) in seen:
                    raise ValueError(f"{tool} check {check.id} is mapped twice")
                seen.add((check.id, check.resource))
        return self

    def items(self) -> list[tuple[str, ScannerCheck]]:
        """(scanner, check) pairs, checkov first."""
        return [("checkov", c) for c in self.checkov] + [("prowler", c) for c in self.prowler]

    def __bool__(self) -> bool:
        return bool(self.checkov or self.prowler)


class Requirement(_Strict):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    claim: str
    source: DocumentRef
    controls: list[ControlUse] = Field(default_factory=list)
    params: dict[str, ParamValue] = Field(default_factory=dict)
    environment_params: dict[str, dict[str, ParamValue]] = Field(default_factory=dict)
    """The requirement's parameters per environment, over ``params``."""
    proofs: list[str] = Field(default_factory=list)
    """Load or chaos proofs (``load/…``, ``chaos/…``) that judge the claim in motion."""
    environments: list[str] = Field(default_factory=list)
    """Environments this requirement applies to (empty: all)."""
    not_provable: str = ""
    """Why the claim cannot be proven yet; reported, never passed."""
    scanners: ScannerChecks = Field(default_factory=ScannerChecks)
    """Scanner checks (checkov, prowler) whose findings also judge the claim."""

    @field_validator("controls", mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"id": item} if isinstance(item, str) else item for item in value]
        return value

    @model_validator(mode="after")
    def _proven_somehow(self) -> Requirement:
        if not (self.controls or self.proofs or self.not_provable or self.scanners):
            raise ValueError("needs controls, proofs, or a not_provable reason (or scanners)")
        return self


class Selector(_Strict):
    """Recognises resources of a role: all given conditions must hold."""

    tags: dict[str, str] = Field(default_factory=dict)
    name: str = ""
    """Glob on the resource's Name tag (or address when it has none)."""
    address: str = ""
    """Glob on the plan address or live id."""
    kinds: list[str] = Field(default_factory=list)

    def matches(self, kind: str, address: str, name: str, tags: dict[str, str]) -> bool:
        if self.kinds and kind not in self.kinds:
            return False
        for key, pattern in self.tags.items():
            value = tags.get(key)
            if value is None or not fnmatch.fnmatchcase(value, pattern):
                return False
        if self.name and not fnmatch.fnmatchcase(name, self.name):
            return False
        return not (self.address and not fnmatch.fnmatchcase(address, self.address))


class Waiver(_Strict):
    control: str
    resource: str = "*"
    """The resource's address (as written, brackets and all), id, ARN or Name tag, or a glob."""
    tags: dict[str, str] = Field(default_factory=dict)
    """Tags the resource carries (value globs): one waiver for the plan and the live form."""
    owner: str
    reason: str
    expires: dt.date
    requirement: str = ""
    environments: list[str] = Field(default_factory=list)
    """Environments it applies to (empty: all)."""

    def expired(self, today: dt.date) -> bool:
        return today > self.expires


def _one_environment() -> dict[str, dict[str, ParamValue]]:
    return {"default": {}}


class Spec(_Strict):
    system: str
    cloud: Literal["aws", "azure", "kubernetes", "lab"]
    document: str
    environments: dict[str, dict[str, ParamValue]] = Field(
        default_factory=lambda: _one_environment()
    )
    default_environment: str = ""
    roles: dict[str, Selector] = Field(default_factory=dict)
    """Named parts of the estate (bastion, app, database …) and how to recognise them."""
    scope: Scope = Field(default_factory=Scope)
    """Which resources are the documented system (empty: every resource the sources hold)."""
    environment_scopes: dict[str, Scope] = Field(default_factory=dict)
    """The scope of an environment, in place of ``scope`` (its own VPC, account or tags)."""
    params: dict[str, ParamValue] = Field(default_factory=dict)
    """System-wide parameters, overridden by the environment, then by the requirement."""
    requirements: list[Requirement]
    waivers: list[Waiver] = Field(default_factory=list)
    load: LoadProfile = Field(default_factory=LoadProfile)
    """How the load proof drives the entry point and what it must show."""
    chaos: ChaosProfile = Field(default_factory=ChaosProfile)
    """Recovery bounds the failure proofs are judged against."""

    @model_validator(mode="after")
    def _consistent(self) -> Spec:
        seen: set[str] = set()
        for req in self.requirements:
            if req.id in seen:
                raise ValueError(f"requirement id {req.id!r} appears twice")
            seen.add(req.id)
            named = [*req.environments, *req.environment_params]
            named += [env for use in req.controls for env in use.environment_params]
            for env in named:
                if env not in self.environments:
                    raise ValueError(f"requirement {req.id}: unknown environment {env!r}")
        for waiver in self.waivers:
            for env in waiver.environments:
                if env not in self.environments:
                    raise ValueError(f"waiver of {waiver.control}: unknown environment {env!r}")
        for env in self.environment_scopes:
            if env not in self.environments:
                raise ValueError(f"environment_scopes: unknown environment {env!r}")
        if self.default_environment and self.default_environment not in self.environments:
            raise ValueError(f"default_environment {self.default_environment!r} is not defined")
        return self

    @property
    def environment_names(self) -> list[str]:
        return list(self.environments)

    def pick_environment(self, name: str | None) -> str:
        if name:
            if name not in self.environments:
                known = ", ".join(self.environments)
                raise KeyError(f"environment {name!r} is not in the spec (known: {known})")
            return name
        return self.default_environment or next(iter(self.environments))

    def scope_for(self, env: str) -> Scope:
        return self.environment_scopes.get(env, self.scope)

    def params_for(self, requirement: Requirement, use: ControlUse, env: str) -> dict[str, Any]:
        merged: dict[str, Any] = dict(self.params)
        merged.update(self.environments.get(env, {}))
        merged.update(requirement.params)
        merged.update(requirement.environment_params.get(env, {}))
        merged.update(use.params)
        merged.update(use.environment_params.get(env, {}))
        return merged
