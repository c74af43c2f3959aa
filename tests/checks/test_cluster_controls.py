"""The cluster-* controls (EKS and AKS) through the real plugin, on real plan JSON documents;
the corpus EKS plans run through all of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from plan_documents import LATER, plan_file, planned

from archproof.check import CheckRequest, judge
from archproof.inventory.model import Inventory
from archproof.run import Run
from archproof.sources.plan import load_plan
from archproof.spec.model import Spec
from archproof.verdict import Verdict, VerdictRecord

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "terraform-plans"
CLUSTER_CONTROLS = (
    "cluster-api-private",
    "cluster-secrets-encryption",
    "cluster-control-plane-logging",
    "cluster-nodes-across-zones",
    "cluster-autoscaler",
)
P, F, U = Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE


def spec(controls: tuple[str, ...], params: dict[str, Any] | None = None) -> Spec:
    return Spec.model_validate(
        {
            "system": "clusters",
            "cloud": "aws",
            "document": "Cluster test",
            "requirements": [
                {
                    "id": control,
                    "claim": "c",
                    "source": {"system": "Clusters", "section": "s"},
                    "controls": [{"id": control, "params": params or {}}],
                }
                for control in controls
            ],
        }
    )


def judged(inventories: list[Inventory], reports: Path) -> list[VerdictRecord]:
    run = Run(spec(CLUSTER_CONTROLS), "default", inventories)
    judge(run, CheckRequest(spec_path="-", reports=reports, quiet=True))
    return run.records


def verdicts(records: list[VerdictRecord], control: str) -> dict[str, Verdict]:
    return {r.resource: r.verdict for r in records if r.control == control}


# --- EKS ------------------------------------------------------------------------------------

ALL_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"]


def subnet(name: str, zone: str) -> dict[str, Any]:
    return planned(f"aws_subnet.{name}", {"availability_zone": zone, "id": LATER, "vpc_id": LATER})


def eks_cluster(name: str, **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": name,
        "role_arn": "arn:aws:iam::123456789012:role/eks",
        "vpc_config": [{"endpoint_private_access": True, "endpoint_public_access": False}],
        "enabled_cluster_log_types": ALL_LOGS,
        "encryption_config": [{"resources": ["secrets"], "provider": [{"key_arn": LATER}]}],
    }
    return {**base, **values}


def node_group(name: str, low: Any, high: Any, subnets: str) -> dict[str, Any]:
    values = {
        "cluster_name": "prod",
        "node_group_name": name,
        "subnet_ids": [LATER] * len(subnets.split(",")),
        "scaling_config": [{"min_size": low, "max_size": high, "desired_size": 2}],
    }
    item = planned(f"aws_eks_node_group.{name}", values)
    item["refs"]["subnet_ids"] = [f"aws_subnet.{s}" for s in subnets.split(",")]
    return item


def eks_plan(tmp_path: Path) -> Path:
    key_ref = {"encryption_config__0__provider__0__key_arn": "aws_kms_key.eks.arn"}
    return plan_file(
        tmp_path,
        planned("aws_kms_key.eks", {"arn": LATER, "enable_key_rotation": True}),
        planned("aws_eks_cluster.prod", eks_cluster("prod"), **key_ref),
        planned(
            "aws_eks_cluster.listed",
            eks_cluster(
                "listed",
                vpc_config=[
                    {"endpoint_public_access": True, "public_access_cidrs": ["198.51.100.0/24"]}
                ],
                encryption_config=[
                    {
                        "resources": ["secrets"],
                        "provider": [{"key_arn": "arn:aws:kms:eu-west-1:123456789012:key/k"}],
                    }
                ],
            ),
        ),
        planned(
            "aws_eks_cluster.open",
            eks_cluster(
                "open",
                vpc_config=[{"endpoint_public_access": True, "public_access_cidrs": ["0.0.0.0/0"]}],
                encryption_config=[],
                enabled_cluster_log_types=["api"],
            ),
        ),
        planned(
            "aws_eks_cluster.later",
            eks_cluster(
                "later",
                vpc_config=[{"endpoint_public_access": True, "public_access_cidrs": LATER}],
                encryption_config=[{"resources": ["secrets"], "provider": [{"key_arn": LATER}]}],
            ),
        ),
        subnet("a", "eu-west-1a"),
        subnet("b", "eu-west-1b"),
        subnet("c", "eu-west-1c"),
        node_group("spread", 2, 6, "a,b,c"),
        node_group("single", 1, 1, "a"),
        node_group("pinned", 3, 3, "a,b"),
    )


EKS_EXPECTED = {
    "cluster-api-private": {
        "aws_eks_cluster.prod": P,
        "aws_eks_cluster.listed": P,
        "aws_eks_cluster.open": F,
        "aws_eks_cluster.later": U,  # public, and its address list is known only after apply
    },
    "cluster-secrets-encryption": {
        "aws_eks_cluster.prod": P,  # a planned KMS key, referenced
        "aws_eks_cluster.listed": P,
        "aws_eks_cluster.open": F,
        "aws_eks_cluster.later": U,  # a key chosen at apply, referencing nothing planned
    },
    "cluster-control-plane-logging": {
        "aws_eks_cluster.prod": P,
        "aws_eks_cluster.listed": P,
        "aws_eks_cluster.open": F,
        "aws_eks_cluster.later": P,
    },
    "cluster-nodes-across-zones": {
        "aws_eks_node_group.spread": P,
        "aws_eks_node_group.single": F,
        "aws_eks_node_group.pinned": P,
    },
    "cluster-autoscaler": {
        "aws_eks_node_group.spread": P,
        "aws_eks_node_group.single": F,
        "aws_eks_node_group.pinned": F,  # max not above min: it cannot grow
    },
}


@pytest.fixture(scope="module")
def eks_records(tmp_path_factory: pytest.TempPathFactory) -> list[VerdictRecord]:
    tmp = tmp_path_factory.mktemp("eks")
    return judged([load_plan(eks_plan(tmp))], tmp / "reports")


@pytest.mark.parametrize("control", CLUSTER_CONTROLS)
def test_eks_plan(eks_records: list[VerdictRecord], control: str) -> None:
    assert verdicts(eks_records, control) == EKS_EXPECTED[control]


def test_eks_messages(eks_records: list[VerdictRecord]) -> None:
    def message(control: str, resource: str) -> str:
        [found] = [r for r in eks_records if r.control == control and r.resource == resource]
        return found.message

    open_api = message("cluster-api-private", "aws_eks_cluster.open")
    assert "public_access_cidrs (endpoint_public_access=true)=['0.0.0.0/0']" in open_api
    assert "required no 0.0.0.0/0" in open_api
    logs = message("cluster-control-plane-logging", "aws_eks_cluster.open")
    assert "enabled_cluster_log_types=['api'], required ⊇ ['api', 'audit', 'authenticator']" in logs
    assert "zones (of subnet_ids)=['eu-west-1a'], required ≥ 2" in message(
        "cluster-nodes-across-zones", "aws_eks_node_group.single"
    )


# --- AKS ------------------------------------------------------------------------------------


def pool(zones: list[str], low: Any, high: Any, enabled: Any = True, **more: Any) -> dict[str, Any]:
    return {
        "name": "system",
        "vm_size": "Standard_D2s_v5",
        "zones": zones,
        "auto_scaling_enabled": enabled,
        "min_count": low,
        "max_count": high,
        **more,
    }


def aks(name: str, **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": name,
        "location": "westeurope",
        "resource_group_name": "libertum",
        "dns_prefix": name,
        "id": LATER,
        "private_cluster_enabled": True,
        "default_node_pool": [pool(["1", "2", "3"], 2, 5)],
        "key_management_service": [
            {"key_vault_key_id": LATER, "key_vault_network_access": "Private"}
        ],
    }
    return {**base, **values}


def aks_plan(tmp_path: Path) -> Path:
    key = {"key_management_service__0__key_vault_key_id": "azurerm_key_vault_key.etcd.id"}
    target = {"target_resource_id": "azurerm_kubernetes_cluster.prod.id"}
    legacy = {"target_resource_id": "azurerm_kubernetes_cluster.legacy.id"}
    return plan_file(
        tmp_path,
        planned("azurerm_key_vault_key.etcd", {"name": "etcd", "id": LATER}),
        planned("azurerm_kubernetes_cluster.prod", aks("prod"), **key),
        planned(
            "azurerm_kubernetes_cluster.legacy",  # azurerm 3.x names
            aks(
                "legacy",
                private_cluster_enabled=False,
                api_server_authorized_ip_ranges=["203.0.113.0/24"],
                key_management_service=[],
                default_node_pool=[
                    {
                        "name": "system",
                        "zones": ["1"],
                        "enable_auto_scaling": False,
                        "node_count": 1,
                    }
                ],
            ),
        ),
        planned(
            "azurerm_kubernetes_cluster.open",
            aks(
                "open",
                private_cluster_enabled=False,
                api_server_access_profile=[{"authorized_ip_ranges": ["0.0.0.0/0"]}],
                key_management_service=[],
            ),
        ),
        planned(
            "azurerm_kubernetes_cluster_node_pool.apps",
            {"name": "apps", "kubernetes_cluster_id": LATER, **pool(["1", "2"], 2, 10)},
            kubernetes_cluster_id="azurerm_kubernetes_cluster.prod.id",
        ),
        planned(
            "azurerm_kubernetes_cluster_node_pool.batch",
            {"name": "batch", "kubernetes_cluster_id": LATER, **pool([], 0, 3)},
            kubernetes_cluster_id="azurerm_kubernetes_cluster.prod.id",
        ),
        planned(
            "azurerm_monitor_diagnostic_setting.prod",
            {
                "name": "control-plane",
                "target_resource_id": LATER,
                "log_analytics_workspace_id": "/subscriptions/x/workspaces/logs",
                "enabled_log": [{"category": "kube-apiserver"}, {"category_group": "audit"}],
            },
            **target,
        ),
        planned(
            "azurerm_monitor_diagnostic_setting.legacy",
            {
                "name": "control-plane",
                "target_resource_id": LATER,
                "log": [{"category": "kube-apiserver", "enabled": True}],
            },
            **legacy,
        ),
    )


AKS_EXPECTED = {
    "cluster-api-private": {
        "azurerm_kubernetes_cluster.prod": P,
        "azurerm_kubernetes_cluster.legacy": P,  # authorized ranges (3.x attribute)
        "azurerm_kubernetes_cluster.open": F,
    },
    "cluster-secrets-encryption": {
        "azurerm_kubernetes_cluster.prod": P,
        "azurerm_kubernetes_cluster.legacy": F,
        "azurerm_kubernetes_cluster.open": F,
    },
    "cluster-control-plane-logging": {
        "azurerm_kubernetes_cluster.prod": P,  # the audit group covers kube-audit
        "azurerm_kubernetes_cluster.legacy": F,  # no kube-audit
        "azurerm_kubernetes_cluster.open": F,  # no diagnostic setting at all
    },
    "cluster-nodes-across-zones": {
        "azurerm_kubernetes_cluster.prod": P,
        "azurerm_kubernetes_cluster.legacy": F,
        "azurerm_kubernetes_cluster.open": P,
        "azurerm_kubernetes_cluster_node_pool.apps": P,
        "azurerm_kubernetes_cluster_node_pool.batch": F,
    },
    "cluster-autoscaler": {
        "azurerm_kubernetes_cluster.prod": P,
        "azurerm_kubernetes_cluster.legacy": F,
        "azurerm_kubernetes_cluster.open": P,
        "azurerm_kubernetes_cluster_node_pool.apps": P,
        "azurerm_kubernetes_cluster_node_pool.batch": F,  # floor 0
    },
}


@pytest.fixture(scope="module")
def aks_records(tmp_path_factory: pytest.TempPathFactory) -> list[VerdictRecord]:
    tmp = tmp_path_factory.mktemp("aks")
    return judged([load_plan(aks_plan(tmp))], tmp / "reports")


@pytest.mark.parametrize("control", CLUSTER_CONTROLS)
def test_aks_plan(aks_records: list[VerdictRecord], control: str) -> None:
    assert verdicts(aks_records, control) == AKS_EXPECTED[control]


def test_aks_messages(aks_records: list[VerdictRecord]) -> None:
    [legacy] = [
        r
        for r in aks_records
        if r.control == "cluster-control-plane-logging"
        and r.resource == "azurerm_kubernetes_cluster.legacy"
    ]
    assert "missing ['kube-audit']" in legacy.message
    [scaling] = [
        r
        for r in aks_records
        if r.control == "cluster-autoscaler" and r.resource == "azurerm_kubernetes_cluster.legacy"
    ]
    assert "default_node_pool.0.auto_scaling_enabled=False, required true" in scaling.message


# --- corpus ---------------------------------------------------------------------------------


def test_corpus_plans_run_through_every_cluster_control(tmp_path: Path) -> None:
    names = sorted(p.name for p in CORPUS.glob("aws-eks-*.json")) + sorted(
        p.name for p in CORPUS.glob("aws-terragoat-*.json")
    )
    inventories = [load_plan(CORPUS / n, source=f"plan:{Path(n).stem}") for n in names]
    records = judged(inventories, tmp_path)
    assert not [r.message for r in records if r.verdict is Verdict.ERROR]
    found = {(r.source.split(":", 1)[1], r.control, r.resource): r.verdict for r in records}
    goat = "aws-terragoat-rds-eks-elb-mixed"
    # public, and public_access_cidrs is left to apply (AWS would fill in 0.0.0.0/0)
    assert found[(goat, "cluster-api-private", "aws_eks_cluster.eks_cluster")] is U
    assert found[(goat, "cluster-secrets-encryption", "aws_eks_cluster.eks_cluster")] is F
    assert found[(goat, "cluster-control-plane-logging", "aws_eks_cluster.eks_cluster")] is F
    group = ("aws-eks-node-group-empty-block", "cluster-autoscaler", "aws_eks_node_group.test")
    assert found[group] is F  # min 1, max 1
    single = (
        "aws-eks-node-group-empty-block",
        "cluster-nodes-across-zones",
        "aws_eks_node_group.test",
    )
    assert found[single] is U  # its subnet "subnet-ids" is not in the plan
