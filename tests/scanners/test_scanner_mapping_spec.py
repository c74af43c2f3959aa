"""The spec's scanner mapping: validated where it enters, with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from scanner_support import POLICIES

from archproof.controls.catalogue import checks_dirs, discover
from archproof.errors import SpecError
from archproof.spec.load import load_spec

HEAD = """system: demo
cloud: aws
document: Demo
requirements:
  - id: DB-1
    claim: The database survives the loss of a zone.
    source: {system: Demo, section: Data}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "demo.yaml"
    path.write_text(HEAD + text, encoding="utf-8")
    return path


def test_a_requirement_proven_by_scanners_alone(tmp_path: Path) -> None:
    spec = load_spec(
        write(
            tmp_path,
            "    scanners:\n"
            "      checkov: [CKV_AWS_157, {id: CKV2_AWS_50, resource: 'aws_elasticache_*'}]\n"
            "      prowler: [rds_instance_multi_az]\n"
            "waivers:\n"
            "  - {control: 'prowler:rds_instance_multi_az', resource: '*:db:legacy',"
            " owner: data, reason: retiring, expires: 2030-01-01}\n",
        ),
        discover(checks_dirs()),
    )
    pairs = [(tool, c.id, c.resource) for tool, c in spec.requirements[0].scanners.items()]
    assert pairs == [
        ("checkov", "CKV_AWS_157", "*"),
        ("checkov", "CKV2_AWS_50", "aws_elasticache_*"),
        ("prowler", "rds_instance_multi_az", "*"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("    scanners: {checkov: [rds_instance_multi_az]}\n", "is not a checkov check id"),
        ("    scanners: {prowler: [CKV_AWS_157]}\n", "is not a prowler check id"),
        ("    scanners: {checkov: [CKV_AWS_157, CKV_AWS_157]}\n", "mapped twice"),
        ("    scanners: {trivy: [AVD-AWS-0001]}\n", "unknown field"),
    ],
)
def test_bad_mappings_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SpecError, match=message) as caught:
        load_spec(write(tmp_path, text))
    assert caught.value.line == 8 and caught.value.field.startswith("requirements[0].scanners")


def test_a_waiver_for_an_unmapped_scanner_check_is_refused(tmp_path: Path) -> None:
    text = (
        "    scanners: {checkov: [CKV_AWS_157]}\n"
        "waivers:\n"
        "  - {control: 'checkov:CKV_AWS_16', owner: a, reason: b, expires: 2030-01-01}\n"
    )
    with pytest.raises(SpecError, match="waiver for unknown control 'checkov:CKV_AWS_16'"):
        load_spec(write(tmp_path, text), discover(checks_dirs()))


def test_the_reference_policies_map_scanner_checks() -> None:
    catalogue = discover(checks_dirs())
    mapped = {
        path.stem: {
            f"{t}:{c.id}"
            for r in load_spec(path, catalogue).requirements
            for t, c in r.scanners.items()
        }
        for path in sorted(POLICIES.glob("*.yaml"))
    }
    assert all(mapped.values()), mapped
    assert {"checkov:CKV_AWS_157", "prowler:rds_instance_multi_az"} <= mapped["bragabot"]
    assert "checkov:CKV_K8S_16" in mapped["libertum"]
