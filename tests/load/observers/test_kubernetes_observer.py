"""The Kubernetes observer, through the official client, against the test API server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from kubernetes import client

from archproof.load.observers.base import ObserverError
from archproof.load.observers.kubernetes import KubernetesObserver, from_kubeconfig
from archproof.moto_server import free_port
from support.kube_api import KubeApiServer, forbidden


def test_hpa_found_by_scale_target_ref_and_state_followed(
    kube_api: KubeApiServer, kubeconfig: Path
) -> None:
    kube_api.add_deployment("shop", "web", replicas=2)
    kube_api.add_deployment("shop", "api", replicas=4)
    kube_api.add_statefulset("shop", "web", replicas=1)
    kube_api.add_hpa("shop", "api", target="api")
    kube_api.add_hpa("shop", "web-sts", target="web", target_kind="StatefulSet")
    kube_api.add_hpa("shop", "web-hpa", target="web", min_replicas=2, max_replicas=6, cpu=35)
    for name in ("node-a", "node-b", "node-c"):
        kube_api.add_node(name)
    kube_api.set_node_ready("node-c", False)

    observer = from_kubeconfig(str(kubeconfig), "lab", "shop", "web")
    assert observer.name == "k8s:shop/web"
    first = observer.sample()
    assert (first.desired, first.healthy, first.error) == (2, 2, "")
    assert first.detail["desired_source"] == "hpa"
    assert first.detail["hpa"] == {
        "name": "web-hpa",
        "min_replicas": 2,
        "max_replicas": 6,
        "current_replicas": 2,
        "desired_replicas": 2,
        "last_scale_time": None,
        "current_metrics": [
            {"type": "Resource", "name": "cpu", "average_utilization": 35, "average_value": "35m"}
        ],
        "conditions": {"AbleToScale": "True", "ScalingActive": "True", "ScalingLimited": "False"},
    }
    assert (first.detail["node_count"], first.detail["ready_node_count"]) == (3, 2)
    assert "nodes_error" not in first.detail

    # load arrives: the HPA wants 6, the deployment is scaled, 3 of 6 pods are ready
    kube_api.set_hpa("shop", "web-hpa", desired=6, current=2, cpu=92)
    kube_api.scale("shop", "web", 6)
    kube_api.set_ready("shop", "web", 3)
    second = observer.sample()
    assert (second.desired, second.healthy) == (6, 3)
    assert second.detail["spec_replicas"] == 6
    assert (second.detail["replicas"], second.detail["available_replicas"]) == (6, 3)
    hpa = second.detail["hpa"]
    assert isinstance(hpa, dict)
    assert hpa["current_metrics"][0]["average_utilization"] == 92
    assert hpa["conditions"]["ScalingLimited"] == "True"
    assert isinstance(hpa["last_scale_time"], str) and hpa["last_scale_time"].endswith("+00:00")

    kube_api.set_ready("shop", "web", 6)
    assert observer.sample().healthy == 6
    kube_api.set_ready("shop", "web", 0)  # readyReplicas is then absent from the status
    assert "readyReplicas" not in kube_api.workloads[("Deployment", "shop", "web")]["status"]
    third = observer.sample()
    assert (third.desired, third.healthy, third.detail["available_replicas"]) == (6, 0, 0)

    assert {method for method, _ in kube_api.requests} == {"GET"}  # read-only
    paths = {target.split("?")[0] for _, target in kube_api.requests}
    assert paths == {
        "/apis/apps/v1/namespaces/shop/deployments/web",
        "/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers",
        "/api/v1/nodes",
    }


def test_statefulset_without_hpa_uses_spec_replicas(
    kube_api: KubeApiServer, kubeconfig: Path
) -> None:
    kube_api.add_statefulset("data", "cache", replicas=3, ready=1)
    kube_api.add_hpa("data", "other", target="cache")  # a Deployment of that name: not ours
    kube_api.add_node("node-a")
    observer = from_kubeconfig(str(kubeconfig), None, "data", "cache", kind="StatefulSet")
    sample = observer.sample()
    assert (sample.desired, sample.healthy) == (3, 1)
    assert sample.detail["desired_source"] == "spec"
    assert sample.detail["hpa"] is None
    assert sample.detail["kind"] == "StatefulSet"
    assert (sample.detail["replicas"], sample.detail["updated_replicas"]) == (3, 3)

    kube_api.scale("data", "cache", 5, kind="StatefulSet")
    kube_api.set_ready("data", "cache", 4, kind="StatefulSet")
    assert (observer.sample().desired, observer.sample().healthy) == (5, 4)


def test_explicit_hpa_name(kube_api: KubeApiServer, kubeconfig: Path) -> None:
    kube_api.add_deployment("shop", "web", replicas=2)
    kube_api.add_hpa("shop", "front", target="web")
    kube_api.set_hpa("shop", "front", desired=4)
    observer = from_kubeconfig(str(kubeconfig), "lab", "shop", "web", hpa="front")
    sample = observer.sample()
    assert (sample.desired, sample.healthy) == (4, 2)
    assert any("/horizontalpodautoscalers/front" in target for _, target in kube_api.requests)

    missing = from_kubeconfig(str(kubeconfig), "lab", "shop", "web", hpa="gone")
    with pytest.raises(ObserverError) as caught:
        missing.sample()
    assert str(caught.value) == (
        "AutoscalingV2 read_namespaced_horizontal_pod_autoscaler shop/gone: "
        'HTTP 404 Not Found: horizontalpodautoscalers.autoscaling "gone" not found'
    )


def test_nodes_forbidden_is_recorded_not_raised(kube_api: KubeApiServer, kubeconfig: Path) -> None:
    kube_api.add_deployment("shop", "web", replicas=2)
    kube_api.add_node("node-a")
    kube_api.fail("/api/v1/nodes", 403, forbidden("nodes"))
    observer = from_kubeconfig(str(kubeconfig), "lab", "shop", "web")
    sample = observer.sample()
    assert (sample.desired, sample.healthy, sample.error) == (2, 2, "")
    assert sample.detail["node_count"] is None
    assert sample.detail["nodes_error"] == (
        'CoreV1 list_node: HTTP 403 Forbidden: nodes is forbidden: User "system:serviceaccount:'
        'load:observer" cannot list resource "nodes" in API group "" at the cluster scope'
    )

    kube_api.recover("/api/v1/nodes")
    again = observer.sample()
    assert (again.detail["node_count"], again.detail["ready_node_count"]) == (1, 1)
    assert "nodes_error" not in again.detail


def test_nodes_are_read_page_by_page(kube_api: KubeApiServer, kubeconfig: Path) -> None:
    kube_api.add_deployment("shop", "web", replicas=1)
    for i in range(501):  # one more than a page
        kube_api.add_node(f"node-{i:03d}")
    sample = from_kubeconfig(str(kubeconfig), "lab", "shop", "web").sample()
    assert (sample.detail["node_count"], sample.detail["ready_node_count"]) == (501, 501)
    node_requests = [t for _, t in kube_api.requests if t.startswith("/api/v1/nodes")]
    assert len(node_requests) == 2 and "continue=500" in node_requests[1]


def test_missing_deployment_names_call_object_and_status(
    kube_api: KubeApiServer, kubeconfig: Path
) -> None:
    kube_api.add_deployment("shop", "web")
    observer = from_kubeconfig(str(kubeconfig), "lab", "shop", "checkout")
    with pytest.raises(ObserverError) as caught:
        observer.sample()
    assert str(caught.value) == (
        "AppsV1 read_namespaced_deployment shop/checkout: "
        'HTTP 404 Not Found: deployments.apps "checkout" not found'
    )


def test_server_error_on_hpa_list_is_an_observer_error(
    kube_api: KubeApiServer, kubeconfig: Path
) -> None:
    kube_api.add_deployment("shop", "web")
    kube_api.fail("/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers", 503)
    with pytest.raises(ObserverError, match=r"list_namespaced_horizontal_pod_autoscaler shop: "):
        from_kubeconfig(str(kubeconfig), "lab", "shop", "web").sample()


def test_connection_refused_is_an_observer_error() -> None:
    configuration = client.Configuration()
    configuration.host = f"http://127.0.0.1:{free_port()}"
    observer = KubernetesObserver(client.ApiClient(configuration), "shop", "web")
    started = time.monotonic()
    with pytest.raises(ObserverError) as caught:
        observer.sample()
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert message.startswith(
        f"AppsV1 read_namespaced_deployment shop/web: cannot reach {configuration.host}: "
    )
    assert "Connection refused" in message


def test_unknown_context_is_an_observer_error(kubeconfig: Path) -> None:
    with pytest.raises(ObserverError, match=r"kubeconfig .*kubeconfig \(context prod\): "):
        from_kubeconfig(str(kubeconfig), "prod", "shop", "web")


def test_wrong_token_is_rejected(kube_api: KubeApiServer) -> None:
    configuration = client.Configuration()
    configuration.host = kube_api.url
    configuration.api_key = {"authorization": "Bearer stolen"}
    kube_api.add_deployment("shop", "web")
    with pytest.raises(ObserverError, match=r"HTTP 401 Unauthorized: Unauthorized$"):
        KubernetesObserver(client.ApiClient(configuration), "shop", "web").sample()
