"""``archproof chaos``: run the spec's failure proofs as chaostoolkit experiments (through
chaoslib), measure recovery, then let the proof checks in ``chaos/`` judge them.

Safety: nothing runs without ``allow_chaos``; ``dry_run`` only shows what would be done;
rollbacks always run (strategy ``always``), on Ctrl-C and on the hard stop too; AWS targets
must carry the opt-in tag or be named explicitly.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from archproof.chaos.evidence import ChaosEvidence, ExperimentRun, measure_run
from archproof.chaos.experiments import CHAOS_DIR, Experiment, discover, read_experiment
from archproof.controls.catalogue import checks_dirs
from archproof.controls.catalogue import discover as discover_controls
from archproof.envvars import scoped_environment
from archproof.errors import ChaosSafetyError, UsageError
from archproof.run import Run
from archproof.spec.load import load_spec
from archproof.spec.model import Spec

SETTINGS: dict[str, Any] = {"runtime": {"rollbacks": {"strategy": "always"}}}


@dataclass(frozen=True)
class ChaosRequest:
    spec_path: str
    variant: str = "lab"
    experiments: tuple[str, ...] = ()
    """Experiment names (``lab-zone-loss``) or files; empty: every one the spec's proofs name."""
    environment: str | None = None
    lab_dir: Path | None = None
    reports: Path = Path("reports/chaos")
    allow_chaos: bool = False
    dry_run: bool = False
    explicit_targets: tuple[str, ...] = ()
    """AWS ids the user named on the command line (no opt-in tag needed for them)."""
    aws_region: str | None = None
    environment_values: dict[str, str] = field(default_factory=dict)
    """More ``ARCHPROOF_*`` settings the experiments read (targets, region …)."""
    quiet: bool = False


@dataclass(frozen=True)
class ChaosOutcome:
    run: Run | None
    evidence: ChaosEvidence | None
    exit_code: int
    results: dict[str, object]


def _proof_run(spec: Spec, spec_path: str, environment: str | None, proofs: set[str]) -> Run:
    try:
        env = spec.pick_environment(environment)
    except KeyError as exc:
        raise UsageError(f"{spec_path}: {exc.args[0]}") from None
    wanted = tuple(req.id for req in spec.requirements if proofs & set(req.proofs))
    return Run(
        spec=spec,
        environment=env,
        inventories=[],
        spec_path=spec_path,
        only_requirements=wanted or ("<none>",),
        judges=tuple(sorted(proofs)) or ("chaos",),
    )


def select(request: ChaosRequest, spec: Spec) -> list[Experiment]:
    """The experiments to run: named ones, else every ``<variant>-*`` one whose proof the
    spec names."""
    if request.experiments:
        chosen = []
        for name in request.experiments:
            path = Path(name)
            if not path.suffix:
                matches = sorted(CHAOS_DIR.glob(f"{name}.*"))
                if not matches:
                    known = ", ".join(e.name for e in discover(request.variant))
                    raise UsageError(f"unknown experiment {name!r} (known: {known})")
                path = matches[0]
            chosen.append(read_experiment(path))
        return chosen
    claimed = {p for req in spec.requirements for p in req.proofs}
    return [e for e in discover(request.variant) if e.proof in claimed]


def _setting(experiment: Experiment, key: str, environment: dict[str, str]) -> str:
    """A target's value: the experiment's configuration key (env-backed) or an env name."""
    entry = (experiment.document.get("configuration") or {}).get(key)
    if isinstance(entry, dict) and entry.get("type") == "env":
        name = str(entry.get("key"))
        return environment.get(name) or os.environ.get(name) or str(entry.get("default", "?"))
    if isinstance(entry, str | int | float):
        return str(entry)
    return environment.get(key) or os.environ.get(key) or "?"


def describe_plan(experiments: list[Experiment], configuration: dict[str, str]) -> list[str]:
    """What each experiment would do, for ``--dry-run`` and before a real run."""
    lines = []
    for experiment in experiments:
        targets = ", ".join(
            f"{t.get('kind')}={_setting(experiment, str(t.get('config')), configuration) or '?'}"
            for t in experiment.extension.get("targets", [])
        )
        lines.append(f"{experiment.name} ({experiment.proof}): {experiment.title}")
        lines.append(f"  targets: {targets or 'none named'}")
        for section in ("method", "rollbacks"):
            for activity in experiment.activities(section):
                provider = activity.get("provider", {})
                func = f"{provider.get('module', '')}.{provider.get('func', '')}".strip(".")
                args = provider.get("arguments") or {}
                shown = ", ".join(f"{k}={v!r}" for k, v in args.items())
                kind = "rollback" if section == "rollbacks" else activity.get("type", "?")
                lines.append(f"  {kind:8} {activity.get('name')}: {func}({shown})")
    return lines


def _check_aws_opt_in(
    experiments: list[Experiment], request: ChaosRequest, configuration: dict[str, str]
) -> None:
    import boto3

    from archproof.chaos.aws_safety import check_opt_in, experiment_targets

    session = boto3.Session(region_name=request.aws_region)
    problems: list[str] = []
    for experiment in experiments:
        targets = experiment_targets(experiment.document, dict(configuration))
        problems += [
            f"{experiment.name}: {p}"
            for p in check_opt_in(session, targets, set(request.explicit_targets))
        ]
    if problems:
        raise ChaosSafetyError(
            "refusing to mutate AWS targets without opt-in (tag archproof:chaos=allowed or"
            " --target ID): " + "; ".join(problems)
        )


def _check_k8s_opt_in(
    experiments: list[Experiment], request: ChaosRequest, configuration: dict[str, str]
) -> None:
    from kubernetes import config as kube_config

    from archproof.chaos.k8s import check_k8s_opt_in, k8s_targets

    kubeconfig = configuration.get("KUBECONFIG") or os.environ.get("KUBECONFIG")
    with scoped_environment(configuration):
        try:
            client = kube_config.new_client_from_config(config_file=kubeconfig)  # type: ignore[no-untyped-call]
        except Exception as exc:
            raise UsageError(f"kubeconfig {kubeconfig or '~/.kube/config'}: {exc}") from None
        problems: list[str] = []
        for experiment in experiments:
            targets = k8s_targets(experiment.document, dict(configuration))
            found = check_k8s_opt_in(client, targets, set(request.explicit_targets))
            problems += [f"{experiment.name}: {p}" for p in found]
    if problems:
        raise ChaosSafetyError(
            "refusing to disrupt Kubernetes workloads without opt-in (label or annotation"
            " archproof.io/chaos=allowed, or --target NAMESPACE/NAME): " + "; ".join(problems)
        )


def run_experiment(
    experiment: Experiment, configuration: dict[str, str], say: Callable[[str], None]
) -> dict[str, Any]:
    """One experiment through chaoslib, rollbacks always; Ctrl-C ends it with rollbacks."""
    from chaoslib.exit import exit_signals
    from chaoslib.experiment import run_experiment as chaoslib_run

    logging.getLogger("chaostoolkit").setLevel(logging.ERROR)
    records = Path(configuration["ARCHPROOF_CHAOS_RECORDS"])
    with scoped_environment(configuration), exit_signals(), _stop_guard_on_signals(records):
        journal: dict[str, Any] = chaoslib_run(experiment.document, settings=SETTINGS)
    return journal


@contextlib.contextmanager
def _stop_guard_on_signals(records: Path) -> Iterator[None]:
    """On Ctrl-C or SIGTERM, first stop the background guard probe (so chaoslib is not left
    waiting on it), then let chaoslib interrupt the method and run the rollbacks."""
    from archproof.chaos.guard import STOP_FILE

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def stop(signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(OSError):
            (records / STOP_FILE).write_text("interrupted\n", encoding="utf-8")
        handler = previous.get(signal.Signals(signum))
        if callable(handler):
            handler(signum, frame)
        elif signum == signal.SIGINT:
            raise KeyboardInterrupt

    for sig in previous:
        signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_chaos(request: ChaosRequest, say: Callable[[str], None] = print) -> ChaosOutcome:
    spec = load_spec(request.spec_path, discover_controls(checks_dirs()))
    experiments = select(request, spec)
    if not experiments:
        raise UsageError(
            f"{request.spec_path}: no {request.variant} experiment for the proofs it names"
        )
    lab_dir = request.lab_dir
    if request.variant == "lab":
        from archproof.lab.layout import LabLayout

        lab_dir = (lab_dir or LabLayout().lab_dir).resolve()
    base = {
        **request.environment_values,
        **({"ARCHPROOF_LAB_DIR": str(lab_dir)} if lab_dir else {}),
        **({"ARCHPROOF_AWS_REGION": request.aws_region} if request.aws_region else {}),
    }
    plan = describe_plan(experiments, base)
    if request.dry_run:
        say("dry run — nothing is changed; these would run (rollbacks always):")
        for line in plan:
            say("  " + line)
        return ChaosOutcome(None, None, 0, {})
    if not request.allow_chaos:
        names = ", ".join(e.name for e in experiments)
        raise ChaosSafetyError(
            f"chaos experiments mutate their targets ({names}); pass --allow-chaos to run"
            " them, or --dry-run to see what they would do"
        )
    if request.variant == "aws":
        _check_aws_opt_in(experiments, request, base)
    if request.variant == "k8s":
        _check_k8s_opt_in(experiments, request, base)
    if request.variant == "lab":
        _require_lab(lab_dir)
    run = _proof_run(spec, request.spec_path, request.environment, {e.proof for e in experiments})
    evidence = ChaosEvidence(target=_target_label(request, lab_dir), profile=spec.chaos)
    request.reports.mkdir(parents=True, exist_ok=True)
    for experiment in experiments:
        out = request.reports / experiment.name
        records = out / "records"
        shutil.rmtree(out, ignore_errors=True)
        records.mkdir(parents=True)
        bounds = spec.chaos.bounds(experiment.proof)
        configuration = {
            **base,
            "ARCHPROOF_CHAOS_RECORDS": str(records.resolve()),
            "ARCHPROOF_CHAOS_MAX_OUTAGE": f"{bounds.abort_after_s:g}",
        }
        say(f"  {experiment.name}: {experiment.title}")
        journal = run_experiment(experiment, configuration, say)
        measures = measure_run(records, spec.chaos)
        journal["archproof"] = {
            "proof": experiment.proof,
            "bounds": bounds.model_dump(),
            "measures": measures,
        }
        (out / "journal.json").write_text(json.dumps(journal, indent=2, default=str) + "\n")
        evidence.runs[experiment.proof] = ExperimentRun(
            proof=experiment.proof,
            name=experiment.name,
            title=experiment.title,
            journal=journal,
            records=records,
            measures=measures,
        )
        say(f"    {journal.get('status')}; {_summary(measures)}")
    from archproof.chaos.judge_run import judge_chaos

    return judge_chaos(run, evidence, request.reports, request.quiet)


def _summary(measures: dict[str, Any]) -> str:
    rto = (measures.get("rto") or {}).get("rto_s")
    rpo = {k: (v or {}).get("missing") for k, v in (measures.get("rpo") or {}).items()}
    restore = measures.get("restore") or {}
    if isinstance(rto, int | float):
        parts = [f"RTO {rto:.1f} s"]
    elif isinstance(restore.get("total_s"), int | float):
        parts = [f"restored in {restore['total_s']:.1f} s, ok={restore.get('ok')}"]
    else:
        parts = ["RTO not measured"]
    parts += [f"{store} writes lost {n}" for store, n in rpo.items()]
    if "abort" in measures:
        parts.append(f"ABORTED: {measures['abort'].get('reason')}")
    return ", ".join(parts)


def _target_label(request: ChaosRequest, lab_dir: Path | None) -> str:
    if request.variant == "lab" and lab_dir is not None:
        from archproof.lab.layout import LabLayout

        return f"lab {LabLayout.load(lab_dir).entry_url}"
    return f"{request.variant} {request.aws_region or ''}".strip()


def _require_lab(lab_dir: Path | None) -> None:
    from archproof.lab.layout import LabLayout
    from archproof.lab.stack import Lab

    layout = LabLayout.load(lab_dir) if lab_dir else LabLayout()
    if not Lab(layout).is_running():
        raise UsageError(
            f"the lab in {layout.lab_dir} is not running — start it with `archproof lab up`"
        )
