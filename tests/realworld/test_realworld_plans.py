"""Terraform nobody here wrote: every verdict archproof gives on each case's plan (plan JSON
alone) is the one read against the Terraform and written in the case's expected.yaml.

Each case (cases/<case>/) is a public configuration planned offline with terraform and the
AWS provider (provenance.yaml: repository, commit, licence, every edit), with a spec of what
the example itself intends (spec.yaml, claims in INTENT.md)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from archproof.inventory.model import Inventory
from archproof.sources.plan import load_plan
from archproof.spec.load import load_spec
from archproof.verdict import Verdict
from support.in_process import CATALOGUE, judge_all, judge_requirements

CASES = Path(__file__).resolve().parent / "cases"
NAMES = sorted(p.name for p in CASES.iterdir() if (p / "plan.json.gz").is_file())
Key = tuple[str, str, str]  # requirement, control, resource


def plan_of(case: str, folder: Path) -> Inventory:
    """The case's plan, unpacked into a folder of its own (so no configuration is beside it)."""
    target = folder / "plan.json"
    target.write_bytes(gzip.decompress((CASES / case / "plan.json.gz").read_bytes()))
    return load_plan(target)


def judged(case: str, folder: Path) -> dict[Key, tuple[Verdict, str]]:
    spec = load_spec(CASES / case / "spec.yaml", CATALOGUE)
    found: dict[Key, tuple[Verdict, str]] = {}
    for requirement, control, subject, verdict, message in judge_requirements(
        spec, [plan_of(case, folder)]
    ):
        resource = subject.split(":", 1)[1]
        resource = "<plan>" if resource.startswith("<") else resource
        found[(requirement, control, resource)] = (verdict, message)
    return found


def expected(case: str) -> dict[Key, dict[str, Any]]:
    entries = yaml.safe_load((CASES / case / "expected.yaml").read_text())
    return {(e["requirement"], e["control"], e["resource"]): e for e in entries}


def test_the_corpus_has_eight_licensed_configurations() -> None:
    assert len(NAMES) >= 8
    for case in NAMES:
        provenance = yaml.safe_load((CASES / case / "provenance.yaml").read_text())
        assert provenance["licence"] and re.fullmatch(r"[0-9a-f]{40}", provenance["commit"])
        assert provenance["edits"] is not None  # every edit recorded (an empty list: none)


@pytest.mark.parametrize("case", NAMES)
def test_every_verdict_is_the_one_read_against_the_terraform(case: str, tmp_path: Path) -> None:
    found = judged(case, tmp_path)
    wanted = expected(case)
    assert set(found) == set(wanted), "subjects differ from expected.yaml"
    wrong = [
        f"{key}: archproof says {found[key][0]}, expected {entry['verdict']} ({entry.get('why')})"
        f" — {found[key][1]}"
        for key, entry in wanted.items()
        if str(found[key][0]) != entry["verdict"]
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("case", NAMES)
def test_what_the_plan_cannot_say_is_never_a_pass_or_fail(case: str) -> None:
    """Where the plan alone cannot decide what the Terraform does (``plan_cannot_say``), or
    archproof does not read what decides it yet (``not_read_yet``), the verdict is
    inconclusive, and the expected file says why and what the Terraform does."""
    for entry in expected(case).values():
        why = entry.get("plan_cannot_say") or entry.get("not_read_yet")
        if why or "terraform" in entry:
            assert entry["verdict"] == "inconclusive" and why
            assert entry["terraform"] in ("pass", "fail")


@pytest.mark.parametrize("case", NAMES)
def test_no_control_crashes_and_no_message_blames_the_inventory(case: str, tmp_path: Path) -> None:
    inventory = plan_of(case, tmp_path)
    held = {i for r in inventory for i in (r.address, *r.ids)}
    spec = load_spec(CASES / case / "spec.yaml", CATALOGUE)
    for control, subject, _verdict, message in judge_all(spec, [inventory]):
        assert "could not judge" not in message, message
        assert "not in the inventory" not in message, message
        for names in re.findall(r"names (.+?), not in plan", message):
            assert not set(names.split(", ")) & held, f"{control} {subject}: {message}"
