"""Seeded violations: named edits of an estate's description, each seeded for one control.

A violation is pure: ``violation.apply(estate)`` returns a modified copy, so the
same edit shows in the plan JSON, the HCL and the provisioned account alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from archproof.estates.model import Estate

FORMS = ("plan", "live")
"""Where a violation can show: the Terraform plan, and the provisioned (live) account."""


@dataclass(frozen=True, slots=True)
class Violation:
    id: str
    description: str
    requirement_hint: str
    """The documented claim the edit contradicts, in a few words."""
    control: str
    """The control this violation is seeded for: it fails on the violated estate and passes
    on the compliant one."""
    apply: Callable[[Estate], Estate]
    also_breaks: tuple[str, ...] = ()
    """Controls the same edit cannot help breaking too (empty for all but compound edits)."""
    forms: tuple[str, ...] = ("plan", "live")
    """The forms that can show the break: a plan cannot know what only the cloud decides
    (an imported certificate's expiry); the description says why a form is left out."""

    def __post_init__(self) -> None:
        unknown = set(self.forms) - set(FORMS)
        if unknown or not self.forms:
            raise ValueError(f"{self.id}: forms must be among {FORMS}, got {self.forms}")

    @property
    def controls(self) -> tuple[str, ...]:
        """Every control expected to fail: ``control`` first."""
        return (self.control, *self.also_breaks)

    def __call__(self, estate: Estate) -> Estate:
        return self.apply(estate)


def find_violation(violations: Iterable[Violation], violation_id: str) -> Violation:
    known = list(violations)
    for violation in known:
        if violation.id == violation_id:
            return violation
    names = ", ".join(v.id for v in known)
    raise KeyError(f"no seeded violation {violation_id!r} (known: {names})")
