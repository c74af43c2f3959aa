"""``k8s-workloads-present`` on workloads that exist but run nothing, as a review found them:
a documented Deployment scaled to zero passed. Judged on manifests read by the real loader and
on the same objects served by the local Kubernetes API server (where ready replicas count)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from archproof.check import CheckRequest, judge
from archproof.emulators.kube_api import kube_api_server
from archproof.inventory.model import Inventory
from archproof.run import Run
from archproof.sources.kubernetes.live import KubeOptions, collect_kubernetes
from archproof.sources.kubernetes.manifests import load_manifests
from archproof.spec.model import Spec
from archproof.verdict import Verdict, VerdictRecord

P, F, U = Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE
POD = {
    "metadata": {"labels": {"app": "x"}},
    "spec": {"containers": [{"name": "c", "image": "registry.example.com/c:1.0"}]},
}


def workload(kind: str, name: str, status: dict[str, Any] | None = None, **spec: Any) -> Any:
    template = {**POD, "metadata": {"labels": {"app": name}}}
    body: dict[str, Any] = {"selector": {"matchLabels": {"app": name}}, "template": template}
    obj: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name, "namespace": "monitoring"},
        "spec": {**body, **spec},
    }
    if status is not None:
        obj["status"] = status
    return obj


def autoscaler(target: str, least: int) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": target, "namespace": "monitoring"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
            "minReplicas": least,
            "maxReplicas": 4,
        },
    }


OBJECTS = [
    # scaled to zero by hand: nothing runs
    workload("Deployment", "grafana", replicas=0),
    # replicas unset, an HPA keeps at least two
    workload("Deployment", "prometheus"),
    autoscaler("prometheus", 2),
    # an HPA that lets it scale to zero
    workload("Deployment", "alertmanager"),
    autoscaler("alertmanager", 0),
    # zero replicas stop the HPA too (it does not scale a target from zero)
    workload("Deployment", "tempo", replicas=0),
    autoscaler("tempo", 2),
    # asked for one, none ready in the cluster (crash loop)
    workload(
        "StatefulSet",
        "loki",
        {"replicas": 1, "currentReplicas": 1, "observedGeneration": 1},
        replicas=1,
        serviceName="loki",
    ),
    # a node agent running on two nodes, and one whose pods are not ready on any node
    workload(
        "DaemonSet",
        "promtail",
        {"desiredNumberScheduled": 2, "currentNumberScheduled": 2, "numberReady": 2},
    ),
    workload(
        "DaemonSet",
        "node-exporter",
        {"desiredNumberScheduled": 2, "currentNumberScheduled": 2, "numberReady": 0},
    ),
]
NAMES = ("grafana", "prometheus", "alertmanager", "tempo", "loki", "promtail", "node-exporter")
MANIFESTS = {
    "grafana": F,
    "prometheus": P,
    "alertmanager": F,
    "tempo": F,
    "loki": P,
    "promtail": P,
    "node-exporter": P,
}
CLUSTER = {
    "grafana": F,
    "prometheus": P,  # the cluster's status: one ready replica
    "alertmanager": P,  # ready now, whatever its HPA allows later
    "tempo": F,
    "loki": F,
    "promtail": P,
    "node-exporter": F,
}


def spec() -> Spec:
    return Spec.model_validate(
        {
            "system": "k8s",
            "cloud": "kubernetes",
            "document": "Kubernetes test",
            "requirements": [
                {
                    "id": name,
                    "claim": "c",
                    "source": {"system": "K8s", "section": "s"},
                    "controls": [{"id": "k8s-workloads-present", "params": {"required": [name]}}],
                }
                for name in NAMES
            ],
        }
    )


def judged(inventories: list[Inventory], reports: Path) -> list[VerdictRecord]:
    run = Run(spec(), "default", inventories)
    judge(run, CheckRequest(spec_path="-", reports=reports, quiet=True))
    return run.records


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[VerdictRecord]:
    tmp = tmp_path_factory.mktemp("running")
    path = tmp / "objects.yaml"
    path.write_text(yaml.safe_dump_all(OBJECTS, sort_keys=False))
    files = load_manifests([str(path)])
    with kube_api_server(OBJECTS) as server:
        cluster = collect_kubernetes(
            KubeOptions(kubeconfig=str(server.write_kubeconfig(tmp / "k")))
        )
    assert cluster.errors == []
    return judged([files, cluster], tmp / "reports")


@pytest.mark.parametrize(("source", "expected"), [("manifests", MANIFESTS), ("k8s", CLUSTER)])
def test_a_documented_workload_that_runs_nothing_is_not_present(
    records: list[VerdictRecord], source: str, expected: dict[str, Verdict]
) -> None:
    seen = {r.requirement: r.verdict for r in records if r.source == source}
    assert seen == expected, {r.requirement: r.message for r in records if r.source == source}


def test_messages_say_what_runs(records: list[VerdictRecord]) -> None:
    def said(source: str, name: str) -> str:
        [found] = [r for r in records if r.source == source and r.requirement == name]
        return found.message

    assert "monitoring/Deployment/grafana replicas=0" in said("manifests", "grafana")
    assert "minReplicas=0" in said("manifests", "alertmanager")
    assert "readyReplicas=0" in said("k8s", "loki")
    assert "numberReady=0" in said("k8s", "node-exporter")


def test_a_cluster_object_whose_status_does_not_say_is_inconclusive(tmp_path: Path) -> None:
    """A DaemonSet whose status does not say how many of its pods are ready (not yet observed
    by its controller): whether its pods run is not known."""
    agent = workload("DaemonSet", "promtail", status={"observedGeneration": 0})
    with kube_api_server([agent]) as server:
        cluster = collect_kubernetes(
            KubeOptions(kubeconfig=str(server.write_kubeconfig(tmp_path / "k")))
        )
    [record] = [r for r in judged([cluster], tmp_path / "r") if r.requirement == "promtail"]
    assert record.verdict is U, record.message
