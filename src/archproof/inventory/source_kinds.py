"""The kinds of source a run can read, the option that gives each, and what each can hold.

One table, used by the sources (what an inventory can hold) and by requirement coverage (which
option would let a control that did not run be judged)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceKind:
    name: str
    """The source type of its inventories (``plan``, ``live`` …)."""
    option: str
    """The ``archproof check`` option that reads it."""
    provides: tuple[str, ...] = ()
    """Resource kind prefixes it can hold; empty: any kind."""
    never: tuple[str, ...] = ()
    """Resource kind prefixes it cannot hold."""
    cloud: str = ""
    """The one cloud it reads (a spec of another cloud never needs it); empty: any."""

    def could_hold(self, kinds: Iterable[str]) -> bool:
        return can_hold(kinds, self.provides, self.never)


def can_hold(kinds: Iterable[str], provides: tuple[str, ...], never: tuple[str, ...]) -> bool:
    """Whether any of ``kinds`` is of a sort a source of ``provides``/``never`` records
    (no kinds: yes)."""
    wanted = list(kinds)
    if not wanted:
        return True
    return any(
        (not provides or k.startswith(provides)) and not (never and k.startswith(never))
        for k in wanted
    )


PLAN = SourceKind("plan", "--plan", never=("k8s_",))
AWS = SourceKind("live", "--aws", provides=("aws_",), cloud="aws")
AZURE = SourceKind("azure", "--azure", provides=("azurerm_",), cloud="azure")
MANIFESTS = SourceKind("manifests", "--manifests", provides=("k8s_",))
KUBERNETES = SourceKind("k8s", "--k8s", provides=("k8s_",))
SOURCE_KINDS = (PLAN, AWS, AZURE, MANIFESTS, KUBERNETES)
