"""The committed examples are exactly what a fresh export writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archproof.estates.export import main, render_export

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "bragabot"


def test_committed_examples_equal_a_fresh_export() -> None:
    fresh = render_export("bragabot")
    committed = {
        str(p.relative_to(EXAMPLES)): p.read_text(encoding="utf-8")
        for p in EXAMPLES.rglob("*")
        # manifests/ holds hand-written workload manifests (archproof.estates.workloads)
        if p.is_file() and p.relative_to(EXAMPLES).parts[0] != "manifests"
    }
    assert sorted(committed) == sorted(fresh), (
        "regenerate: python -m archproof.estates.export bragabot examples/bragabot"
    )
    for path, text in fresh.items():
        assert committed[path] == text, f"{path} is stale: regenerate the examples"


def test_cli_writes_a_violated_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bragabot", str(tmp_path), "--violation", "database-public"]) == 0
    assert (tmp_path / "plan.json").is_file() and (tmp_path / "hcl" / "main.tf").is_file()
    assert re.search(r"publicly_accessible +=  *true", (tmp_path / "hcl/main.tf").read_text())
    assert "plan.json" in capsys.readouterr().out


def test_cli_refuses_an_unknown_violation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bragabot", str(tmp_path), "--violation", "nope"]) == 2
    assert "no seeded violation 'nope'" in capsys.readouterr().err
