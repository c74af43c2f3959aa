"""The local read-only Kubernetes API server: discovery, lists, gets, failures, kubeconfig."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from archproof.emulators.kube_api import (
    LAST_APPLIED,
    KubeApiServer,
    kube_api_server,
    nodes_for_zones,
)
from archproof.emulators.kube_api_main import main

OBJECTS: list[dict[str, Any]] = [
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}},
    },
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "api", "namespace": "shop", "labels": {"app": "api"}},
        "spec": {"selector": {"matchLabels": {"app": "api"}}},
    },
    {
        "apiVersion": "policy/v1beta1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "web"},
        "spec": {"minAvailable": 2},
    },
    {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {"minReplicas": 2, "maxReplicas": 5},
    },
    {
        "apiVersion": "example.com/v1alpha1",
        "kind": "Widget",
        "metadata": {"name": "w", "namespace": "shop"},
        "spec": {"size": 1},
    },
    *nodes_for_zones(["us-east-1a", "us-east-1b"], 2),
]


@pytest.fixture(scope="module")
def server() -> Iterator[KubeApiServer]:
    with kube_api_server(OBJECTS, forbidden=["nodes"], unserved=["batch/v1"]) as running:
        yield running


def get(server: KubeApiServer, path: str, token: str | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(server.url + path)
    if token != "":  # kubectl sends no token over plain HTTP
        request.add_header("Authorization", f"Bearer {token or server.token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as failed:
        return failed.code, json.loads(failed.read())


def test_serves_on_loopback_only(server: KubeApiServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")


def test_discovery(server: KubeApiServer) -> None:
    assert get(server, "/version")[1]["gitVersion"].startswith("v1.")
    assert get(server, "/api")[1]["versions"] == ["v1"]
    groups = {g["name"]: g for g in get(server, "/apis")[1]["groups"]}
    assert {"apps", "autoscaling", "policy", "networking.k8s.io", "example.com"} <= set(groups)
    assert "batch" not in groups  # unserved
    assert groups["apps"]["preferredVersion"] == {"groupVersion": "apps/v1", "version": "v1"}
    core = {r["name"]: r for r in get(server, "/api/v1")[1]["resources"]}
    assert core["nodes"]["namespaced"] is False and core["services"]["namespaced"] is True
    assert core["services"]["verbs"] == ["get", "list"]
    assert core["services"]["shortNames"] == ["svc"]  # kubectl get svc
    apps = get(server, "/apis/apps/v1")[1]
    assert apps["kind"] == "APIResourceList" and apps["groupVersion"] == "apps/v1"
    assert {"deployments", "statefulsets", "daemonsets"} <= {r["name"] for r in apps["resources"]}
    assert get(server, "/apis/batch/v1")[0] == 404


def test_lists_like_the_api(server: KubeApiServer) -> None:
    code, answer = get(server, "/apis/apps/v1/deployments")
    assert code == 200 and answer["kind"] == "DeploymentList"
    assert answer["apiVersion"] == "apps/v1" and answer["metadata"]["resourceVersion"]
    assert [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in answer["items"]] == [
        ("default", "web"),
        ("shop", "api"),
    ]
    assert all("kind" not in i and "apiVersion" not in i for i in answer["items"])
    shop = get(server, "/apis/apps/v1/namespaces/shop/deployments")[1]
    assert [i["metadata"]["name"] for i in shop["items"]] == ["api"]
    empty = get(server, "/apis/apps/v1/daemonsets")[1]
    assert empty["kind"] == "DaemonSetList" and empty["items"] == []


def test_get_fills_metadata_status_and_apply_bookkeeping(server: KubeApiServer) -> None:
    code, web = get(server, "/apis/apps/v1/namespaces/default/deployments/web")
    assert code == 200 and web["kind"] == "Deployment" and web["apiVersion"] == "apps/v1"
    metadata = web["metadata"]
    assert metadata["namespace"] == "default" and metadata["generation"] == 1
    assert metadata["uid"] and metadata["resourceVersion"] and metadata["creationTimestamp"]
    assert metadata["managedFields"][0]["manager"] == "kubectl-client-side-apply"
    assert json.loads(metadata["annotations"][LAST_APPLIED]) == OBJECTS[0]
    assert web["spec"] == OBJECTS[0]["spec"]  # as given: no defaulting
    assert web["status"]["readyReplicas"] == 3
    hpa = get(server, "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web")[1]
    assert hpa["status"] == {"currentReplicas": 2, "desiredReplicas": 2}


def test_older_versions_are_served_at_the_current_one(server: KubeApiServer) -> None:
    pdb = get(server, "/apis/policy/v1/namespaces/default/poddisruptionbudgets/web")[1]
    assert pdb["apiVersion"] == "policy/v1" and pdb["spec"] == {"minAvailable": 2}
    assert get(server, "/apis/policy/v1beta1/poddisruptionbudgets")[0] == 404


def test_namespaces_of_the_objects_exist(server: KubeApiServer) -> None:
    names = [i["metadata"]["name"] for i in get(server, "/api/v1/namespaces")[1]["items"]]
    assert names == ["default", "shop"]
    shop = get(server, "/api/v1/namespaces/shop")[1]
    assert shop["kind"] == "Namespace" and shop["status"] == {"phase": "Active"}
    assert "namespace" not in shop["metadata"] and "generation" not in shop["metadata"]


def test_custom_resources(server: KubeApiServer) -> None:
    widgets = get(server, "/apis/example.com/v1alpha1/namespaces/shop/widgets")[1]
    assert widgets["kind"] == "WidgetList" and widgets["items"][0]["spec"] == {"size": 1}


def test_label_selector_and_paging(server: KubeApiServer) -> None:
    chosen = get(server, "/apis/apps/v1/deployments?labelSelector=tier%3Dfront")[1]["items"]
    assert [i["metadata"]["name"] for i in chosen] == ["web"]
    absent = get(server, "/apis/apps/v1/deployments?labelSelector=!tier")[1]["items"]
    assert [i["metadata"]["name"] for i in absent] == ["api"]
    first = get(server, "/apis/apps/v1/deployments?limit=1")[1]
    assert len(first["items"]) == 1 and first["metadata"]["remainingItemCount"] == 1
    token = first["metadata"]["continue"]
    rest = get(server, f"/apis/apps/v1/deployments?limit=1&continue={token}")[1]
    assert [i["metadata"]["name"] for i in rest["items"]] == ["api"]
    assert "continue" not in rest["metadata"]


def test_failures_are_status_objects(server: KubeApiServer) -> None:
    code, missing = get(server, "/apis/apps/v1/namespaces/default/deployments/nope")
    assert code == 404 and missing["kind"] == "Status" and missing["reason"] == "NotFound"
    assert missing["message"] == 'deployments.apps "nope" not found'
    assert get(server, "/apis/apps/v1/foos")[0] == 404
    assert get(server, "/healthz/whatever")[0] == 404
    assert get(server, "/api/v1/nodes/x/y/z")[0] == 404
    code, refused = get(server, "/api/v1/nodes")
    assert code == 403 and refused["reason"] == "Forbidden"
    assert 'cannot list resource "nodes" in API group "" at the cluster scope' in refused["message"]
    assert get(server, "/api/v1/nodes", token="stolen")[0] == 401
    assert get(server, "/api/v1/services", token="")[0] == 200  # anonymous reader


def test_read_only(server: KubeApiServer) -> None:
    request = urllib.request.Request(
        server.url + "/apis/apps/v1/namespaces/default/deployments",
        data=b"{}",
        method="POST",
        headers={"Authorization": f"Bearer {server.token}"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 405


def test_injected_failure_codes() -> None:
    with kube_api_server(OBJECTS[:1], failing={"deployments.apps": 429}) as server:
        code, answer = get(server, "/apis/apps/v1/deployments")
        assert code == 429 and answer["reason"] == "TooManyRequests"


def test_kubeconfig_points_at_the_server(server: KubeApiServer, tmp_path: Path) -> None:
    path = server.write_kubeconfig(tmp_path / "config", context="demo")
    config = yaml.safe_load(path.read_text())
    assert config["current-context"] == "demo"
    assert config["clusters"][0]["cluster"]["server"] == server.url
    assert config["users"][0]["user"]["token"] == server.token


def test_nodes_for_zones() -> None:
    nodes = nodes_for_zones(["us-east-1a", "us-east-1b", "us-east-1c"], 2)
    assert len(nodes) == 6 and len({n["metadata"]["name"] for n in nodes}) == 6
    labels = nodes[2]["metadata"]["labels"]
    assert labels["topology.kubernetes.io/zone"] == "us-east-1b"
    assert labels["topology.kubernetes.io/region"] == "us-east-1"
    azure = nodes_for_zones(["westeurope-1"], 1)[0]["metadata"]["labels"]
    assert azure["topology.kubernetes.io/region"] == "westeurope"
    ready = nodes[0]["status"]["conditions"][0]
    assert ready["type"] == "Ready" and ready["status"] == "True"


def test_standalone_server_reports_bad_manifests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "nope.yaml"), "--kubeconfig", str(tmp_path / "k")]) == 2
    assert "nope.yaml: file not found" in capsys.readouterr().err


def test_a_daemon_set_reports_one_ready_pod_per_node() -> None:
    daemon = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "agent", "namespace": "ops"},
        "spec": {"selector": {"matchLabels": {"app": "agent"}}},
    }
    with kube_api_server([daemon, *nodes_for_zones(["z1", "z2"], 2)]) as running:
        status, body = get(running, "/apis/apps/v1/namespaces/ops/daemonsets/agent")
    assert status == 200
    assert body["status"]["desiredNumberScheduled"] == body["status"]["numberReady"] == 4
