"""A read-only Kubernetes API server on 127.0.0.1, serving a fixed set of objects.

For the demo and tests: the official client and ``kubectl`` talk to it over plain
HTTP with the kubeconfig ``write_kubeconfig`` writes. A request with the wrong bearer
token is refused (401); one without any (kubectl sends none over plain HTTP) is
served, as an anonymous reader.

It serves what a reader of a cluster calls:

- ``/version``, ``/api``, ``/apis``, ``/apis/<group>``, ``/api/v1`` and
  ``/apis/<group>/<version>`` discovery;
- list (all namespaces, one namespace) and get of every kind it holds, for the
  built-in kinds at the version a current cluster serves (``policy/v1beta1``
  PodDisruptionBudgets are served as ``policy/v1``, as the API converts them);
  ``limit``/``continue`` paging and equality ``labelSelector``;
- objects as the API writes them: ``uid``, ``resourceVersion``, ``creationTimestamp``
  (``generation`` outside the core group), the ``managedFields`` and the
  last-applied annotation ``kubectl apply`` leaves, a plausible ``status`` when the
  object has none; list items without ``apiVersion``/``kind``. The ``spec`` is served
  as given: no defaulting, no admission;
- ``Status`` objects for failures: 404 for unknown paths, 403 for resources named in
  ``forbidden`` (an RBAC gap), 404 for group versions named in ``unserved`` (an older
  cluster), any code for resources in ``failing``, late answers for ``delays``;
  405 for every write.

Namespaced objects without a namespace go to ``default``; every namespace an object
uses gets a Namespace object unless one is given (a cluster has them). A live cluster
has nodes and manifests do not: :func:`nodes_for_zones` builds them. It also runs pods:
unless ``pods=False``, each Deployment/StatefulSet/DaemonSet gets the (owned) ReplicaSet
and running Pods its controller would make from the pod template.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, unquote, urlsplit

from archproof.emulators.kube_api_objects import (
    BUILTIN,
    LAST_APPLIED,
    REASONS,
    SERVER_VERSION,
    ApiResource,
    daemon_status,
    nodes_for_zones,
    not_found_path,
    resource_for,
    resource_list,
    selects,
    served_object,
    status_object,
)
from archproof.emulators.kube_api_pods import derived_objects

__all__ = [
    "LAST_APPLIED",
    "KubeApiServer",
    "kube_api_server",
    "nodes_for_zones",
    "status_object",
]

Obj = dict[str, Any]

TOKEN: Final = "archproof-local-reader"
USER: Final = "system:serviceaccount:archproof:reader"


class KubeApiServer:
    """A threaded HTTP server answering read calls over a fixed set of objects."""

    def __init__(
        self,
        objects: Sequence[Mapping[str, Any]],
        forbidden: Collection[str] = (),
        unserved: Collection[str] = (),
        failing: Mapping[str, int] | None = None,
        default_namespace: str = "default",
        delays: Mapping[str, float] | None = None,
        pods: bool = True,
    ) -> None:
        self.token = TOKEN
        self.delays = dict(delays or {})
        self.forbidden = frozenset(forbidden)
        self.unserved = frozenset(unserved)
        self.failing = dict(failing or {})
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._version = 1000
        self.resources: dict[tuple[str, str], ApiResource] = {
            (r.group_version, r.plural): r for r in BUILTIN
        }  # (group version, plural): every built-in kind, and custom kinds of the objects
        self._store: dict[ApiResource, dict[tuple[str, str], Obj]] = {}
        for obj in objects:
            self._add(obj, default_namespace)
        if pods:
            self._add_controlled()
        self._add_namespaces()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="kube-api", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> KubeApiServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def objects(self) -> list[Obj]:
        """Every object held, as a get would return it."""
        with self._lock:
            return [copy.deepcopy(o) for held in self._store.values() for o in held.values()]

    def write_kubeconfig(self, path: Path, context: str = "archproof-local") -> Path:
        """A kubeconfig whose current ``context`` reads this server with its token."""
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": context, "cluster": {"server": self.url}}],
            "users": [{"name": f"{context}-reader", "user": {"token": self.token}}],
            "contexts": [
                {"name": context, "context": {"cluster": context, "user": f"{context}-reader"}}
            ],
            "current-context": context,
            "preferences": {},
        }
        path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        return path

    # -- holding objects ---------------------------------------------------------------------

    def _add(self, given: Mapping[str, Any], default_namespace: str) -> None:
        resource = resource_for(str(given.get("apiVersion", "")), str(given.get("kind", "")))
        self.resources[(resource.group_version, resource.plural)] = resource
        metadata = given.get("metadata") or {}
        namespace = (
            str(metadata.get("namespace") or default_namespace) if resource.namespaced else ""
        )
        self._version += 1
        obj = served_object(given, resource, namespace, self._version, self._created)
        self._store.setdefault(resource, {})[(namespace, obj["metadata"]["name"])] = obj

    def _add_controlled(self) -> None:
        """The ReplicaSets and Pods the controllers would have made (:mod:`kube_api_pods`)."""
        held = [o for resource, objs in self._store.items() for o in objs.values()]
        nodes = sum(1 for o in held if o.get("kind") == "Node")
        for daemon in self._store.get(resource_for("apps/v1", "DaemonSet"), {}).values():
            daemon.setdefault("status", daemon_status(nodes))
        for obj in derived_objects(held, nodes):
            self._add(obj, "default")
            stored = self._store[resource_for(obj["apiVersion"], obj["kind"])]
            served = stored[(obj["metadata"]["namespace"], obj["metadata"]["name"])]["metadata"]
            served["annotations"].pop(LAST_APPLIED, None)  # made by a controller, not applied
            if not served["annotations"]:
                del served["annotations"]
            served["managedFields"][0]["manager"] = "kube-controller-manager"

    def _add_namespaces(self) -> None:
        used = {ns for held in self._store.values() for ns, _ in held}
        namespaces = resource_for("v1", "Namespace")
        present = {name for _, name in self._store.get(namespaces, {})}
        for name in sorted(used - present - {""}):
            self._add({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}, "")

    # -- answering ---------------------------------------------------------------------------

    def answer(self, method: str, target: str, authorization: str) -> tuple[int, Obj]:
        """The status code and JSON body for one request."""
        parts = urlsplit(target)
        path, query = parts.path.rstrip("/") or "/", parse_qs(parts.query)
        with self._lock:
            self.requests.append((method, target))
        if authorization and authorization != f"Bearer {self.token}":
            return 401, status_object(401, "Unauthorized")
        if method not in ("GET", "HEAD"):
            return 405, status_object(405, f"the server does not allow {method}: it is read-only")
        if path == "/version":
            return 200, {**SERVER_VERSION, "platform": "linux/amd64", "goVersion": "go1.22.10"}
        segments = [unquote(s) for s in path.split("/")[1:]]
        if segments[0] == "api" and (len(segments) == 1 or segments[1] == "v1"):
            if len(segments) == 1:
                return 200, {"kind": "APIVersions", "versions": ["v1"]}
            return self._under("v1", segments[2:], query)
        if segments[0] == "apis":
            if len(segments) == 1:
                return 200, self._group_list()
            if len(segments) == 2:
                group = self._group(segments[1])
                return (200, group) if group else (404, not_found_path())
            return self._under(f"{segments[1]}/{segments[2]}", segments[3:], query)
        return 404, not_found_path()

    def _served(self) -> list[ApiResource]:
        return [r for r in self.resources.values() if r.group_version not in self.unserved]

    def _group_list(self) -> Obj:
        groups = sorted({r.group for r in self._served() if r.group})
        return {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [self._group(g) for g in groups],
        }

    def _group(self, group: str) -> Obj | None:
        versions = sorted({r.version for r in self._served() if r.group == group})
        if not group or not versions:
            return None
        listed = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
        return {
            "kind": "APIGroup",
            "apiVersion": "v1",
            "name": group,
            "versions": listed,
            "preferredVersion": listed[0],
        }

    def _under(
        self, group_version: str, rest: list[str], query: Mapping[str, list[str]]
    ) -> tuple[int, Obj]:
        served = [r for r in self._served() if r.group_version == group_version]
        if not served and group_version != "v1":
            return 404, not_found_path()
        if not rest:
            return 200, resource_list(group_version, served)
        namespace = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        resource = next((r for r in served if r.plural == rest[0]), None)
        if resource is None or len(rest) > 2 or (namespace is not None and not resource.namespaced):
            return 404, not_found_path()
        refused = self._refusal(resource, "get" if len(rest) == 2 else "list", namespace)
        if refused is not None:
            return refused
        with self._lock:
            held = self._store.get(resource, {})
            if len(rest) == 2:
                key = (namespace or "", rest[1]) if resource.namespaced else ("", rest[1])
                if resource.namespaced and namespace is None:
                    return 404, not_found_path()
                found = held.get(key)
                if found is None:
                    details = {"name": rest[1], "group": resource.group, "kind": resource.plural}
                    message = f'{resource.qualified} "{rest[1]}" not found'
                    return 404, status_object(404, message, details)
                return 200, copy.deepcopy(found)
            chosen = [
                obj
                for (ns, _), obj in sorted(held.items())
                if (namespace is None or ns == namespace)
                and selects(query.get("labelSelector", [""])[0], obj)
            ]
            return 200, self._list(resource, chosen, query)

    def _refusal(
        self, resource: ApiResource, verb: str, namespace: str | None
    ) -> tuple[int, Obj] | None:
        names = {resource.plural, resource.qualified}
        delay = next((self.delays[n] for n in names if n in self.delays), 0.0)
        if delay:
            time.sleep(delay)  # a slow answer: outside the lock, other requests go on
        code = next((self.failing[n] for n in names if n in self.failing), None)
        if code is not None:
            return code, status_object(code, f"{REASONS.get(code, 'failure')} (injected)")
        if not names & self.forbidden:
            return None
        scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
        message = (
            f'{resource.qualified} is forbidden: User "{USER}" cannot {verb} resource'
            f' "{resource.plural}" in API group "{resource.group}" {scope}'
        )
        details = {"group": resource.group, "kind": resource.plural}
        return 403, status_object(403, message, details)

    def _list(
        self, resource: ApiResource, chosen: list[Obj], query: Mapping[str, list[str]]
    ) -> Obj:
        start = int(query.get("continue", ["0"])[0] or 0)
        limit = int(query.get("limit", ["0"])[0] or 0)
        end = start + limit if limit > 0 else len(chosen)
        items = []
        for obj in chosen[start:end]:
            item = copy.deepcopy(obj)
            item.pop("apiVersion", None)
            item.pop("kind", None)
            items.append(item)
        metadata: Obj = {"resourceVersion": str(self._version)}
        if end < len(chosen):
            metadata["continue"] = str(end)
            metadata["remainingItemCount"] = len(chosen) - end
        return {
            "kind": f"{resource.kind}List",
            "apiVersion": resource.group_version,
            "metadata": metadata,
            "items": items,
        }


def _handler_for(server: KubeApiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "archproof-kube-api"
        disable_nagle_algorithm = True  # headers and body go out in two writes

        def _reply(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            code, body = server.answer(method, self.path, self.headers.get("Authorization", ""))
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(data)

        def do_GET(self) -> None:
            self._reply("GET")

        def do_HEAD(self) -> None:
            self._reply("HEAD")

        def do_POST(self) -> None:
            self._reply("POST")

        def do_PUT(self) -> None:
            self._reply("PUT")

        def do_PATCH(self) -> None:
            self._reply("PATCH")

        def do_DELETE(self) -> None:
            self._reply("DELETE")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def kube_api_server(
    objects: Sequence[Mapping[str, Any]],
    forbidden: Collection[str] = (),
    *,
    unserved: Collection[str] = (),
    failing: Mapping[str, int] | None = None,
    default_namespace: str = "default",
    delays: Mapping[str, float] | None = None,
    pods: bool = True,
) -> Iterator[KubeApiServer]:
    """A running server holding ``objects`` (``forbidden``: resources answered 403, by plural
    or ``plural.group``; ``unserved``: group versions not served, e.g. ``autoscaling/v2``;
    ``failing``: resource → HTTP status to answer with; ``delays``: resource → seconds
    before answering; ``pods``: also serve the ReplicaSets and running Pods the workloads'
    controllers would have made)."""
    server = KubeApiServer(
        objects, forbidden, unserved, failing, default_namespace, delays, pods
    ).start()
    try:
        yield server
    finally:
        server.stop()
