"""Waivers: which subjects a waiver names, and a ledger of what each matched in a run.

A waiver names its resource once — an address (literal brackets and quotes as Terraform writes
them, or a glob), an id, an ARN, a Name tag, and/or ``tags`` — and matches it in a plan and in a
live source alike. A waiver for other environments, or that matched nothing judged, is said."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from archproof.controls.api import Subject
from archproof.spec.model import Waiver


def names_of(subject: Subject) -> set[str]:
    """Every name a waiver may give the subject: address, Name tag, ids and ARNs."""
    names = {subject.address}
    if subject.resource is not None:
        names.update({subject.resource.name, *subject.resource.ids})
    return {n for n in names if isinstance(n, str) and n}


def _named(pattern: str, names: Iterable[str]) -> bool:
    # an exact name first: ``aws_instance.app[0]`` is an address, not a character class
    return any(n == pattern or fnmatch.fnmatchcase(n, pattern) for n in names)


def _tagged(wanted: Mapping[str, str], tags: Mapping[str, str]) -> bool:
    return all(
        isinstance(tags.get(k), str) and fnmatch.fnmatchcase(tags[k], v) for k, v in wanted.items()
    )


def matches(waiver: Waiver, subject: Subject, environment: str) -> bool:
    if waiver.control != subject.control.id:
        return False
    if waiver.requirement and waiver.requirement != subject.requirement.id:
        return False
    if waiver.environments and environment not in waiver.environments:
        return False
    if waiver.tags:
        resource = subject.resource
        if resource is None or not _tagged(waiver.tags, resource.tags):
            return False
    return _named(waiver.resource, names_of(subject))


@dataclass
class WaiverLedger:
    """Per waiver of the spec: subjects it matched and verdicts it waived in this run."""

    waivers: list[Waiver]
    matched: dict[int, int] = field(default_factory=dict)
    applied: dict[int, int] = field(default_factory=dict)

    def find(self, subject: Subject, environment: str) -> Waiver | None:
        """The first waiver naming the subject (counted as matched)."""
        for index, waiver in enumerate(self.waivers):
            if matches(waiver, subject, environment):
                self.matched[index] = self.matched.get(index, 0) + 1
                return waiver
        return None

    def applied_to(self, waiver: Waiver) -> None:
        index = next(i for i, w in enumerate(self.waivers) if w is waiver)
        self.applied[index] = self.applied.get(index, 0) + 1

    def report(self, environment: str, controls_run: set[str]) -> list[dict[str, Any]]:
        """Each waiver with what it matched; ``status``: ``applied``, ``matched`` (only
        passes), ``unmatched`` (nothing judged it named), or ``not in this run``."""
        entries = []
        for index, waiver in enumerate(self.waivers):
            matched, applied = self.matched.get(index, 0), self.applied.get(index, 0)
            in_run = waiver.control in controls_run and (
                not waiver.environments or environment in waiver.environments
            )
            status = "applied" if applied else "matched" if matched else "unmatched"
            entries.append(
                {
                    **waiver.model_dump(mode="json", exclude_defaults=True),
                    "matched": matched,
                    "applied": applied,
                    "status": status if in_run else "not in this run",
                }
            )
        return entries


def unmatched_lines(entries: list[dict[str, Any]]) -> list[str]:
    """One warning per waiver that named nothing this run judged."""
    return [
        f"warning: waiver of {e['control']} for {e.get('resource', '*')}"
        f"{' tags ' + str(e['tags']) if e.get('tags') else ''} (owner {e['owner']})"
        " matched nothing this run judged — a stale or misspelt waiver"
        for e in entries
        if e["status"] == "unmatched"
    ]
