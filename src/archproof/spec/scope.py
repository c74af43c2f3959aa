"""What the documented system is, in an estate shared with others: the spec's ``scope``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Scope(BaseModel):
    """Which resources are the documented system.

    A resource is the system's when it matches any of ``tags`` (every key given, value globs),
    ``vpcs`` (a VPC's id, Name tag or address, glob: the VPC and what sits in it),
    ``resource_groups``, ``namespaces`` or ``modules`` (Terraform module addresses, glob:
    ``module.levels``); ``accounts`` and ``regions`` narrow where it is looked for (a value a
    source does not know — a plan's account — does not exclude). With only ``accounts`` or
    ``regions``, everything there is the system. What the system's resources attach to
    (associations, rules, attachments) and what they use (their subnets, groups, route tables,
    keys) is judged with them, unless it says it belongs elsewhere (another value of a scope
    tag, another VPC, resource group or namespace).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    tags: dict[str, str | list[str]] = Field(default_factory=dict)
    vpcs: list[str] = Field(default_factory=list)
    accounts: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    resource_groups: list[str] = Field(default_factory=list)
    namespaces: list[str] = Field(default_factory=list)
    modules: list[str] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.tags,
                self.vpcs,
                self.accounts,
                self.regions,
                self.resource_groups,
                self.namespaces,
                self.modules,
            )
        )

    @property
    def has_membership(self) -> bool:
        """Whether it names the system's resources (else only where to look)."""
        return any((self.tags, self.vpcs, self.resource_groups, self.namespaces, self.modules))

    def describe(self) -> str:
        parts = []
        for name in ("tags", "vpcs", "accounts", "regions", "resource_groups", "namespaces"):
            value = getattr(self, name)
            if value:
                parts.append(f"{name}={value}")
        if self.modules:
            parts.append(f"modules={self.modules}")
        return ", ".join(parts)
