"""A live cluster (the local API server, read with the real client) into the inventory."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archproof.emulators.kube_api import KubeApiServer, kube_api_server, nodes_for_zones
from archproof.errors import EXIT_BAD_INPUT, EXIT_EVIDENCE_MISSING, SourceError, UsageError
from archproof.inventory.model import Inventory
from archproof.sources.kubernetes.live import KINDS, KubeOptions, collect_kubernetes
from archproof.sources.kubernetes.manifests import load_manifests, manifest_files, parse_documents

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "kubernetes"
ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")


def corpus_objects() -> list[dict[str, Any]]:
    """The corpus documents as written (namespaces left out stay out)."""
    files = manifest_files([str(CORPUS)])
    return [d.obj for name in files for d in parse_documents(Path(name).read_text(), name)]


@pytest.fixture(scope="module")
def cluster() -> Iterator[KubeApiServer]:
    with kube_api_server([*corpus_objects(), *nodes_for_zones(ZONES, 2)]) as server:
        yield server


@pytest.fixture(scope="module")
def kubeconfig(cluster: KubeApiServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(cluster.write_kubeconfig(tmp_path_factory.mktemp("kube") / "config"))


@pytest.fixture(scope="module")
def live(kubeconfig: str) -> Inventory:
    return collect_kubernetes(KubeOptions(kubeconfig=kubeconfig))


@pytest.fixture(autouse=True)
def _no_ambient_cluster(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never the developer's own kubeconfig or an in-cluster service account."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)


def test_live_objects_are_the_manifests(live: Inventory) -> None:
    manifests = load_manifests([str(CORPUS)])
    planned = {r.address: r for r in manifests if r.kind in KINDS}
    running = {r.address: r for r in live if r.kind != "k8s_node"}
    implicit = {"Namespace/default"}  # a cluster has the namespaces its objects live in
    assert set(running) == set(planned) | implicit
    for address, resource in planned.items():
        assert running[address].kind == resource.kind
        assert running[address].get("spec") == resource.get("spec"), address
        assert running[address].tags == resource.tags, address
    assert live.errors == []


def test_inventory_shape(live: Inventory, cluster: KubeApiServer) -> None:
    assert live.source == "k8s" and live.provides == ("k8s_",)
    assert live.origin == "k8s:archproof-local"
    assert live.scope["server"] == cluster.url and live.scope["namespaces"] == []
    assert live.scope["version"].startswith("v1.")
    assert len(live.of_kind("k8s_node")) == 6
    zones = {n.tags["topology.kubernetes.io/zone"] for n in live.of_kind("k8s_node")}
    assert zones == set(ZONES)


def test_objects_as_the_api_writes_them(live: Inventory) -> None:
    frontend = live.by_address("default/Deployment/frontend")
    assert frontend is not None
    assert frontend.get("apiVersion") == "apps/v1" and frontend.get("kind") == "Deployment"
    metadata = frontend.get("metadata")
    assert "managedFields" not in metadata and "annotations" not in metadata
    assert frontend.get("metadata.uid") in frontend.ids
    assert frontend.get("status.readyReplicas") == 1  # status kept
    assert frontend.region == "archproof-local"
    pdb = live.by_address("default/PodDisruptionBudget/RELEASE-NAME-memcached")
    assert pdb is not None and pdb.get("apiVersion") == "policy/v1"  # served as v1
    hooks = pdb.get("metadata.annotations")  # the chart's own annotations stay
    assert hooks["helm.sh/hook"] == "post-upgrade, post-install"


def test_namespaces_limit_what_is_read(kubeconfig: str) -> None:
    lines: list[str] = []
    inventory = collect_kubernetes(
        KubeOptions(
            kubeconfig=kubeconfig, namespaces=("ingress-nginx", "ghost"), progress=lines.append
        )
    )
    spaces = {
        r.get("metadata.namespace")
        for r in inventory
        if r.kind not in ("k8s_node", "k8s_namespace")
    }
    assert spaces == {"ingress-nginx"}
    assert [r.address for r in inventory.of_kind("k8s_namespace")] == ["Namespace/ingress-nginx"]
    assert len(inventory.of_kind("k8s_node")) == 6  # cluster-scoped: still read
    assert inventory.scope["namespaces"] == ["ingress-nginx", "ghost"]
    assert inventory.scope["missing_namespaces"] == ["ghost"]
    assert "namespaces not found in archproof-local: ghost" in lines
    assert "list deployments (apps/v1) in namespace ingress-nginx: 1 objects" in lines
    [missing] = inventory.errors  # nothing in it can be judged: controls report error
    assert missing.call == "get namespace ghost"
    assert "namespace 'ghost' not found in archproof-local" in missing.message
    assert {"k8s_deployment", "k8s_pod", "k8s_cronjob", "k8s_namespace"} <= set(missing.kinds)
    assert "k8s_node" not in missing.kinds
    assert inventory.errors_for(["k8s_deployment"]) == [missing]


def test_forbidden_kind_is_an_error_for_that_kind_only(tmp_path: Path) -> None:
    with kube_api_server(corpus_objects(), forbidden=["horizontalpodautoscalers"]) as server:
        config = server.write_kubeconfig(tmp_path / "config", context="rbac-gap")
        inventory = collect_kubernetes(KubeOptions(kubeconfig=str(config)))
    [error] = inventory.errors
    assert error.kinds == ("k8s_horizontalpodautoscaler",)
    assert (error.source, error.service, error.region) == ("k8s", "kubernetes", "rbac-gap")
    assert error.call == "list horizontalpodautoscalers (autoscaling/v2)"
    assert error.message.startswith("HTTP 403 Forbidden: horizontalpodautoscalers.autoscaling")
    assert inventory.errors_for(["k8s_horizontalpodautoscaler"]) == [error]
    assert inventory.errors_for(["k8s_deployment"]) == []
    assert len(inventory.of_kind("k8s_deployment")) == 14
    assert inventory.of_kind("k8s_horizontalpodautoscaler") == []


def test_api_not_served_and_throttling_are_errors(tmp_path: Path) -> None:
    objects = corpus_objects()
    with kube_api_server(
        objects, unserved=["autoscaling/v2"], failing={"ingresses": 429}
    ) as server:
        config = server.write_kubeconfig(tmp_path / "config")
        inventory = collect_kubernetes(KubeOptions(kubeconfig=str(config)))
    found = {e.kinds: e.message for e in inventory.errors}
    assert found[("k8s_horizontalpodautoscaler",)].startswith("HTTP 404 Not Found")
    assert found[("k8s_ingress",)].startswith("HTTP 429 Too Many Requests")
    assert len(found) == 2
    calls = [call for call in server.requests if "ingresses" in call[1]]
    assert len(calls) == 1  # no retries


def test_a_slow_kind_times_out_alone(tmp_path: Path) -> None:
    with kube_api_server(corpus_objects(), delays={"ingresses": 1.0}) as server:
        config = server.write_kubeconfig(tmp_path / "config")
        started = time.monotonic()
        inventory = collect_kubernetes(
            KubeOptions(kubeconfig=str(config), request_timeout=(1, 0.3))
        )
        assert time.monotonic() - started < 1.0
    [error] = inventory.errors
    assert error.kinds == ("k8s_ingress",) and error.message == "timed out waiting for the answer"
    assert len(inventory.of_kind("k8s_deployment")) == 14


def test_long_lists_are_read_page_by_page(tmp_path: Path) -> None:
    accounts = [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": f"sa-{i:04d}"}}
        for i in range(1203)
    ]
    with kube_api_server(accounts) as server:
        config = server.write_kubeconfig(tmp_path / "config")
        inventory = collect_kubernetes(KubeOptions(kubeconfig=str(config)))
        pages = [p for _, p in server.requests if p.startswith("/api/v1/serviceaccounts")]
    assert len(inventory.of_kind("k8s_serviceaccount")) == 1203
    assert len(pages) == 3 and "continue=1000" in pages[2]


def test_unreachable_cluster_is_a_source_error(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = _kubeconfig(tmp_path, f"http://127.0.0.1:{port}", context="gone")
    with pytest.raises(SourceError) as caught:
        collect_kubernetes(KubeOptions(kubeconfig=config))
    error = caught.value
    assert error.exit_code == EXIT_EVIDENCE_MISSING
    assert (error.service, error.region, error.call) == ("kubernetes", "gone", "GET /version")
    assert f"cannot reach http://127.0.0.1:{port}" in str(error)
    assert "Connection refused" in str(error) or "Failed to establish" in str(error)


def test_tls_failure_is_a_source_error(cluster: KubeApiServer, tmp_path: Path) -> None:
    server = cluster.url.replace("http://", "https://")  # the server speaks plain HTTP
    config = _kubeconfig(tmp_path, server, context="tls")
    with pytest.raises(SourceError, match=f"cannot reach {server}: .*SSL"):
        collect_kubernetes(KubeOptions(kubeconfig=config))


def test_a_server_that_never_answers_times_out(tmp_path: Path) -> None:
    with socket.socket() as silent:  # accepts connections (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        config = _kubeconfig(tmp_path, url, context="stuck")
        started = time.monotonic()
        with pytest.raises(SourceError) as caught:
            collect_kubernetes(KubeOptions(kubeconfig=config, request_timeout=(1.0, 0.3)))
    assert time.monotonic() - started < 3
    assert "timed out" in str(caught.value)


def test_rejected_credentials_are_a_source_error(cluster: KubeApiServer, tmp_path: Path) -> None:
    config = _kubeconfig(tmp_path, cluster.url, context="stale", token="expired")
    with pytest.raises(SourceError) as caught:
        collect_kubernetes(KubeOptions(kubeconfig=config))
    assert "rejected the credentials (HTTP 401 Unauthorized)" in str(caught.value)


def test_unknown_context_is_a_usage_error(kubeconfig: str) -> None:
    with pytest.raises(UsageError) as caught:
        collect_kubernetes(KubeOptions(kubeconfig=kubeconfig, context="prod-eu"))
    assert caught.value.exit_code == EXIT_BAD_INPUT
    assert str(caught.value) == (
        f"context 'prod-eu' not found in kubeconfig {kubeconfig} (contexts: archproof-local)"
    )


def test_missing_kubeconfig_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(UsageError, match=r"kubeconfig .*nope not found"):
        collect_kubernetes(KubeOptions(kubeconfig=str(tmp_path / "nope")))
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "also-nope"))
    with pytest.raises(UsageError, match=r"no kubeconfig found at .*also-nope"):
        collect_kubernetes(KubeOptions())


def test_kubeconfig_from_the_environment(kubeconfig: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", kubeconfig)
    inventory = collect_kubernetes(KubeOptions(), source="k8s:demo")
    assert inventory.source == "k8s:demo" and len(inventory.of_kind("k8s_deployment")) == 14


def test_in_cluster_without_a_service_account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "1")
    with pytest.raises(SourceError) as caught:
        collect_kubernetes(KubeOptions())
    assert caught.value.region == "in-cluster" and caught.value.call == "load in-cluster config"


def test_unreadable_kubeconfig_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text("clusters: [\n")
    with pytest.raises(UsageError, match="cannot be read"):
        collect_kubernetes(KubeOptions(kubeconfig=str(path)))


def _kubeconfig(tmp_path: Path, server: str, context: str, token: str = "t") -> str:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": {"server": server}}],
        "users": [{"name": "u", "user": {"token": token}}],
        "contexts": [{"name": context, "context": {"cluster": "c", "user": "u"}}],
        "current-context": context,
    }
    path = tmp_path / f"{context}.kubeconfig"
    path.write_text(json.dumps(config))
    return str(path)


def _owned(kind: str, api_version: str, name: str, owner: str) -> dict[str, Any]:
    return {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {
            "name": name,
            "namespace": "jobs",
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": owner, "name": "o", "uid": "1"}],
        },
        "spec": {"containers": [{"name": "c", "image": "busybox"}]},
    }


def test_pods_jobs_and_replica_sets_are_read_unless_owned(tmp_path: Path) -> None:
    pod = {"containers": [{"name": "c", "image": "busybox"}]}
    objects = [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bare", "namespace": "jobs"}},
        {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly"}},
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "once"}},
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs"}},
        {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "rc"}},
        _owned("Pod", "v1", "web-abc12", "ReplicaSet"),
        _owned("ReplicaSet", "apps/v1", "web-5d9f", "Deployment"),
        _owned("Job", "batch/v1", "nightly-2890", "CronJob"),
    ]
    for obj in objects[:5]:
        obj["spec"] = {"template": {"spec": pod}} if obj["kind"] != "Pod" else pod
    with kube_api_server(objects, default_namespace="jobs") as server:
        config = server.write_kubeconfig(tmp_path / "config")
        inventory = collect_kubernetes(KubeOptions(kubeconfig=str(config)))
    assert inventory.errors == []
    found = {r.address for r in inventory if r.kind != "k8s_namespace"}
    assert found == {
        "jobs/Pod/bare",
        "jobs/CronJob/nightly",
        "jobs/Job/once",
        "jobs/ReplicaSet/rs",
        "jobs/ReplicationController/rc",
    }  # the owned ones are judged through their owners
    assert {"k8s_pod", "k8s_cronjob", "k8s_job", "k8s_replicaset"} <= set(KINDS)
