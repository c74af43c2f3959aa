"""The k8s-* workload controls through the real plugin, on manifests read by the real loader:
each control on compliant and violating objects, and every corpus manifest through all of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archproof.check import CheckRequest, judge
from archproof.emulators.kube_api import kube_api_server
from archproof.estates.workloads import (
    MANIFEST_PARAMS,
    MANIFEST_VIOLATIONS,
    NOT_APPLICABLE,
    SYSTEMS,
    reference_manifests,
    reference_objects,
    write_manifests,
)
from archproof.inventory.model import Inventory
from archproof.run import Run
from archproof.sources.kubernetes.live import KubeOptions, collect_kubernetes
from archproof.sources.kubernetes.manifests import load_manifests
from archproof.spec.load import load_spec
from archproof.spec.model import Spec
from archproof.verdict import Verdict, VerdictRecord

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "kubernetes"
K8S_CONTROLS = (
    "k8s-hpa",
    "k8s-replicas-floor",
    "k8s-pdb",
    "k8s-probes",
    "k8s-resources",
    "k8s-rolling-update",
    "k8s-zone-spread",
    "k8s-ingress-tls",
    "k8s-service-exposure",
    "k8s-default-deny",
    "k8s-no-privileged",
    "k8s-image-source",
    "k8s-workloads-present",
)
Uses = list[tuple[str, str, dict[str, Any]]]  # requirement, control, params


def spec(uses: Uses) -> Spec:
    return Spec.model_validate(
        {
            "system": "k8s",
            "cloud": "kubernetes",
            "document": "Kubernetes test",
            "requirements": [
                {
                    "id": requirement,
                    "claim": "c",
                    "source": {"system": "K8s", "section": "s"},
                    "controls": [{"id": control, "params": params}],
                }
                for requirement, control, params in uses
            ],
        }
    )


def judged(uses: Uses, inventories: list[Inventory], reports: Path) -> list[VerdictRecord]:
    run = Run(spec(uses), "default", inventories)
    judge(run, CheckRequest(spec_path="-", reports=reports, quiet=True))
    return run.records


def by_resource(records: list[VerdictRecord], requirement: str) -> dict[str, Verdict]:
    return {r.resource: r.verdict for r in records if r.requirement == requirement}


def manifests(tmp_path: Path, text: str, name: str = "objects.yaml") -> Inventory:
    path = tmp_path / name
    path.write_text(text)
    return load_manifests([str(path)])


# --- one bundle of compliant and violating objects ---------------------------------------------

DIGEST = "sha256:0b5f2a8d3c1e4f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a"
PATHS = "[{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]"
GOOD_POD = """
      labels: {app: web}
    spec:
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone,
           whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}
      containers:
        - name: web
          image: registry.example.com/web@DIGEST
          securityContext: {allowPrivilegeEscalation: false}
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
          livenessProbe: {httpGet: {path: /live, port: 8080}}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 256Mi}
""".replace("DIGEST", DIGEST)
BUNDLE = f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  replicas: 3
  strategy: {{type: RollingUpdate, rollingUpdate: {{maxUnavailable: 0, maxSurge: 1}}}}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata:{GOOD_POD}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: web, namespace: shop}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}
  minReplicas: 3
  maxReplicas: 9
  metrics:
    - type: Resource
      resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 70}}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: web, namespace: shop}}
spec:
  minAvailable: 1
  selector: {{matchLabels: {{app: web}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: default-deny, namespace: shop}}
spec:
  podSelector: {{}}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: allow-web, namespace: shop}}
spec:
  podSelector: {{matchLabels: {{app: web}}}}
  ingress: [{{from: [{{namespaceSelector: {{}}}}]}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: legacy, namespace: shop}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: legacy}}}}
  template:
    metadata: {{labels: {{app: legacy}}}}
    spec:
      hostNetwork: true
      initContainers:
        - {{name: setup, image: "busybox", securityContext: {{privileged: true}}}}
      containers:
        - name: legacy
          image: nginx:latest
          resources: {{limits: {{cpu: "1"}}}}
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {{name: legacy, namespace: shop}}
spec:
  scaleTargetRef: {{kind: Deployment, name: legacy}}
  maxReplicas: 1
  targetCPUUtilizationPercentage: 60
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: legacy, namespace: shop}}
spec:
  maxUnavailable: 100%
  selector: {{matchLabels: {{app: legacy}}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: db, namespace: data}}
spec:
  replicas: 3
  serviceName: db
  updateStrategy: {{type: OnDelete}}
  selector: {{matchLabels: {{app: db}}}}
  template:
    metadata: {{labels: {{app: db}}}}
    spec:
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: topology.kubernetes.io/zone
                labelSelector: {{matchLabels: {{app: db}}}}
      containers:
        - name: db
          image: registry.example.com/db:16.4
          securityContext: {{allowPrivilegeEscalation: false}}
          readinessProbe: {{exec: {{command: [pg_isready]}}}}
          livenessProbe: {{tcpSocket: {{port: 5432}}}}
          resources:
            requests: {{cpu: 500m, memory: 1Gi}}
            limits: {{cpu: "1", memory: 1Gi}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: db, namespace: data}}
spec:
  maxUnavailable: 1
  selector: {{matchLabels: {{app: db}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: allow-all, namespace: data}}
spec:
  podSelector: {{}}
  ingress: [{{}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: chart, namespace: shop}}
spec:
  replicas: "{{{{ .Values.replicaCount }}}}"
  selector: {{matchLabels: {{app: chart}}}}
  template:
    metadata: {{labels: {{app: chart}}}}
    spec:
      containers:
        - name: chart
          image: "registry.example.com/chart:{{{{ .Values.tag }}}}"
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: proxy, namespace: kube-system}}
spec:
  selector: {{matchLabels: {{app: proxy}}}}
  template:
    metadata: {{labels: {{app: proxy}}}}
    spec:
      hostNetwork: true
      containers: [{{name: proxy, image: "registry.k8s.io/kube-proxy:v1.30.0",
                     securityContext: {{privileged: true}}}}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {{name: report, namespace: shop}}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{{name: report, image: "registry.example.com/report:2.1.0",
                        securityContext: {{allowPrivilegeEscalation: false}}}}]
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: shop}}
spec: {{selector: {{app: web}}, ports: [{{port: 80}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: public, namespace: shop}}
spec: {{type: LoadBalancer, selector: {{app: web}}, ports: [{{port: 443}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: ingress-controller, namespace: edge}}
spec: {{type: LoadBalancer, ports: [{{port: 443}}]}}
---
apiVersion: v1
kind: Service
metadata:
  name: internal
  namespace: shop
  annotations: {{service.beta.kubernetes.io/azure-load-balancer-internal: "true"}}
spec: {{type: LoadBalancer, ports: [{{port: 443}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: debug, namespace: shop}}
spec: {{type: NodePort, ports: [{{port: 80, nodePort: 30080}}]}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: web, namespace: shop}}
spec:
  tls: [{{hosts: [shop.example.com, "*.api.example.com"], secretName: shop-tls}}]
  rules:
    - host: shop.example.com
      http:
        paths: {PATHS}
    - host: v1.api.example.com
      http:
        paths: {PATHS}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: plain, namespace: shop}}
spec:
  rules: [{{host: plain.example.com}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: partial, namespace: shop}}
spec:
  tls: [{{hosts: [a.example.com]}}]
  rules: [{{host: a.example.com}}, {{host: b.example.com}}]
"""

USES: Uses = [
    ("HPA", "k8s-hpa", {}),
    ("FLOOR", "k8s-replicas-floor", {}),
    ("PDB", "k8s-pdb", {}),
    ("PROBES", "k8s-probes", {}),
    ("RESOURCES", "k8s-resources", {}),
    ("CPU-LIMIT", "k8s-resources", {"require_cpu_limit": True, "workloads": ["data/*"]}),
    ("ROLLING", "k8s-rolling-update", {}),
    ("SPREAD", "k8s-zone-spread", {}),
    ("SPREAD-HARD", "k8s-zone-spread", {"when_unsatisfiable": ["DoNotSchedule"]}),
    ("TLS", "k8s-ingress-tls", {}),
    ("EXPOSURE", "k8s-service-exposure", {"allowed_public_services": ["edge/ingress-*"]}),
    ("DENY", "k8s-default-deny", {}),
    (
        "DENY-EGRESS",
        "k8s-default-deny",
        {"default_deny_egress": True, "exempt_namespaces": ["data"]},
    ),
    ("PRIV", "k8s-no-privileged", {}),
    ("PRIV-LAX", "k8s-no-privileged", {"require_no_escalation": False}),
    ("IMAGES", "k8s-image-source", {"registries": ["registry.example.com/*"]}),
    ("DIGEST", "k8s-image-source", {"require_digest": True}),
    ("PRESENT", "k8s-workloads-present", {"required": ["web", "data/db", "promethe*"]}),
    ("ALL-THERE", "k8s-workloads-present", {"required": ["web", "data/db", "report"]}),
]

P, F, U = Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE
WEB, LEGACY, DB, CHART = (
    "shop/Deployment/web",
    "shop/Deployment/legacy",
    "data/StatefulSet/db",
    "shop/Deployment/chart",
)
CRON, PROXY = "shop/CronJob/report", "kube-system/DaemonSet/proxy"
EXPECTED: dict[str, dict[str, Verdict]] = {
    # legacy: no floor (minReplicas defaults to 1), max not above min; db: no HPA at all
    "HPA": {WEB: P, LEGACY: F, DB: F, CHART: F},
    "FLOOR": {WEB: P, LEGACY: F, DB: P, CHART: U},  # chart's replicas are an unrendered template
    "PDB": {WEB: P, LEGACY: F, DB: P, CHART: F},  # legacy's budget lets every pod go
    "PROBES": {WEB: P, LEGACY: F, DB: P, CHART: F},  # kube-system's proxy is not judged
    "RESOURCES": {WEB: P, LEGACY: F, DB: P, CHART: F, CRON: F},  # legacy's limit implies cpu only
    "CPU-LIMIT": {DB: P},
    "ROLLING": {WEB: P, LEGACY: F, DB: F, CHART: F},  # 25% by default; db: OnDelete
    "SPREAD": {WEB: P, LEGACY: F, DB: P, CHART: F},
    "SPREAD-HARD": {WEB: P, LEGACY: F, DB: F, CHART: F},  # db's anti-affinity is only preferred
    "TLS": {"shop/Ingress/web": P, "shop/Ingress/plain": F, "shop/Ingress/partial": F},
    "EXPOSURE": {
        "shop/Service/web": P,
        "shop/Service/public": F,
        "edge/Service/ingress-controller": P,
        "shop/Service/internal": P,
        "shop/Service/debug": F,
    },
    "DENY": {WEB: P, LEGACY: P, CHART: P, CRON: P, DB: F},  # data's policy admits everything
    "DENY-EGRESS": {WEB: P, LEGACY: P, CHART: P, CRON: P, DB: P},
    # chart states no allowPrivilegeEscalation: false (CIS 5.2.5); PRIV-LAX accepts unset
    "PRIV": {WEB: P, LEGACY: F, DB: P, CHART: F, CRON: P},
    "PRIV-LAX": {WEB: P, LEGACY: F, DB: P, CHART: P, CRON: P},
    "IMAGES": {WEB: P, LEGACY: F, DB: P, CHART: U, CRON: P},
    "DIGEST": {WEB: P, LEGACY: F, DB: F, CHART: U, CRON: F},
}


@pytest.fixture(scope="module")
def bundle_records(tmp_path_factory: pytest.TempPathFactory) -> list[VerdictRecord]:
    tmp = tmp_path_factory.mktemp("bundle")
    return judged(USES, [manifests(tmp, BUNDLE)], tmp / "reports")


@pytest.mark.parametrize("requirement", sorted(EXPECTED))
def test_each_control_on_compliant_and_violating_objects(
    bundle_records: list[VerdictRecord], requirement: str
) -> None:
    assert by_resource(bundle_records, requirement) == EXPECTED[requirement]


def test_source_wide_presence(bundle_records: list[VerdictRecord]) -> None:
    [missing] = [r for r in bundle_records if r.requirement == "PRESENT"]
    assert missing.verdict is Verdict.FAIL
    assert "['promethe*']" in missing.message
    [present] = [r for r in bundle_records if r.requirement == "ALL-THERE"]
    assert present.verdict is Verdict.PASS


def message(records: list[VerdictRecord], requirement: str, resource: str) -> str:
    [found] = [r for r in records if r.requirement == requirement and r.resource == resource]
    return found.message


def test_messages_name_what_was_seen_and_required(bundle_records: list[VerdictRecord]) -> None:
    legacy = message(bundle_records, "HPA", LEGACY)
    assert "shop/HorizontalPodAutoscaler/legacy minReplicas=1, required ≥ 2" in legacy
    assert "maxReplicas=1, required > minReplicas (1)" in legacy
    assert "no HorizontalPodAutoscaler" in message(bundle_records, "HPA", DB)
    rolling = message(bundle_records, "ROLLING", LEGACY)
    assert "unstated (the API default 25%)" in rolling
    priv = message(bundle_records, "PRIV", LEGACY)
    assert "hostNetwork=True" in priv and "init container setup" in priv
    assert "'nginx:latest'" in message(bundle_records, "IMAGES", LEGACY)
    assert "unrendered template" in message(bundle_records, "FLOOR", CHART)
    assert "b.example.com" in message(bundle_records, "TLS", "shop/Ingress/partial")
    assert "type='NodePort'" in message(bundle_records, "EXPOSURE", "shop/Service/debug")
    assert "'data'" in message(bundle_records, "DENY", DB)


def test_hpa_needs_requests_for_resource_metrics(tmp_path: Path) -> None:
    text = BUNDLE.split("---")[0].replace("requests: {cpu: 100m, memory: 128Mi}", "requests: {}")
    text += "---" + BUNDLE.split("---")[1]
    records = judged([("HPA", "k8s-hpa", {})], [manifests(tmp_path, text)], tmp_path / "r")
    assert by_resource(records, "HPA") == {WEB: F}
    assert "container web requests.cpu='unset', required set" in records[0].message


# --- not on plans; corpus manifests through every control --------------------------------------


def corpus_inventory(name: str) -> Inventory:
    return load_manifests([str(CORPUS / name)], source=f"manifests:{Path(name).stem}")


@pytest.fixture(scope="module")
def corpus_records(tmp_path_factory: pytest.TempPathFactory) -> list[VerdictRecord]:
    tmp = tmp_path_factory.mktemp("corpus")
    inventories = [corpus_inventory(p.name) for p in sorted(CORPUS.glob("*.yaml"))]
    uses: Uses = [(c, c, {}) for c in K8S_CONTROLS]
    uses[-1] = ("k8s-workloads-present", "k8s-workloads-present", {"required": ["podinfo"]})
    return judged(uses, inventories, tmp / "reports")


def test_corpus_runs_through_every_control(corpus_records: list[VerdictRecord]) -> None:
    assert not [r.message for r in corpus_records if r.verdict is Verdict.ERROR]
    assert {r.control for r in corpus_records} == set(K8S_CONTROLS)
    counts = {v: sum(r.verdict is v for r in corpus_records) for v in Verdict}
    assert counts[Verdict.PASS] > 10 and counts[Verdict.FAIL] > 10


def verdict_of(records: list[VerdictRecord], control: str, source: str, resource: str) -> Verdict:
    [found] = [
        r
        for r in records
        if r.control == control and r.source == f"manifests:{source}" and r.resource == resource
    ]
    return found.verdict


def test_corpus_verdicts_match_what_the_files_say(corpus_records: list[VerdictRecord]) -> None:
    podinfo = "default/Deployment/podinfo"
    assert verdict_of(corpus_records, "k8s-probes", "podinfo-deployment", podinfo) is P
    assert (
        verdict_of(corpus_records, "k8s-hpa", "podinfo-deployment", podinfo) is F
    )  # HPA elsewhere
    front = "default/Service/frontend-external"
    demo = "microservices-demo-release-manifests"
    assert verdict_of(corpus_records, "k8s-service-exposure", demo, front) is F
    deny = "microservices-demo-networkpolicy-deny-all"
    nothing = {
        r.verdict
        for r in corpus_records
        if r.source == f"manifests:{deny}" and r.control != "k8s-workloads-present"
    }
    assert nothing == {Verdict.INCONCLUSIVE}  # no workload there: nothing proves anything
    tls = "ingress-nginx-multi-tls-ingress"
    assert verdict_of(corpus_records, "k8s-ingress-tls", tls, "default/Ingress/foo-tls") is P
    zk = "k8s-website-zookeeper-services-pdb-statefulset"
    assert verdict_of(corpus_records, "k8s-pdb", zk, "default/StatefulSet/zk") is P
    present = [r for r in corpus_records if r.control == "k8s-workloads-present"]
    assert {r.source: r.verdict for r in present}["manifests:podinfo-deployment"] is P


def test_corpus_podinfo_with_its_hpa(tmp_path: Path) -> None:
    both = load_manifests(
        [str(CORPUS / "podinfo-deployment.yaml"), str(CORPUS / "podinfo-hpa.yaml")]
    )
    records = judged([("HPA", "k8s-hpa", {})], [both], tmp_path)
    assert by_resource(records, "HPA") == {"default/Deployment/podinfo": P}


# --- the reference manifests of the documented systems ----------------------------------------


def system_uses(system: str) -> Uses:
    params = MANIFEST_PARAMS[system]
    skipped = NOT_APPLICABLE.get(system, ())
    return [(c, c, params.get(c, {})) for c in K8S_CONTROLS if c not in skipped]


@pytest.mark.parametrize("system", SYSTEMS)
def test_reference_manifests_pass_every_control(system: str, tmp_path: Path) -> None:
    inventory = load_manifests([str(reference_manifests(system))])
    records = judged(system_uses(system), [inventory], tmp_path)
    failing = [r.message for r in records if r.verdict is not Verdict.PASS]
    assert not failing
    assert {r.control for r in records} == {c for _, c, _ in system_uses(system)}


@pytest.mark.parametrize("system", SYSTEMS)
def test_seeded_manifest_violations_fail_exactly_their_control(system: str, tmp_path: Path) -> None:
    objects = reference_objects(system)
    violations = MANIFEST_VIOLATIONS[system]
    inventories = [load_manifests([str(reference_manifests(system))], source="manifests:clean")]
    for violation in violations:
        path = write_manifests(violation.edit(objects), tmp_path / violation.name)
        inventories.append(load_manifests([str(path)], source=f"manifests:{violation.name}"))
    records = judged(system_uses(system), inventories, tmp_path / "reports")
    assert {r.verdict for r in records if r.source == "manifests:clean"} == {Verdict.PASS}
    for violation in violations:
        mine = [r for r in records if r.source == f"manifests:{violation.name}"]
        failing = {r.control for r in mine if r.verdict is not Verdict.PASS}
        assert failing == {violation.control}, violation.name
        assert all("required" in r.message for r in mine if r.verdict is Verdict.FAIL)
    assert len({v.name for v in violations}) == len(violations)


@pytest.mark.parametrize("system", ["bragabot", "video-conference"])
def test_policies_pass_on_the_reference_manifests(system: str, tmp_path: Path) -> None:
    spec = load_spec(Path(__file__).resolve().parents[2] / "policies" / f"{system}.yaml")
    inventory = load_manifests([str(reference_manifests(system))])
    run = Run(spec, spec.pick_environment(None), [inventory], only_controls=("k8s-*",))
    judge(run, CheckRequest(spec_path="-", reports=tmp_path, quiet=True))
    assert len(run.records) > 10
    assert not [r.message for r in run.records if r.verdict is not Verdict.PASS]


def test_hpa_on_an_external_metric_needs_no_requests(tmp_path: Path) -> None:
    deployment = BUNDLE.split("---")[0].replace("requests: {cpu: 100m, memory: 128Mi}", "")
    hpa = """
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
  metrics:
    - type: External
      external:
        metric: {name: queue_depth}
        target: {type: AverageValue, averageValue: "30"}
"""
    inventory = manifests(tmp_path, deployment + "---" + hpa)
    records = judged([("HPA", "k8s-hpa", {})], [inventory], tmp_path / "r")
    assert by_resource(records, "HPA") == {WEB: P}


# --- review fixes: pods without readable containers, openings, selectors, HPA defaults ------


def deployment(name: str, pod: str, namespace: str = "shop", labels: str = "{app: x}") -> str:
    """A Deployment whose ``spec.template`` text is ``pod`` (YAML at four spaces)."""
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  selector: {{matchLabels: {labels}}}
{pod}
"""


POD_SHAPES = {
    "no-template": ("", F),
    "null-template": ("  template: null", F),
    "no-containers": ("  template: {metadata: {labels: {app: x}}, spec: {}}", F),
    "empty-containers": ("  template: {spec: {containers: []}}", F),
    "templated-template": ('  template: "{{ .Values.pod }}"', U),
    "templated-containers": ('  template: {spec: {containers: "{{ toYaml .Values.c }}"}}', U),
    "containers-mapping": ("  template: {spec: {containers: {name: a, image: b}}}", U),
    "container-string": ("  template: {spec: {containers: [web]}}", U),
}


def test_a_pod_without_readable_containers_is_never_a_pass(tmp_path: Path) -> None:
    text = "---".join(deployment(name, pod) for name, (pod, _) in POD_SHAPES.items())
    cron = """
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: shop}
spec: {schedule: "0 1 * * *", jobTemplate: null}
"""
    uses: Uses = [
        ("PROBES", "k8s-probes", {}),
        ("RESOURCES", "k8s-resources", {}),
        ("PRIV", "k8s-no-privileged", {}),
        ("IMAGES", "k8s-image-source", {}),
    ]
    records = judged(uses, [manifests(tmp_path, text + "---" + cron)], tmp_path / "r")
    expected = {f"shop/Deployment/{name}": verdict for name, (_, verdict) in POD_SHAPES.items()}
    for requirement, _, _ in uses:
        found = by_resource(records, requirement)
        assert {k: v for k, v in found.items() if "Deployment" in k} == expected, requirement
        if requirement != "PROBES":  # a CronJob is not long-running
            assert found["shop/CronJob/nightly"] is F, requirement
    shown = message(records, "PRIV", "shop/Deployment/no-containers")
    assert "no spec.template.spec.containers" in shown and "required at least one" in shown
    assert "unrendered" in message(records, "PRIV", "shop/Deployment/templated-containers")


OPEN_POD = """  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "registry.example.com/api:1.0"}]"""
DENY_ALL = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: NS}
spec: {podSelector: {}, policyTypes: [Ingress]}
"""


def opening(
    namespace: str, name: str, rule: str, selector: str = "{matchLabels: {app: api}}"
) -> str:
    return f"""
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  podSelector: {selector}
  policyTypes: [Ingress]
  ingress: [{rule}]
"""


def test_default_deny_fails_when_another_policy_admits_every_source(tmp_path: Path) -> None:
    parts = []
    cases = {
        "no-from": ("{}", F),  # ingress: [{}] admits everything
        "world-block": ("{from: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 8080}]}", F),
        "world-v6": ("{from: [{ipBlock: {cidr: '::/0'}}]}", F),
        "named": ("{from: [{ipBlock: {cidr: 10.0.0.0/16}}], ports: [{port: 8080}]}", P),
        "public": ("{from: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 8080}]}", P),
        "public-all-ports": ("{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}", F),
        "listed": ("{}", P),
        "other-pods": ("{}", P),  # the opening selects other pods
        "bad-selector": ("{}", U),
    }
    for namespace, (rule, _) in cases.items():
        parts.append(deployment("api", OPEN_POD, namespace, "{app: api}"))
        parts.append(DENY_ALL.replace("NS", namespace))
        selector = {
            "other-pods": "{matchLabels: {app: other}}",
            "bad-selector": "{matchExpressions: [{key: app, operator: Gt, values: ['1']}]}",
        }.get(namespace, "{matchLabels: {app: api}}")
        parts.append(opening(namespace, "allow-in", rule, selector))
    for namespace in ("public", "public-all-ports"):
        parts.append(f"""
apiVersion: v1
kind: Service
metadata: {{name: api, namespace: {namespace}}}
spec: {{type: LoadBalancer, selector: {{app: api}}, ports: [{{port: 443, targetPort: 8080}}]}}
""")
    uses: Uses = [("DENY", "k8s-default-deny", {"open_to_all": ["listed/api"]})]
    records = judged(uses, [manifests(tmp_path, "---".join(parts))], tmp_path / "r")
    found = by_resource(records, "DENY")
    assert found == {f"{ns}/Deployment/api": verdict for ns, (_, verdict) in cases.items()}
    shown = message(records, "DENY", "no-from/Deployment/api")
    assert "NetworkPolicy 'allow-in' ingress[0] no from (every source)" in shown
    assert "ipBlock covering every address" in message(
        records, "DENY", "world-block/Deployment/api"
    )


def test_escalation_must_be_stated_false_on_init_containers_too(tmp_path: Path) -> None:
    pod = """  template:
    spec:
      initContainers: [{name: setup, image: "registry.example.com/s:1"}]
      containers:
        - {name: app, image: "registry.example.com/a:1",
           securityContext: {allowPrivilegeEscalation: false}}"""
    fixed = pod.replace('s:1"}', 's:1", securityContext: {allowPrivilegeEscalation: false}}')
    text = deployment("init-unset", pod) + "---" + deployment("init-false", fixed)
    records = judged([("PRIV", "k8s-no-privileged", {})], [manifests(tmp_path, text)], tmp_path)
    found = by_resource(records, "PRIV")
    assert found == {"shop/Deployment/init-unset": F, "shop/Deployment/init-false": P}
    shown = message(records, "PRIV", "shop/Deployment/init-unset")
    assert "init container setup securityContext.allowPrivilegeEscalation='unset'" in shown


BUDGET = """
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: {name}, namespace: shop}}
spec: {{minAvailable: 1, selector: {selector}}}
"""


@pytest.mark.parametrize(
    ("selector", "verdict"),
    [
        ("{matchExpressions: [{key: app, operator: In, values: [web]}]}", P),
        ("{matchExpressions: [{key: app, operator: Gt, values: ['1']}]}", U),
        ("{matchExpressions: [app]}", U),
        ("{matchExpressions: {key: app}}", U),
        ("{matchLabels: [app, web]}", U),
        ("{matchExpressions: [{key: app, operator: In, values: web}]}", U),
        ("[app]", U),
        ("{matchExpressions: [{key: app, operator: NotIn, values: [web]}]}", F),
    ],
)
def test_malformed_or_unknown_selectors_are_inconclusive(
    selector: str, verdict: Verdict, tmp_path: Path
) -> None:
    text = BUNDLE.split("---")[0] + "---" + BUDGET.format(name="web", selector=selector)
    records = judged([("PDB", "k8s-pdb", {})], [manifests(tmp_path, text)], tmp_path / "r")
    assert by_resource(records, "PDB") == {WEB: verdict}


HPA_WITHOUT_METRICS = {
    "v2": "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler",
    "v1": "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler",
}


@pytest.mark.parametrize("version", sorted(HPA_WITHOUT_METRICS))
def test_an_hpa_without_metrics_scales_on_cpu(version: str, tmp_path: Path) -> None:
    hpa = f"""
{HPA_WITHOUT_METRICS[version]}
metadata: {{name: web, namespace: shop}}
spec: {{scaleTargetRef: {{kind: Deployment, name: web}}, minReplicas: 2, maxReplicas: 5}}
"""
    with_requests = BUNDLE.split("---")[0] + "---" + hpa
    without = with_requests.replace("requests: {cpu: 100m, memory: 128Mi}", "requests: {}")
    ok = judged([("HPA", "k8s-hpa", {})], [manifests(tmp_path, with_requests)], tmp_path / "a")
    assert by_resource(ok, "HPA") == {WEB: P}
    bad = judged([("HPA", "k8s-hpa", {})], [manifests(tmp_path, without)], tmp_path / "b")
    assert by_resource(bad, "HPA") == {WEB: F}
    assert "requests.cpu='unset'" in bad[0].message


def test_an_hpa_target_that_is_not_a_mapping_does_not_crash(tmp_path: Path) -> None:
    hpa = """
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
  metrics: [{type: Resource, resource: {name: cpu, target: "70%"}}]
"""
    text = BUNDLE.split("---")[0] + "---" + hpa
    records = judged([("HPA", "k8s-hpa", {})], [manifests(tmp_path, text)], tmp_path / "r")
    assert by_resource(records, "HPA") == {WEB: P}


@pytest.mark.parametrize(
    ("image", "verdict"),
    [
        ("nginx:1.27", P),
        ("docker.io/nginx:1.27", P),
        ("index.docker.io/nginx:1.27", P),
        ("docker.io/library/nginx:1.27", P),
        ("docker.io/bitnami/nginx:1.27", F),
        ("bitnami/nginx:1.27", F),
        ("ghcr.io/nginx:1.27", F),
    ],
)
def test_docker_hub_official_images_match_their_library_path(
    image: str, verdict: Verdict, tmp_path: Path
) -> None:
    pod = f"""  template:
    spec:
      containers: [{{name: web, image: "{image}"}}]"""
    uses: Uses = [("IMAGES", "k8s-image-source", {"registries": ["docker.io/library/*"]})]
    records = judged(uses, [manifests(tmp_path, deployment("web", pod))], tmp_path / "r")
    assert by_resource(records, "IMAGES") == {WEB: verdict}


PRIVILEGED_EXTRAS = """
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop}
spec:
  hostPID: true
  containers: [{name: debug, image: "registry.example.com/tools:1.0",
                securityContext: {privileged: true}}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cleanup, namespace: shop}
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: cleanup, image: "registry.example.com/cleanup:1.0",
                        securityContext: {privileged: true}}]
"""


def test_manifests_and_cluster_judge_bare_pods_and_cron_jobs_alike(tmp_path: Path) -> None:
    text = BUNDLE + "---" + PRIVILEGED_EXTRAS
    written = manifests(tmp_path, text)
    objects = [r.attributes for r in written]
    with kube_api_server(objects) as server:
        config = server.write_kubeconfig(tmp_path / "config")
        cluster = collect_kubernetes(KubeOptions(kubeconfig=str(config)))
    uses: Uses = [
        ("PRIV", "k8s-no-privileged", {}),
        ("IMAGES", "k8s-image-source", {"registries": ["registry.example.com/*"]}),
        ("RESOURCES", "k8s-resources", {}),
        ("DENY", "k8s-default-deny", {}),
    ]
    from_files = judged(uses, [written], tmp_path / "m")
    from_cluster = judged(uses, [cluster], tmp_path / "k")
    for requirement, _, _ in uses:
        assert by_resource(from_files, requirement) == by_resource(from_cluster, requirement)
    seen = by_resource(from_cluster, "PRIV")
    assert seen["shop/Pod/debug"] is F and seen["shop/CronJob/cleanup"] is F
    assert by_resource(from_cluster, "RESOURCES")["shop/Pod/debug"] is F
