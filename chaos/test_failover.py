"""Failure proofs (``chaos/…``): each experiment completed, the steady state held after it,
and recovery time and lost writes stayed within the spec's bounds (``chaos:`` section).
Judged from the journal and the records the background traffic and writers left."""

from __future__ import annotations

from archproof.chaos.evidence import ChaosEvidence, ExperimentRun
from archproof.load.judge import Judgement
from archproof.load.proof import proof_check
from archproof.verdict import Verdict


def _run(evidence: ChaosEvidence, proof: str) -> ExperimentRun | Judgement:
    run = evidence.runs.get(proof)
    if run is None:
        return Judgement(Verdict.ERROR, f"{evidence.target}: no experiment ran for {proof}")
    return run


def _failed_activity(run: ExperimentRun) -> str:
    for activity in run.journal.get("run", []) or []:
        if activity.get("status") == "failed":
            name = (activity.get("activity") or {}).get("name", "?")
            return f"{name}: {activity.get('exception') or activity.get('output')}"
    return ""


@proof_check("chaos/*", "experiment-completed")
def test_experiment_completed(evidence: ChaosEvidence, proof: str) -> Judgement:
    """The experiment ran through (no failed activity, not interrupted, not aborted)."""
    run = _run(evidence, proof)
    if isinstance(run, Judgement):
        return run
    status = run.journal.get("status")
    abort = run.measures.get("abort")
    if abort:
        return Judgement(
            Verdict.FAIL, f"{run.name}: aborted (rolled back) — {abort.get('reason')}", abort
        )
    if status != "completed":
        detail = _failed_activity(run)
        return Judgement(
            Verdict.ERROR if status == "interrupted" else Verdict.FAIL,
            f"{run.name}: experiment {status}" + (f" — {str(detail)[:300]}" if detail else ""),
            {"status": status},
        )
    return Judgement(Verdict.PASS, f"{run.name}: completed, rollbacks run", {"status": status})


@proof_check("chaos/*", "steady-state-after")
def test_steady_state_after(evidence: ChaosEvidence, proof: str) -> Judgement:
    """The steady-state hypothesis held again after the fault."""
    run = _run(evidence, proof)
    if isinstance(run, Judgement):
        return run
    after = (run.journal.get("steady_states") or {}).get("after")
    if not after:
        return Judgement(Verdict.ERROR, f"{run.name}: the steady state was not checked after")
    if after.get("steady_state_met"):
        return Judgement(Verdict.PASS, f"{run.name}: steady state met after the fault")
    failing = [
        p.get("activity", {}).get("name")
        for p in after.get("probes", [])
        if not p.get("tolerance_met")
    ]
    return Judgement(
        Verdict.FAIL, f"{run.name}: steady state not met after the fault — {', '.join(failing)}"
    )


@proof_check("chaos/*", "recovery-time")
def test_recovery_time(evidence: ChaosEvidence, proof: str) -> Judgement:
    """Recovery time (RTO) within the spec's bound."""
    run = _run(evidence, proof)
    if isinstance(run, Judgement):
        return run
    bound = evidence.profile.bounds(proof).rto_s
    restore = run.measures.get("restore")
    if restore is not None:
        total = restore.get("total_s")
        if not restore.get("ok") or not isinstance(total, int | float):
            return Judgement(
                Verdict.FAIL, f"{run.name}: restore drill failed — {restore.get('error')}"
            )
        verdict = Verdict.PASS if total <= bound else Verdict.FAIL
        return Judgement(
            verdict, f"{run.name}: restored in {total:.1f} s (bound {bound:g} s)", restore
        )
    if not run.measures.get("faults"):
        return Judgement(
            Verdict.ERROR, f"{run.name}: no fault was recorded — nothing to recover from"
        )
    rto = run.measures.get("rto")
    if rto is None:
        return Judgement(Verdict.ERROR, f"{run.name}: no background traffic was recorded")
    seen = rto.get("rto_s")
    failed = (
        f"{rto.get('failures_after_fault')} of {rto.get('requests_after_fault')} requests failed"
        if rto.get("requests_after_fault") is not None
        else str(rto.get("source", "no background traffic"))
    )
    if seen is None:
        return Judgement(
            Verdict.FAIL, f"{run.name}: never recovered while observed ({failed})", rto
        )
    verdict = Verdict.PASS if seen <= bound else Verdict.FAIL
    return Judgement(verdict, f"{run.name}: RTO {seen:.1f} s (bound {bound:g} s); {failed}", rto)


@proof_check("chaos/*", "data-loss")
def test_data_loss(evidence: ChaosEvidence, proof: str) -> Judgement:
    """Acknowledged writes lost (RPO) within the spec's bound."""
    run = _run(evidence, proof)
    if isinstance(run, Judgement):
        return run
    allowed = evidence.profile.bounds(proof).rpo_writes
    restore = run.measures.get("restore")
    if restore is not None:
        tables = restore.get("tables") or {}
        counted = all(
            isinstance(t, dict)
            and isinstance(t.get("primary"), int)
            and isinstance(t.get("restored"), int)
            for t in tables.values()
        )
        if not tables or not counted:
            return Judgement(Verdict.ERROR, f"{run.name}: the drill compared no tables")
        lost = sum(max(0, t["primary"] - t["restored"]) for t in tables.values())
        verdict = Verdict.PASS if lost <= allowed else Verdict.FAIL
        return Judgement(
            verdict,
            f"{run.name}: {lost} rows missing in the restored copy"
            f" across {len(tables)} tables (allowed {allowed})",
            restore,
        )
    checks = run.measures.get("rpo") or {}
    verified = all(
        isinstance(v, dict)
        and isinstance(v.get("missing"), int)
        and isinstance(v.get("acknowledged"), int)
        for v in checks.values()
    )
    if not checks or not verified:
        return Judgement(Verdict.ERROR, f"{run.name}: acknowledged writes were not verified")
    missing = sum(int(v["missing"]) for v in checks.values())
    acked = sum(int(v["acknowledged"]) for v in checks.values())
    if acked == 0:
        return Judgement(Verdict.ERROR, f"{run.name}: no write was acknowledged: nothing to verify")
    verdict = Verdict.PASS if missing <= allowed else Verdict.FAIL
    stores = ", ".join(checks)
    return Judgement(
        verdict,
        f"{run.name}: {missing} of {acked} acknowledged writes lost ({stores}; allowed {allowed})",
        checks,
    )
