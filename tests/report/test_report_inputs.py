"""Fail closed on inputs: nothing to report, an unreadable results.json or a verdict the report
cannot read is an error (exit 2) or an `error` verdict, never a pass; seeded-violation folders
are not collected."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from report_nights import LAB, proofs_only_lab

from archproof.report import write_report
from archproof.report.cli import add_report_parser
from archproof.report.inputs import ReportInputError, read_inputs


def test_no_results_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(ReportInputError, match=r"no results\.json"):
        write_report([tmp_path], tmp_path / "out", None, pdf=False)
    assert ReportInputError("x").exit_code == 2


def test_broken_results_json_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text("{not json")
    with pytest.raises(ReportInputError, match=r"results.json: not JSON"):
        read_inputs([tmp_path])
    (tmp_path / "results.json").write_text(json.dumps({"system": "x"}))
    with pytest.raises(ReportInputError, match="missing environment, results"):
        read_inputs([tmp_path])


def test_unknown_verdict_is_an_error_and_violation_runs_are_skipped(tmp_path: Path) -> None:
    shutil.copytree(LAB / "load", tmp_path / "load")
    data = json.loads((LAB / "load" / "results.json").read_text())
    data["results"][0]["verdict"] = "looks-fine"
    (tmp_path / "load" / "results.json").write_text(json.dumps(data))
    seeded = tmp_path / "bragabot" / "violations" / "database-public"
    seeded.mkdir(parents=True)
    shutil.copy(LAB / "chaos" / "results.json", seeded / "results.json")
    outcome = write_report([tmp_path], tmp_path / "out", None, pdf=False)
    assert outcome.counts["error"] == 1 and outcome.exit_code == 3
    page = outcome.html.read_text()
    assert "unreadable verdict &#39;looks-fine&#39;" in page
    assert "violations/database-public/results.json" in page  # listed as not collected
    runs = json.loads(outcome.model.read_text())["meta"]["runs"]
    assert [Path(r["path"]).parent.name for r in runs] == ["load"]


def test_cli_previous_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="archproof")
    add_report_parser(parser.add_subparsers(dest="command", required=True))
    out = tmp_path / "out"
    args = parser.parse_args(
        ["report", "--from", str(LAB), "--out", str(tmp_path / "partial"), "--no-pdf"]
    )
    assert args.handler(args) == 3  # the lab's requirements name controls no run judged
    assert "requirements: unproven 5" in capsys.readouterr().out
    complete = proofs_only_lab(tmp_path / "complete")
    args = parser.parse_args(["report", "--from", str(complete), "--out", str(out), "--no-pdf"])
    assert args.handler(args) == 0
    args = parser.parse_args(
        ["report", "--from", str(complete), "--out", str(out), "--no-pdf", "--previous", str(LAB)]
    )
    assert args.handler(args) == 0
    printed = capsys.readouterr().out
    assert f"audit report: {out / 'audit.html'}" in printed
    assert "pdf: NOT PRODUCED — not asked for (--no-pdf)" in printed
    assert f"compared with: {LAB}" in printed
    assert len(list((out / "history").glob("*.json"))) == 2
