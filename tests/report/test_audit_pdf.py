"""The PDF is the same report printed by headless Chromium: its pages, turned into PNG with
pdftoppm, are pages with ink on them; without Chromium the PDF is reported missing, not
skipped."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from report_nights import LAB, Nights, proofs_only_lab
from report_pixels import read_png

from archproof.report import write_report


def test_pdf_pages_are_rendered(nights: Nights, tmp_path: Path) -> None:
    pdf = nights.second.pdf
    assert pdf is not None and pdf.is_file(), nights.second.pdf_reason
    out = subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 1
    first = read_png(pages[0])
    assert first.width > first.height  # A4 landscape, as the stylesheet asks
    assert first.ink_ratio() > 0.01, "the first PDF page is blank"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=False
    ).stdout
    assert "Traceability matrix" in text and "BRG-NET-4" in text


def test_missing_chromium_is_reported_and_in_the_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHPROOF_CHROMIUM", str(tmp_path / "no-chromium-here"))
    outcome = write_report([LAB], tmp_path / "out", None)
    assert outcome.pdf is None
    assert "no Chromium found" in outcome.pdf_reason and "report-install.sh" in outcome.pdf_reason
    assert any("NOT PRODUCED" in line for line in outcome.lines())
    assert outcome.counts["pass"] > 0 and not outcome.counts["fail"]
    # the lab's requirements also name controls no run of the fixture judged: unproven
    assert outcome.exit_code == 3 and outcome.requirements == {"unproven": 5}
    complete = proofs_only_lab(tmp_path / "complete")
    outcome = write_report([complete], tmp_path / "out2", None)
    assert outcome.requirements == {"pass": 5}
    assert outcome.exit_code == 3  # compliant inputs, but the asked-for PDF is missing
    assert write_report([complete], tmp_path / "out2", None, pdf=False).exit_code == 0
