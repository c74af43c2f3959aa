"""Real prowler (its kubernetes provider) against the local Kubernetes API server serving
Libertum's manifests, with the pods the controllers would run: the mapped ``core`` checks pass
on the reference manifests and fail on a privileged container, as ``k8s-no-privileged`` does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from scanner_support import POLICIES

from archproof.check import CheckRequest, run_check
from archproof.emulators.kube_api import kube_api_server
from archproof.errors import UsageError
from archproof.estates.workloads import (
    MANIFEST_VIOLATIONS,
    reference_manifests,
    reference_objects,
)
from archproof.scanners import ScanRequest, scan_for_run
from archproof.scanners.tools import ScannerTool
from archproof.session import SourceRequest, prepare_run
from archproof.verdict import Verdict

SPEC = str(POLICIES / "libertum.yaml")
MAPPED = {
    "prowler:core_minimize_privileged_containers",
    "prowler:core_minimize_allowPrivilegeEscalation_containers",
    "prowler:core_minimize_hostNetwork_containers",
    "prowler:core_minimize_hostPID_containers",
    "prowler:core_minimize_hostIPC_containers",
}


@contextmanager
def cluster(objects: list[dict[str, object]], folder: Path) -> Iterator[SourceRequest]:
    folder.mkdir(parents=True, exist_ok=True)
    with kube_api_server(objects) as server:
        kubeconfig = server.write_kubeconfig(folder / "kubeconfig")
        yield SourceRequest(k8s=True, kubeconfig=str(kubeconfig))


def test_prowler_k8s_checks_judge_the_pods(prowler_tool: ScannerTool, tmp_path: Path) -> None:
    violation = next(v for v in MANIFEST_VIOLATIONS["libertum"] if v.name == "privileged-container")
    scanners = ScanRequest(prowler=True, cache_dir=tmp_path / "cache")
    with (
        cluster(reference_objects("libertum"), tmp_path / "good") as good,
        cluster(violation.edit(reference_objects("libertum")), tmp_path / "bad") as bad,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        bad_run = prepare_run(SPEC, None, bad, only_requirements=("LIB-SEC-1",))
        bad_scan = pool.submit(scan_for_run, bad_run, scanners, bad)  # both prowler runs at once
        request = CheckRequest(
            spec_path=SPEC,
            sources=good,
            only_requirements=("LIB-SEC-1",),
            reports=tmp_path / "reports",
            quiet=True,
            scanners=scanners,
        )
        run_check(request)
        bad_outcome = bad_scan.result()

    written = json.loads((tmp_path / "reports" / "results.json").read_text())
    (entry,) = written["scanners"]
    assert entry["source"] == "prowler:k8s" and entry["ran"], entry["reason"]
    assert "--kubeconfig-file" in entry["args"] and entry["args"][0] == "kubernetes"
    records = [r for r in written["results"] if r["control"].startswith("prowler:")]
    assert {r["control"] for r in records} == MAPPED
    assert {r["verdict"] for r in records} == {"pass"}
    assert {r["source"] for r in records} == {"prowler:k8s"}
    assert any(r["resource"] and r["kind"] == "Pod" for r in records)
    own = [r for r in written["results"] if r["control"] == "k8s-no-privileged"]
    assert own and {r["verdict"] for r in own} == {"pass"}

    (report,) = bad_outcome.reports
    assert report.ran, report.failure
    failed = [r for r in bad_outcome.records if r.verdict is Verdict.FAIL]
    assert failed and {r.control for r in failed} == {"prowler:core_minimize_privileged_containers"}
    assert all("Pod asset-api-" in r.message for r in failed)


def test_prowler_needs_a_live_source() -> None:
    run = prepare_run(
        SPEC,
        None,
        SourceRequest(manifests=(str(reference_manifests("libertum")),)),
        only_requirements=("LIB-SEC-1",),
    )
    with pytest.raises(UsageError, match="add --aws or --k8s"):
        scan_for_run(run, ScanRequest(prowler=True), SourceRequest())
