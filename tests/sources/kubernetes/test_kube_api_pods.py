"""The local Kubernetes API server runs the workloads' pods: owned, from the pod template."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from archproof.emulators.kube_api import LAST_APPLIED, kube_api_server

TEMPLATE = {
    "metadata": {"labels": {"app": "web"}},
    "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
}
OBJECTS: list[dict[str, Any]] = [
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"replicas": 5, "selector": {"matchLabels": {"app": "web"}}, "template": TEMPLATE},
    },
    {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db", "namespace": "shop"},
        "spec": {"replicas": 2, "template": TEMPLATE},
    },
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "idle", "namespace": "shop"},
        "spec": {"replicas": 0, "template": TEMPLATE},
    },
]


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return json.loads(answer.read())


def test_workloads_run_owned_pods() -> None:
    with kube_api_server(OBJECTS) as server:
        pods = get(f"{server.url}/api/v1/namespaces/shop/pods")["items"]
        sets = get(f"{server.url}/apis/apps/v1/replicasets")["items"]
        web = get(f"{server.url}/apis/apps/v1/namespaces/shop/deployments/web")

    assert len(sets) == 2  # one per Deployment, the idle one's with no pods
    (replica_set,) = [s for s in sets if s["metadata"]["name"].startswith("web-")]
    names = sorted(p["metadata"]["name"] for p in pods)
    rs_name = replica_set["metadata"]["name"]
    assert names == ["db-0", "db-1", *(f"{rs_name}-{i}" for i in range(3))]  # at most 3
    assert replica_set["metadata"]["ownerReferences"][0]["uid"] == web["metadata"]["uid"]
    web_pod = next(p for p in pods if p["metadata"]["name"].startswith(rs_name))
    (owner,) = web_pod["metadata"]["ownerReferences"]
    assert (owner["kind"], owner["uid"]) == ("ReplicaSet", replica_set["metadata"]["uid"])
    assert web_pod["spec"] == TEMPLATE["spec"] and web_pod["status"]["phase"] == "Running"
    assert web_pod["metadata"]["labels"]["app"] == "web"
    assert LAST_APPLIED not in (web_pod["metadata"].get("annotations") or {})
    db_pod = next(p for p in pods if p["metadata"]["name"] == "db-0")
    assert db_pod["metadata"]["ownerReferences"][0]["kind"] == "StatefulSet"


def test_pods_can_be_left_out() -> None:
    with kube_api_server(OBJECTS, pods=False) as server:
        assert get(f"{server.url}/api/v1/pods")["items"] == []
        assert get(f"{server.url}/apis/apps/v1/replicasets")["items"] == []
