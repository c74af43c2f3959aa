"""The workloads of the documented systems as manifests and as a live cluster (a local
Kubernetes API server serving them, read through the official client): the same verdict per
control, on the compliant manifests and on seeded violations, through the real check run."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from archproof.demo.clusters import KUBE_FORMS
from archproof.demo.forms import FormResult, check_estate
from archproof.estates import build
from archproof.estates.workloads import MANIFEST_VIOLATIONS, reference_objects
from archproof.moto_server import MotoServer
from archproof.verdict import Verdict

AWS_SYSTEMS = ("bragabot", "video-conference")


def verdicts(result: FormResult) -> dict[tuple[str, str, str], Verdict]:
    """(control, requirement, object address) → verdict; a source-wide subject (its address
    names the source: ``<manifests path>``, ``<k8s:context>``) as ``<source>``."""
    found = {}
    for record in result.records:
        address = "<source>" if record.resource.startswith("<") else record.resource
        found[(record.control, record.requirement, address)] = record.verdict
    return found


@pytest.mark.parametrize("system", AWS_SYSTEMS)
def test_manifests_and_cluster_agree_on_the_compliant_workloads(
    system: str, moto: MotoServer, tmp_path: Path
) -> None:
    _, (manifests, cluster) = check_estate(
        system, build(system), moto, tmp_path, KUBE_FORMS, workloads=reference_objects(system)
    )
    assert manifests.count(Verdict.PASS) > 10
    assert manifests.count(Verdict.FAIL) == manifests.count(Verdict.ERROR) == 0
    assert verdicts(manifests) == verdicts(cluster)


@pytest.mark.parametrize("system", AWS_SYSTEMS)
def test_a_seeded_violation_fails_on_both_forms(
    system: str, moto: MotoServer, tmp_path: Path
) -> None:
    violation = MANIFEST_VIOLATIONS[system][0]
    broken = violation.edit(copy.deepcopy(reference_objects(system)))
    _, (manifests, cluster) = check_estate(
        system, build(system), moto, tmp_path, KUBE_FORMS, workloads=broken
    )
    assert violation.control in manifests.failing_controls()
    assert manifests.failing_controls() == cluster.failing_controls()
    assert verdicts(manifests) == verdicts(cluster)
