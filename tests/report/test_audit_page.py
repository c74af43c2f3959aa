"""The audit page as a person sees it: opened offline in headless Chromium, every requirement
of the spec in the matrix, the failing control visible, the expired waiver a failure, the
change since the previous night, and a screenshot that is a page, not a blank."""

from __future__ import annotations

import re
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from report_nights import SPEC, Nights
from report_pixels import read_png

from archproof.report.pdf import OFFLINE_FLAGS, run_chromium
from archproof.spec.load import load_spec


class Links(HTMLParser):
    """Every URL-like attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "poster", "data") and value:
                self.urls.append((tag, name, value))


def rendered(chromium: str, html: Path) -> str:
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            [chromium, *OFFLINE_FLAGS, f"--user-data-dir={profile}", "--dump-dom", html.as_uri()],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_page_is_self_contained(nights: Nights) -> None:
    text = nights.second.html.read_text(encoding="utf-8")
    parser = Links()
    parser.feed(text)
    external = [u for u in parser.urls if not u[2].startswith("#")]
    assert external == [], f"the page would fetch: {external[:5]}"
    assert not re.search(r"<script|<link |@import|url\(\s*['\"]?https?:", text)
    assert "default-src 'none'" in text  # the browser itself refuses any fetch


def test_offline_render_shows_every_requirement_and_the_failure(
    nights: Nights, chromium: str
) -> None:
    dom = rendered(chromium, nights.second.html)
    spec = load_spec(SPEC)
    matrix = dom[dom.index('id="matrix"') : dom.index('id="findings"')]
    missing = [r.id for r in spec.requirements if f'data-requirement="{r.id}"' not in matrix]
    assert missing == [], f"requirements not in the matrix: {missing}"
    row = re.search(
        r'<tr data-requirement="BRG-NET-4" data-control="database-not-publicly-accessible">'
        r".*?</tr>",
        matrix,
        re.S,
    )
    assert row is not None
    assert 'data-source="plan" data-verdict="fail"' in row.group(0)
    finding = re.search(
        r'<tr id="[^"]+" class="finding" data-verdict="fail"'
        r' data-control="database-not-publicly-accessible">.*?</tr>',
        dom,
        re.S,
    )
    assert finding is not None
    assert "aws_db_instance.main" in finding.group(0)
    assert "publicly_accessible=True" in finding.group(0)  # seen
    assert '<td class="mono">false</td>' in finding.group(0)  # required
    assert 'data-overall="fail"' in dom
    # the load proof and the game day beside the plan: their sources and charts are embedded
    assert 'data-source="load"' in matrix and 'data-source="chaos"' in matrix
    assert "<svg" in dom[dom.index('id="motion"') :]
    assert "lab-instance-loss" in dom


def test_expired_waiver_is_a_failure_and_a_current_one_is_waived(nights: Nights) -> None:
    text = nights.second.html.read_text(encoding="utf-8")
    waivers = text[text.index('id="waivers"') : text.index('id="frameworks"')]
    expired = re.search(r'<tr class="waiver" data-expired="yes">.*?</tr>', waivers, re.S)
    assert expired is not None
    assert "kms-key-rotation" in expired.group(0) and "platform-team" in expired.group(0)
    assert "EXPIRED" in expired.group(0) and "2020-01-31" in expired.group(0)
    current = re.search(r'<tr class="waiver" data-expired="no">.*?</tr>', waivers, re.S)
    assert current is not None and "cloudtrail-multi-region" in current.group(0)
    assert re.search(r'class="finding" data-verdict="fail" data-control="kms-key-rotation"', text)
    assert re.search(
        r'class="finding" data-verdict="waived" data-control="cloudtrail-multi-region"', text
    )


def test_second_night_shows_the_change_since_the_first(nights: Nights) -> None:
    assert nights.first.previous == ""
    assert nights.second.previous.endswith("history/20260101T020000Z.json")
    text = nights.second.html.read_text(encoding="utf-8")
    changes = text[text.index('id="changes"') : text.index('id="matrix"')]
    new = re.findall(r'data-change="new" data-control="([^"]+)"', changes)
    fixed = re.findall(r'data-change="fixed" data-control="([^"]+)"', changes)
    still = re.findall(r'data-change="still" data-control="([^"]+)"', changes)
    assert "database-not-publicly-accessible" in new
    assert "database-multi-az" in fixed
    assert "kms-key-rotation" in still  # failing both nights: the waiver had already expired
    assert "cloudtrail-multi-region" not in new  # a current waiver is no failure


def test_screenshot_shows_a_page(nights: Nights, chromium: str, tmp_path: Path) -> None:
    shot = tmp_path / "audit.png"
    code, detail = run_chromium(
        chromium,
        [
            f"--screenshot={shot}",
            "--window-size=1200,1600",
            "--force-device-scale-factor=0.5",
            "--hide-scrollbars",
            nights.second.html.resolve().as_uri(),
        ],
        timeout=60,
    )
    assert code == 0 and shot.is_file(), detail
    image = read_png(shot)
    assert image.width >= 500 and image.height >= 700
    assert 0.02 < image.ink_ratio() < 0.9, "the screenshot is blank (or all ink)"
    assert image.colours() > 8, "the screenshot has hardly any colours: nothing rendered"
