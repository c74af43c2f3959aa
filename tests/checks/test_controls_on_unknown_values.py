"""No control crashes on an unknown value: every control, on real plans where each attribute
in turn (top-level and inside blocks) is unknown — known only after apply, or left to the
provider — must still judge: no verdict may say the control could not judge.

(Manifests and live sources hold no unknown values; plans are where they come from.)"""

from __future__ import annotations

import dataclasses
import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archproof.inventory.model import UNSET_REASON, Inventory, Resource, Unknown
from archproof.sources.plan import load_plan
from archproof.verdict import Verdict
from support.in_process import CATALOGUE, every_control_spec, judge_all

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "terraform-plans"
REALWORLD = ROOT / "tests" / "realworld" / "cases"
PLANS = [
    *sorted((ROOT / "examples").glob("*/plan.json")),
    *sorted(p for p in CORPUS.glob("*.json") if not p.name.startswith("corrupted")),
    *sorted(REALWORLD.glob("*/plan.json.gz")),
]
REASONS = (Unknown("known after apply"), Unknown(UNSET_REASON))
SPEC = every_control_spec()


def attribute_paths(value: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every attribute path of a value; ``*`` stands for every item of a list."""
    if isinstance(value, dict):
        for key, item in value.items():
            path = (*prefix, str(key))
            yield path
            yield from attribute_paths(item, path)
    elif isinstance(value, list) and any(isinstance(i, dict) for i in value):
        for item in value:
            yield from attribute_paths(item, (*prefix, "*"))


def unknown_at(value: Any, path: tuple[str, ...], reason: Unknown) -> Any:
    if not path:
        return reason
    head, rest = path[0], path[1:]
    if head == "*" and isinstance(value, list):
        return [unknown_at(item, rest, reason) for item in value]
    if isinstance(value, dict) and head in value:
        return {**value, head: unknown_at(value[head], rest, reason)}
    return value


def variants(inventory: Inventory) -> Iterator[tuple[str, Inventory]]:
    """One inventory per (kind, attribute path, reason): that attribute unknown everywhere."""
    paths: dict[tuple[str, tuple[str, ...]], None] = {}
    for resource in inventory:
        for path in attribute_paths(dict(resource.attributes)):
            paths[(resource.kind, path)] = None
    for kind, path in paths:
        # A plan leaves only whole top-level attributes to the provider; nested values are
        # unknown only until apply.
        for reason in REASONS if len(path) == 1 else REASONS[:1]:
            changed = [
                dataclasses.replace(r, attributes=unknown_at(dict(r.attributes), path, reason))
                if r.kind == kind
                else r
                for r in inventory
            ]
            copy = Inventory(
                inventory.source,
                changed,
                inventory.errors,
                inventory.origin,
                inventory.scope,
                inventory.provides,
                inventory.never,
            )
            yield f"{kind}.{'.'.join(path)} ({reason.reason})", copy


def crashes(inventory: Inventory) -> list[str]:
    found = []
    for label, variant in variants(inventory):
        for control, subject, verdict, message in judge_all(SPEC, [variant]):
            if verdict is Verdict.ERROR and "could not judge" in message:
                found.append(f"{label}: {control} {subject}: {message}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize(
    "plan", PLANS, ids=[p.parent.name if p.name.startswith("plan.") else p.stem for p in PLANS]
)
def test_no_control_crashes_on_an_unknown_plan_value(plan: Path, tmp_path: Path) -> None:
    if plan.suffix == ".gz":
        unpacked = tmp_path / "plan.json"
        unpacked.write_bytes(gzip.decompress(plan.read_bytes()))
        plan = unpacked
    crashed = crashes(load_plan(plan))
    assert not crashed, "\n".join(crashed[:20])


def test_the_sweep_reaches_nested_attributes() -> None:
    resource = Resource("aws_security_group", "a", "plan", {"ingress": [{"cidr_blocks": ["x"]}]})
    paths = list(attribute_paths(dict(resource.attributes)))
    assert ("ingress", "*", "cidr_blocks") in paths
    changed = unknown_at(dict(resource.attributes), ("ingress", "*", "cidr_blocks"), REASONS[0])
    assert isinstance(changed["ingress"][0]["cidr_blocks"], Unknown)


def test_a_crash_would_be_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sweep can fail: a control that trips over an unknown value is reported by it."""
    info = CATALOGUE["database-multi-az"]

    def fragile(resource: Resource) -> None:
        if resource.get("multi_az"):  # an Unknown has no truth value: this raises
            return

    monkeypatch.setitem(CATALOGUE, info.id, dataclasses.replace(info, function=fragile))
    inventory = Inventory("plan", [Resource("aws_db_instance", "db", "plan", {"multi_az": True})])
    found = crashes(inventory)
    assert found and all("database-multi-az plan:db" in line for line in found)
    assert "aws_db_instance.multi_az (known after apply)" in found[0]
