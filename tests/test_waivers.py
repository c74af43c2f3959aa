"""Waivers through the real plugin: named once, matched in a plan and a live source alike,
per environment, and said when they matched nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from archproof.check import CheckRequest, judge
from archproof.inventory.model import Inventory, Resource
from archproof.run import Run
from archproof.spec.model import Spec


def spec(*waivers: dict[str, Any]) -> Spec:
    return Spec.model_validate(
        {
            "system": "demo",
            "cloud": "aws",
            "document": "Demo",
            "environments": {"prod": {}, "staging": {}},
            "requirements": [
                {
                    "id": "DB-1",
                    "claim": "c",
                    "source": {"system": "Demo", "section": "s"},
                    "controls": ["database-multi-az"],
                }
            ],
            "waivers": [
                {"control": "database-multi-az", "owner": "data", "reason": "r"}
                | {"expires": dt.date(2099, 1, 1)}
                | w
                for w in waivers
            ],
        }
    )


def planned(address: str, **tags: str) -> Resource:
    return Resource("aws_db_instance", address, "plan", {"multi_az": False}, tags=tags)


def live(ident: str, arn: str, **tags: str) -> Resource:
    attrs = {"multi_az": False}
    return Resource("aws_db_instance", ident, "live", attrs, tags=tags, ids=(ident, arn))


def run_with(the_spec: Spec, environment: str, tmp_path: Path) -> tuple[Run, dict[str, Any]]:
    plan = Inventory("plan", [planned('module.db["orders"].aws_db_instance.this[0]', Team="x")])
    account = Inventory("live", [live("orders", "arn:aws:rds:eu-west-1:1:db:orders", Team="x")])
    run = Run(the_spec, environment, [plan, account])
    judge(run, CheckRequest(spec_path="-", reports=tmp_path, quiet=True))
    return run, json.loads((tmp_path / "results.json").read_text())


def verdicts(run: Run) -> dict[str, str]:
    return {r.resource: str(r.verdict) for r in run.records}


def test_an_address_with_brackets_is_matched_as_written(tmp_path: Path) -> None:
    waiver = {"resource": 'module.db["orders"].aws_db_instance.this[0]'}
    run, results = run_with(spec(waiver), "prod", tmp_path)
    assert verdicts(run)['module.db["orders"].aws_db_instance.this[0]'] == "waived"
    assert verdicts(run)["orders"] == "fail"  # the live one is named otherwise
    assert results["waivers"][0]["applied"] == 1


def test_one_waiver_by_tags_matches_the_plan_and_the_live_resource(tmp_path: Path) -> None:
    run, _ = run_with(spec({"tags": {"Team": "x"}}), "prod", tmp_path)
    assert set(verdicts(run).values()) == {"waived"}


def test_an_arn_names_the_live_resource(tmp_path: Path) -> None:
    run, _ = run_with(spec({"resource": "arn:aws:rds:*:db:orders"}), "prod", tmp_path)
    assert verdicts(run)["orders"] == "waived"


def test_a_waiver_of_another_environment_waives_nothing_here(tmp_path: Path) -> None:
    the_spec = spec({"tags": {"Team": "x"}, "environments": ["staging"]})
    run, results = run_with(the_spec, "prod", tmp_path / "prod")
    assert set(verdicts(run).values()) == {"fail"}
    assert results["waivers"][0]["status"] == "not in this run"
    run, _ = run_with(the_spec, "staging", tmp_path / "staging")
    assert set(verdicts(run).values()) == {"waived"}


def test_a_waiver_that_matched_nothing_is_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    the_spec = spec({"resource": "aws_db_instance.typo"})
    plan = Inventory("plan", [planned("aws_db_instance.main")])
    run = Run(the_spec, "prod", [plan])
    judge(run, CheckRequest(spec_path="-", reports=tmp_path, quiet=False, pytest_output=False))
    printed = capsys.readouterr().out
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["waivers"][0]["status"] == "unmatched"
    assert (
        "warning: waiver of database-multi-az for aws_db_instance.typo (owner data) matched"
        " nothing this run judged" in printed
    )


def test_a_waiver_for_an_unknown_environment_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown environment 'qa'"):
        spec({"environments": ["qa"]})
