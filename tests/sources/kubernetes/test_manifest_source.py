"""Manifests into the inventory: the shared corpus, stdin, directories, and bad input."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest

from archproof.errors import EXIT_BAD_INPUT, PlanError
from archproof.inventory.model import Inventory
from archproof.sources.kubernetes.manifests import ManifestError, load_manifests

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "kubernetes"

EXPECTED = {
    "helm-rendered-memcached-statefulset-pdb.yaml": {
        "service": 1,
        "statefulset": 1,
        "poddisruptionbudget": 1,
    },
    "ingress-nginx-cloud-deploy-helm-generated.yaml": {
        "namespace": 1,
        "serviceaccount": 2,
        "role": 2,
        "clusterrole": 2,
        "rolebinding": 2,
        "clusterrolebinding": 2,
        "configmap": 1,
        "service": 2,
        "deployment": 1,
        "job": 2,
        "ingressclass": 1,
        "validatingwebhookconfiguration": 1,
    },
    "ingress-nginx-multi-tls-ingress.yaml": {
        "service": 2,
        "replicationcontroller": 2,
        "ingress": 1,
    },
    "k8s-website-networkpolicy-ipblock.yaml": {"networkpolicy": 1},
    "k8s-website-zookeeper-services-pdb-statefulset.yaml": {
        "service": 2,
        "poddisruptionbudget": 1,
        "statefulset": 1,
    },
    "microservices-demo-networkpolicy-cartservice.yaml": {"networkpolicy": 1},
    "microservices-demo-networkpolicy-deny-all.yaml": {"networkpolicy": 1},
    "microservices-demo-release-manifests.yaml": {
        "deployment": 12,
        "service": 12,
        "serviceaccount": 11,
    },
    "podinfo-deployment.yaml": {"deployment": 1},
    "podinfo-hpa.yaml": {"horizontalpodautoscaler": 1},
    "podinfo-service.yaml": {"service": 1},
}

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 2
"""


def load_text(text: str) -> Inventory:
    return load_manifests(["-"], stdin=io.StringIO(text))


def bad(paths: list[str], stdin: str | None = None) -> ManifestError:
    with pytest.raises(ManifestError) as caught:
        load_manifests(paths, stdin=io.StringIO(stdin) if stdin is not None else None)
    assert isinstance(caught.value, PlanError)
    assert caught.value.exit_code == EXIT_BAD_INPUT
    return caught.value


def test_the_corpus_is_all_expected() -> None:
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_loads_with_its_kinds(name: str) -> None:
    inventory = load_manifests([str(CORPUS / name)])
    kinds = Counter(r.kind.removeprefix("k8s_") for r in inventory)
    assert kinds == EXPECTED[name]
    assert inventory.source == "manifests"
    assert inventory.provides == ("k8s_",)
    assert inventory.could_hold(["k8s_deployment"]) and not inventory.could_hold(["aws_vpc"])
    assert inventory.scope == {"files": [str(CORPUS / name)], "namespace": "default"}
    for resource in inventory:
        assert resource.attributes["metadata"]["name"]


def test_objects_without_namespace_take_the_given_one() -> None:
    inventory = load_manifests([str(CORPUS / "podinfo-hpa.yaml")], namespace="shop")
    hpa = inventory.by_address("shop/HorizontalPodAutoscaler/podinfo")
    assert hpa is not None and hpa.get("metadata.namespace") == "shop"
    assert hpa.get("spec.maxReplicas") == 4
    nginx = load_manifests([str(CORPUS / "ingress-nginx-cloud-deploy-helm-generated.yaml")])
    assert nginx.by_address("ingress-nginx/Deployment/ingress-nginx-controller") is not None
    assert nginx.by_address("Namespace/ingress-nginx") is not None
    assert nginx.by_address("IngressClass/nginx") is not None  # cluster-scoped: no namespace


def test_helm_output_on_stdin() -> None:
    text = (CORPUS / "helm-rendered-memcached-statefulset-pdb.yaml").read_text()
    inventory = load_manifests(["-"], stdin=io.StringIO(text))
    assert inventory.scope["files"] == ["<stdin>"]
    statefulset = inventory.by_address("default/StatefulSet/RELEASE-NAME-memcached")
    assert statefulset is not None and statefulset.get("spec.replicas") == 3
    assert statefulset.tags["app.kubernetes.io/managed-by"] == "Helm"


def test_directory_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / "b" / "deep" / "z.yml").write_text(DEPLOYMENT.format(name="z"))
    (tmp_path / "a.yaml").write_text(DEPLOYMENT.format(name="a"))
    (tmp_path / "c.json").write_text(
        json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "c"}})
    )
    (tmp_path / "README.md").write_text("not a manifest")
    (tmp_path / "values.txt").write_text("- not: read")
    inventory = load_manifests([str(tmp_path), str(tmp_path / "a.yaml")])
    assert [r.address for r in inventory] == [
        "default/Deployment/a",
        "default/Deployment/z",
        "default/Service/c",
    ]
    assert inventory.scope["files"] == [
        str(tmp_path / "a.yaml"),
        str(tmp_path / "b" / "deep" / "z.yml"),
        str(tmp_path / "c.json"),
    ]  # a.yaml, named twice, is read once
    assert inventory.origin == f"{tmp_path}, {tmp_path / 'a.yaml'}"


def test_lists_comments_empty_documents_and_plain_strings() -> None:
    listed = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "x"}},
            {
                "apiVersion": "apps/v1",
                "kind": "DeploymentList",
                "items": [
                    json.loads(
                        json.dumps(
                            {
                                "apiVersion": "apps/v1",
                                "kind": "Deployment",
                                "metadata": {"name": "d"},
                            }
                        )
                    )
                ],
            },
        ],
    }
    text = (
        "# Source: chart/templates/all.yaml\n---\n# only a comment\n---\n\n---\n"
        + json.dumps(listed)
        + "\n---\n"
        + "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: when\n"
        + "data:\n  day: 2025-01-31\n  enabled: 'on'\n"
    )
    inventory = load_text(text)
    assert [r.address for r in inventory] == [
        "x/Service/s",
        "default/Deployment/d",
        "default/ConfigMap/when",
    ]
    config = inventory.by_address("default/ConfigMap/when")
    assert config is not None
    assert config.get("data") == {"day": "2025-01-31", "enabled": "on"}  # strings, as the API has


def test_json_from_kubectl_and_utf16_from_powershell(tmp_path: Path) -> None:
    kubectl = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}}],
    }
    assert [r.address for r in load_text(json.dumps(kubectl, indent=2))] == ["default/Service/web"]
    path = tmp_path / "out.yaml"
    path.write_bytes(
        "\ufeff".encode("utf-16-le") + DEPLOYMENT.format(name="ps").encode("utf-16-le")
    )
    assert load_manifests([str(path)]).by_address("default/Deployment/ps") is not None


def test_yaml_syntax_error_names_file_document_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        DEPLOYMENT.format(name="ok") + "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: [x\n"
    )
    error = bad([str(path)])
    assert error.path == str(path) and error.document == 2 and error.line == 12
    assert str(error) == (
        f"{path} (document 2, line 12): not valid YAML: did not find expected ',' or ']'"
        " (while parsing a flow sequence started on line 11)"
    )


def test_tab_indentation_is_a_yaml_error() -> None:
    error = bad(["-"], "apiVersion: v1\nkind: Service\nmetadata:\n\tname: x\n")
    assert (error.path, error.document, error.line) == ("<stdin>", 1, 4)


def test_unhashable_key_is_a_yaml_error() -> None:
    error = bad(["-"], DEPLOYMENT.format(name="a") + "---\n? [a, {b: 1}]\n: 1\n")
    assert error.document == 2 and "unhashable key" in str(error)


@pytest.mark.parametrize(
    ("text", "document", "line", "says"),
    [
        ("- a\n- b\n", 1, 1, "the document is a list, not a mapping"),
        ("---\n# c\n---\nhello\n", 2, 4, "the document is a string"),
        ("kind: Service\nmetadata: {name: a}\n", 1, 1, "Service has no apiVersion"),
        ("apiVersion: v1\nmetadata: {name: a}\n", 1, 1, "has no kind"),
        ("apiVersion: v1\nkind: Service\nmetadata: {}\n", 1, 1, "Service has no metadata.name"),
        ("apiVersion: v1\nkind: Service\n", 1, 1, "Service has no metadata.name"),
        ("apiVersion: v1\nkind: Service\nmetadata: [a]\n", 1, 1, "metadata is not a mapping"),
        (
            DEPLOYMENT.format(name="a") + "---\n\napiVersion: v1\nkind: List\nitems: [3]\n",
            2,
            9,
            "List item 1",
        ),
    ],
)
def test_a_document_that_is_not_an_object(text: str, document: int, line: int, says: str) -> None:
    error = bad(["-"], text)
    assert (error.path, error.document, error.line) == ("<stdin>", document, line)
    assert says in str(error)


def test_json_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "svc.json"
    path.write_text('{\n  "apiVersion": "v1",\n  "kind": "Service",\n}\n')
    error = bad([str(path)])
    assert (error.document, error.line) == (1, 4) and "not valid JSON" in str(error)


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(DEPLOYMENT.format(name="caf\xe9").encode("latin-1"))
    error = bad([str(path)])
    assert error.path == str(path) and error.line == 4 and "not UTF-8" in str(error)


def test_missing_path_and_empty_directory(tmp_path: Path) -> None:
    error = bad([str(tmp_path / "nope.yaml")])
    assert str(error) == f"{tmp_path / 'nope.yaml'}: file not found"
    (tmp_path / "empty").mkdir()
    assert "holds no *.yaml" in str(bad([str(tmp_path / "empty")]))


def test_empty_stdin_is_an_error() -> None:
    error = bad(["-"], "# helm failed before printing anything\n")
    assert "no Kubernetes objects" in str(error) and "pipe" in str(error)


def test_same_address_twice_names_both_places(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(DEPLOYMENT.format(name="web"))
    (tmp_path / "b.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\n"
        + DEPLOYMENT.format(name="web").replace(
            "  name: web\n", "  name: web\n  namespace: default\n"
        )
    )
    error = bad([str(tmp_path)])
    assert (error.path, error.document, error.line) == (str(tmp_path / "b.yaml"), 2, 5)
    assert (
        f"default/Deployment/web is also defined in {tmp_path / 'a.yaml'} (document 1, line 1)"
        in str(error)
    )
    # different namespaces are different objects
    other = DEPLOYMENT.format(name="web").replace(
        "  name: web\n", "  name: web\n  namespace: other\n"
    )
    (tmp_path / "b.yaml").write_text(other)
    assert len(load_manifests([str(tmp_path)])) == 2
