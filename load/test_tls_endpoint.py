"""``load/tls-endpoint``: the live entry point terminates TLS as documented — protocols,
ciphers, a trusted unexpired certificate, HSTS and the HTTP→HTTPS redirect (probed with
sslyze before the load starts)."""

from __future__ import annotations

from archproof.load.judge import Judgement
from archproof.load.proof import LoadEvidence, proof_check
from archproof.verdict import Verdict


@proof_check("load/tls-endpoint", "tls-termination")
def test_tls_termination(evidence: LoadEvidence) -> Judgement:
    """The entry point's TLS meets the spec's minimum (every aspect probed)."""
    findings = evidence.tls_findings
    if findings is None:
        reason = evidence.tls_problem or "the TLS probe did not run"
        return Judgement(Verdict.ERROR, f"{evidence.target}: {reason}")
    if not findings:
        return Judgement(Verdict.ERROR, f"{evidence.target}: the TLS probe judged no aspect")
    failed = [f for f in findings if f.get("ok") is False]
    unknown = [f for f in findings if f.get("ok") is None]
    details: dict[str, object] = {str(f["aspect"]): f for f in findings}
    if failed:
        shown = "; ".join(
            f"{f['aspect']}: {f.get('seen')} (required {f.get('required')})" for f in failed
        )
        return Judgement(Verdict.FAIL, f"{evidence.target}: {shown}", details)
    if unknown:
        shown = "; ".join(f"{f['aspect']}: {f.get('message')}" for f in unknown)
        return Judgement(Verdict.INCONCLUSIVE, f"{evidence.target}: {shown}", details)
    aspects = ", ".join(str(f["aspect"]) for f in findings)
    return Judgement(Verdict.PASS, f"{evidence.target}: TLS as documented ({aspects})", details)
