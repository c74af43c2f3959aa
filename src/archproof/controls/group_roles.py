"""Whom a security group stands for: the roles of the workloads behind it.

A group is a role's own only when everything it guards is in the role. A group shared by
the bastion and the app nodes lets what it admits reach both, and where it is admitted as
a source it lets both in: it is neither "the bastion's group" nor "the app's group".
"""

from __future__ import annotations

from dataclasses import dataclass

from archproof.controls.api import Subject
from archproof.inventory.guarded import guarded_by
from archproof.inventory.model import Resource

ASG_TAG = "aws:autoscaling:groupName"


@dataclass(frozen=True, slots=True)
class Standing:
    """A security group measured against some roles."""

    claimed: bool
    """The group, or something it guards, is in the roles."""
    outside: tuple[Resource, ...] = ()
    """What it guards that is in none of the roles."""
    maybe_outside: tuple[Resource, ...] = ()
    """What it may guard (the plan cannot say) that is in none of the roles."""

    @property
    def whole(self) -> bool:
        """Certainly the roles' own group: claimed, and guarding nothing else."""
        return self.claimed and not self.outside and not self.maybe_outside

    @property
    def shared(self) -> str:
        """Says what else the group guards, or may guard ("" when nothing)."""
        if self.outside:
            return "also guards " + ", ".join(r.address for r in self.outside)
        if self.maybe_outside:
            return "may also guard " + ", ".join(r.address for r in self.maybe_outside)
        return ""


def standing(
    subject: Subject, group: Resource, roles: list[str], beside: tuple[Resource, ...] = ()
) -> Standing:
    """The group against ``roles``; what it guards in ``beside`` (the judged resource
    itself, say) counts neither for nor against it."""
    guarded = guarded_by(subject.inventory, group)
    certain = [r for r in guarded.certain if r not in beside]
    maybe = [r for r in guarded.maybe if r not in beside]
    inside = [r for r in certain if member_in_roles(subject, r, roles)]
    named = any(subject.in_role(group, role) for role in roles)
    return Standing(
        claimed=named or bool(inside),
        outside=tuple(r for r in certain if r not in inside),
        maybe_outside=tuple(r for r in maybe if not member_in_roles(subject, r, roles)),
    )


def member_in_roles(subject: Subject, resource: Resource, roles: list[str]) -> bool:
    """Is a guarded resource in one of the roles? A live instance an Auto Scaling group
    started is in its group's roles too (the group's tags need not propagate)."""
    if any(subject.in_role(resource, role) for role in roles):
        return True
    owner = resource.tags.get(ASG_TAG) if resource.kind == "aws_instance" else None
    if not isinstance(owner, str) or not owner:
        return False
    groups = [g for g in subject.inventory.by_id(owner) if g.kind == "aws_autoscaling_group"]
    return any(subject.in_role(g, role) for g in groups for role in roles)


def admits_only(
    subject: Subject,
    candidates: tuple[Resource, ...],
    roles: list[str],
    beside: tuple[Resource, ...] = (),
) -> bool:
    """Whichever of these groups a rule turns out to admit, is each one the roles' own?"""
    return bool(candidates) and all(standing(subject, c, roles, beside).whole for c in candidates)
