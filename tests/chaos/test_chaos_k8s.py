"""The Kubernetes failure experiments run through chaoslib (and chaostoolkit-kubernetes)
against a test Kubernetes API server over real HTTP, whose tiny deployment controller
replaces deleted pods and rolls pods over on a restart within maxSurge / maxUnavailable."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chaoslib.exceptions import ActivityFailed, InterruptExecution
from chaoslib.experiment import ensure_experiment_is_valid, run_experiment
from kubernetes import config as kube_config

from archproof.chaos import k8s
from archproof.chaos.k8s import K8sTarget, check_k8s_opt_in, k8s_targets, record_fault
from support.kube_api import KubeApiServer, kube_api_server

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = {"runtime": {"rollbacks": {"strategy": "always"}}}
OPT_IN = {"archproof.io/chaos": "allowed"}
NS, NAME = "shop", "web"


def experiment(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((ROOT / "chaos" / f"{name}.json").read_text())
    return document


def lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KubeApiServer]:
    """The test API server, with KUBECONFIG and the experiments' variables pointing at it."""
    logging.getLogger("chaostoolkit").setLevel(logging.ERROR)
    with kube_api_server() as server:
        kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig", context="test")
        monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
        monkeypatch.setenv("ARCHPROOF_CHAOS_K8S_NAMESPACE", NS)
        monkeypatch.setenv("ARCHPROOF_CHAOS_K8S_DEPLOYMENT", NAME)
        monkeypatch.setenv("ARCHPROOF_CHAOS_K8S_SELECTOR", f"app={NAME}")
        monkeypatch.setenv("ARCHPROOF_CHAOS_RECORDS", str(tmp_path / "records"))
        monkeypatch.setenv("ARCHPROOF_CHAOS_RECOVERY_TIMEOUT", "10")
        monkeypatch.setenv("ARCHPROOF_CHAOS_POLL", "0.05")
        monkeypatch.delenv("ARCHPROOF_CHAOS_EXPLICIT", raising=False)
        monkeypatch.delenv("KUBERNETES_CONTEXT", raising=False)
        # the kubernetes client reads KUBECONFIG at import; the probes follow it, and this
        # restores the default afterwards
        monkeypatch.setattr(kube_config.kube_config, "KUBE_CONFIG_DEFAULT_LOCATION", kubeconfig)
        yield server


def records(tmp_path: Path, name: str) -> list[dict[str, Any]]:
    return lines(tmp_path / "records" / name)


def activity(journal: dict[str, Any], name: str) -> dict[str, Any]:
    found = [run for run in journal["run"] if run["activity"]["name"] == name]
    assert found, [run["activity"]["name"] for run in journal["run"]]
    result: dict[str, Any] = found[0]
    return result


def test_experiments_are_valid_and_declare_their_target(cluster: KubeApiServer) -> None:
    for name, proof in [
        ("k8s-instance-loss", "chaos/instance-loss"),
        ("k8s-rolling-deploy", "chaos/rolling-deploy"),
    ]:
        document = experiment(name)
        ensure_experiment_is_valid(document)
        assert k8s.extension(document)["proof"] == proof
        assert k8s_targets(document, {}) == [
            K8sTarget("deployment", NS, NAME, "k8s_deployment", "ARCHPROOF_CHAOS_K8S_DEPLOYMENT")
        ]
        given = {"ARCHPROOF_CHAOS_K8S_DEPLOYMENT": "api", "k8s_namespace": "prod"}
        assert [str(t) for t in k8s_targets(document, given)] == ["deployment prod/api"]


def test_instance_loss_replaces_the_pod(cluster: KubeApiServer, tmp_path: Path) -> None:
    cluster.run_deployment(NS, NAME, replicas=3, labels=OPT_IN, ready_delay=0.3)
    before = {p["metadata"]["name"] for p in cluster.pods_of(NS, NAME)}

    journal = run_experiment(experiment("k8s-instance-loss"), settings=SETTINGS)

    assert journal["status"] == "completed", journal["run"]
    assert not journal["deviated"]
    assert len(cluster.deleted_pods) == 1
    deleted = cluster.deleted_pods[0].split("/")[1]
    assert deleted in before
    after = cluster.pods_of(NS, NAME)
    names = {p["metadata"]["name"] for p in after}
    assert deleted not in names and len(names - before) == 1  # one replacement
    assert all(p["status"]["conditions"][1]["status"] == "True" for p in after)
    assert min(cluster.availability[(NS, NAME)]) == 2  # readyReplicas dipped …
    (recovery,) = records(tmp_path, "recovery.jsonl")
    assert recovery["recovered"] is True and recovery["target"] == f"{NS}/{NAME}"
    assert recovery["seen"]["lowest_ready"] == 2 and recovery["seen"]["ready_pods"] == 3
    assert 0.2 < recovery["seconds"] < 5  # … for about the controller's ready delay
    (fault,) = records(tmp_path, "faults.jsonl")
    assert fault["fault"] == "instance-loss" and fault["target"] == f"{NS}/{NAME}"
    assert "app=web" in fault["detail"] and fault["t"] <= recovery["t"]
    assert activity(journal, "terminate-one-pod")["output"] == [deleted]


def test_rolling_deploy_without_downtime(cluster: KubeApiServer, tmp_path: Path) -> None:
    cluster.run_deployment(NS, NAME, replicas=3, max_unavailable=0, max_surge=1, annotations=OPT_IN)
    before = {p["metadata"]["name"] for p in cluster.pods_of(NS, NAME)}

    journal = run_experiment(experiment("k8s-rolling-deploy"), settings=SETTINGS)

    assert journal["status"] == "completed", journal["run"]
    assert not journal["deviated"]
    deployment = cluster.workloads[("Deployment", NS, NAME)]
    assert deployment["metadata"]["generation"] == 2
    template = deployment["spec"]["template"]["metadata"]["annotations"]
    assert "kubectl.kubernetes.io/restartedAt" in template
    after = cluster.pods_of(NS, NAME)
    assert len(after) == 3 and not before & {p["metadata"]["name"] for p in after}
    assert min(cluster.availability[(NS, NAME)]) == 3
    (recovery,) = records(tmp_path, "recovery.jsonl")
    assert recovery["recovered"] is True
    assert recovery["seen"]["lowest_available"] == 3 and recovery["seen"]["max_surge"] == 1
    assert recovery["seen"]["polls"] > 5  # it watched the rollout, not just its end
    rollout = json.loads((tmp_path / "records" / "k8s-rollout.json").read_text())
    assert rollout["kept"] is True and rollout["floor"] == 3
    (fault,) = records(tmp_path, "faults.jsonl")
    assert fault["fault"] == "rolling-deploy"


def test_rolling_deploy_reports_the_dip(cluster: KubeApiServer, tmp_path: Path) -> None:
    cluster.run_deployment(NS, NAME, replicas=3, max_unavailable=1, max_surge=1, labels=OPT_IN)

    journal = run_experiment(experiment("k8s-rolling-deploy"), settings=SETTINGS)

    assert journal["deviated"] is True  # zero downtime promised, one replica went missing
    after = {p["activity"]["name"]: p for p in journal["steady_states"]["after"]["probes"]}
    assert after["availability-kept-during-rollout"]["tolerance_met"] is False
    assert after["all-replicas-ready-and-available"]["tolerance_met"] is True
    (recovery,) = records(tmp_path, "recovery.jsonl")
    assert recovery["recovered"] is True and recovery["seen"]["lowest_available"] == 2
    rollout = json.loads((tmp_path / "records" / "k8s-rollout.json").read_text())
    assert rollout["kept"] is False and rollout["floor"] == 3

    # what the strategy itself allows (replicas − maxUnavailable) was kept
    assert k8s.availability_kept(NAME, NS, "strategy", {"records_dir": str(tmp_path / "records")})


def test_unlabelled_deployment_is_refused(cluster: KubeApiServer, tmp_path: Path) -> None:
    cluster.run_deployment(NS, NAME, replicas=2, ready_delay=0.1)
    cluster.run_deployment(NS, "api", replicas=2, labels=OPT_IN, ready_delay=0.1)
    document = experiment("k8s-instance-loss")
    api = kube_config.new_client_from_config(config_file=str(tmp_path / "kubeconfig"))

    (problem,) = check_k8s_opt_in(api, k8s_targets(document, {}), set())
    assert "deployment shop/web" in problem and "archproof.io/chaos=allowed" in problem
    assert check_k8s_opt_in(api, k8s_targets(document, {}), {"shop/web"}) == []
    assert check_k8s_opt_in(api, k8s_targets(document, {}), {"web"}) == []
    assert check_k8s_opt_in(api, k8s_targets(document, {}), {"other/web"}) == [problem]
    named_api = k8s_targets(document, {"ARCHPROOF_CHAOS_K8S_DEPLOYMENT": "api"})
    assert check_k8s_opt_in(api, named_api, set()) == []  # labelled
    missing = k8s_targets(document, {"ARCHPROOF_CHAOS_K8S_DEPLOYMENT": "gone"})
    assert check_k8s_opt_in(api, missing, set()) == ["deployment shop/gone: not found"]
    unset = k8s_targets(document, {"ARCHPROOF_CHAOS_K8S_DEPLOYMENT": ""})
    assert "set ARCHPROOF_CHAOS_K8S_DEPLOYMENT" in check_k8s_opt_in(api, unset, set())[0]

    journal = run_experiment(document, settings=SETTINGS)

    assert journal["steady_states"]["before"]["steady_state_met"] is False
    (opted,) = journal["steady_states"]["before"]["probes"]
    assert "neither labelled nor annotated" in "".join(opted["exception"])
    assert cluster.deleted_pods == []
    assert not (tmp_path / "records" / "faults.jsonl").exists()


def test_explicitly_named_deployment_is_disrupted(
    cluster: KubeApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster.run_deployment(NS, NAME, replicas=2, ready_delay=0.1)
    monkeypatch.setenv("ARCHPROOF_CHAOS_EXPLICIT", "shop/web")

    journal = run_experiment(experiment("k8s-instance-loss"), settings=SETTINGS)

    assert journal["status"] == "completed" and not journal["deviated"]
    assert len(cluster.deleted_pods) == 1


def test_fault_actions_recheck_before_acting(cluster: KubeApiServer, tmp_path: Path) -> None:
    cluster.run_deployment(NS, NAME, replicas=2)
    cluster.run_deployment(NS, "api", replicas=2, labels={**OPT_IN, "tier": "front"})
    configuration = {"records_dir": str(tmp_path / "records")}

    with pytest.raises(InterruptExecution, match="refusing instance-loss: deployment shop/web"):
        record_fault(
            "instance-loss", NAME, NS, label_selector="app=web", configuration=configuration
        )
    with pytest.raises(ActivityFailed, match="shop/web"):
        k8s.target_opted_in(NAME, NS, configuration)
    # opted in, but the selector would pick pods of another deployment (or any pod)
    for selector in ["", "app", "app=web"]:
        with pytest.raises(InterruptExecution, match="label selector"):
            record_fault(
                "instance-loss", "api", NS, label_selector=selector, configuration=configuration
            )
    assert not (tmp_path / "records" / "faults.jsonl").exists()
    line = record_fault("instance-loss", "api", NS, "x", "app=api", configuration)
    assert line["target"] == "shop/api" and records(tmp_path, "faults.jsonl") == [line]


def test_cli_refuses_then_judges_a_rolling_deploy(
    cluster: KubeApiServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from archproof.cli import main

    spec = str(Path(__file__).resolve().parents[2] / "policies" / "video-conference.yaml")
    cluster.run_deployment(NS, NAME, replicas=3, max_unavailable=0, max_surge=1)
    args = [
        "chaos",
        "--spec",
        spec,
        "--k8s",
        "--experiment",
        "k8s-rolling-deploy",
        "--reports",
        str(tmp_path / "reports"),
        "--allow-chaos",
        "-q",
    ]
    assert main(args) == 2
    assert "refusing to disrupt Kubernetes workloads without opt-in" in capsys.readouterr().err
    assert not cluster.deleted_pods
    code = main([*args, "--target", f"{NS}/{NAME}"])
    results = json.loads((tmp_path / "reports" / "results.json").read_text())
    verdicts = {r["control"]: r["verdict"] for r in results["results"]}
    assert verdicts["chaos/rolling-deploy/experiment-completed"] == "pass"
    assert verdicts["chaos/rolling-deploy/steady-state-after"] == "pass"
    assert verdicts["chaos/rolling-deploy/recovery-time"] == "pass"
    assert verdicts["chaos/rolling-deploy/data-loss"] == "error"  # no writer: never a pass
    assert code == 3
