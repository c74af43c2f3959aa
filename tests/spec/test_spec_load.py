"""Spec loading: valid specs load; every bad input names file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.controls.catalogue import checks_dirs, discover
from archproof.errors import SpecError
from archproof.spec.load import load_spec

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = discover(checks_dirs())

MINIMAL = """\
system: demo
cloud: aws
document: Demo architecture
environments:
  prod: {min_zones: 3}
  staging: {min_zones: 1}
requirements:
  - id: NET-1
    claim: Databases are private.
    source: {system: Demo, section: Network}
    controls: [database-not-publicly-accessible]
"""


def write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("spec", sorted((ROOT / "policies").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_spec_validates(spec: Path) -> None:
    if spec.name.endswith(".waivers.yaml"):
        pytest.skip("waiver file")
    loaded = load_spec(spec, CATALOGUE)
    assert loaded.requirements


def test_minimal_spec_loads_with_environments(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, MINIMAL), CATALOGUE)
    assert spec.pick_environment(None) == "prod"
    assert spec.requirements[0].controls[0].id == "database-not-publicly-accessible"
    params = spec.params_for(spec.requirements[0], spec.requirements[0].controls[0], "staging")
    assert params["min_zones"] == 1


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("cloud: aws", "cloud: [aws"))
    with pytest.raises(SpecError) as caught:
        load_spec(path, CATALOGUE)
    assert (str(path) in str(caught.value) and ":3" in str(caught.value)) or ":4" in str(
        caught.value
    )


def test_unknown_control_is_named_with_a_suggestion(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        MINIMAL.replace("database-not-publicly-accessible", "database-not-publicly-accesible"),
    )
    with pytest.raises(SpecError) as caught:
        load_spec(path, CATALOGUE)
    message = str(caught.value)
    assert f"{path}:11" in message
    assert "unknown control 'database-not-publicly-accesible'" in message
    assert "did you mean 'database-not-publicly-accessible'" in message


def test_parameter_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("{min_zones: 3}", "{min_zones: three}"))
    with pytest.raises(SpecError) as caught:
        load_spec(path, CATALOGUE)
    assert "min_zones must be int" in str(caught.value)
    assert f"{path}:5" in str(caught.value)


def test_unknown_parameter_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("{min_zones: 3}", "{min_zone: 3}"))
    with pytest.raises(SpecError, match=r"no control takes the parameter 'min_zone'.*min_zones"):
        load_spec(path, CATALOGUE)


def test_unknown_field_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("    claim:", "    claims: x\n    claim:"))
    with pytest.raises(SpecError) as caught:
        load_spec(path, CATALOGUE)
    assert "requirements[0].claims" in str(caught.value)
    assert "unknown field" in str(caught.value)


def test_missing_required_field_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("document: Demo architecture\n", ""))
    with pytest.raises(SpecError, match=r"\[document\]: Field required"):
        load_spec(path, CATALOGUE)


def test_duplicate_requirement_ids_are_refused(tmp_path: Path) -> None:
    doubled = MINIMAL + MINIMAL[MINIMAL.index("  - id: NET-1") :]
    with pytest.raises(SpecError, match=r"NET-1.*twice"):
        load_spec(write(tmp_path, doubled), CATALOGUE)


def test_missing_file_is_a_spec_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="file not found"):
        load_spec(tmp_path / "nope.yaml", CATALOGUE)


def test_waivers_beside_the_spec_are_loaded(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    write(
        tmp_path,
        "waivers:\n  - {control: database-not-publicly-accessible, resource: 'legacy-*',"
        " owner: data-team, reason: migration, expires: 2027-01-31}\n",
        "spec.waivers.yaml",
    )
    spec = load_spec(path, CATALOGUE)
    assert [w.owner for w in spec.waivers] == ["data-team"]


def test_waiver_without_expiry_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    write(tmp_path, "waivers:\n  - {control: x, owner: a, reason: b}\n", "spec.waivers.yaml")
    with pytest.raises(SpecError, match=r"spec.waivers.yaml:2 \[waivers\[0\]\.expires\]"):
        load_spec(path, CATALOGUE)


def test_requirement_needs_some_proof(tmp_path: Path) -> None:
    text = MINIMAL.replace("    controls: [database-not-publicly-accessible]\n", "")
    with pytest.raises(SpecError, match="needs controls, proofs, or a not_provable reason"):
        load_spec(write(tmp_path, text), CATALOGUE)


ENV_PARAMS = MINIMAL.replace(
    "    controls: [database-not-publicly-accessible]\n",
    "    controls:\n"
    "      - id: zone-spread\n"
    "        environment_params: {staging: {min_zones: 2}}\n"
    "    environment_params:\n"
    "      prod: {min_zones: 4}\n",
)


def test_requirement_parameters_vary_by_environment(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, ENV_PARAMS), CATALOGUE)
    req = spec.requirements[0]
    use = req.controls[0]
    assert spec.params_for(req, use, "prod")["min_zones"] == 4  # the requirement's, for prod
    assert spec.params_for(req, use, "staging")["min_zones"] == 2  # the use's, for staging


def test_environment_parameters_are_checked_like_any(tmp_path: Path) -> None:
    path = write(tmp_path, ENV_PARAMS.replace("prod: {min_zones: 4}", "qa: {min_zones: 4}"))
    with pytest.raises(SpecError, match="unknown environment 'qa'"):
        load_spec(path, CATALOGUE)
    path = write(tmp_path, ENV_PARAMS.replace("prod: {min_zones: 4}", "prod: {min_zone: 4}"))
    with pytest.raises(SpecError, match="no control takes the parameter 'min_zone'"):
        load_spec(path, CATALOGUE)


def test_scope_per_environment(tmp_path: Path) -> None:
    text = MINIMAL + (
        "scope: {tags: {System: demo}}\nenvironment_scopes:\n  staging: {vpcs: [demo-staging]}\n"
    )
    spec = load_spec(write(tmp_path, text), CATALOGUE)
    assert spec.scope_for("prod").tags == {"System": "demo"}
    assert spec.scope_for("staging").vpcs == ["demo-staging"]
