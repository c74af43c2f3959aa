"""The pytest plugin for proof checks: one test per (proof check, requirement), each verdict
recorded in the run like a control's, so ``results.json`` traces it to its requirement."""

from __future__ import annotations

from collections.abc import Generator

import pytest

from archproof.load.judge import Judgement
from archproof.load.proof import LoadEvidence, ProofInfo, proof_info
from archproof.plugin import _shape_report
from archproof.run import Run
from archproof.spec.model import Requirement
from archproof.verdict import Verdict, VerdictRecord

JUDGED = pytest.StashKey[Judgement | None]()


class ProofPlugin:
    def __init__(self, run: Run, evidence: LoadEvidence, source: str = "load") -> None:
        self.run, self.evidence, self.source = run, evidence, source

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line(
            "markers", "archproof_requirement(req): the requirement a proof check judges"
        )

    def _requirements(self, info: ProofInfo) -> list[Requirement]:
        return [req for req in self.run.requirements() if info.proof in req.proofs]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        info = proof_info(metafunc.function)
        if info is None:
            return
        if "evidence" not in metafunc.fixturenames:
            raise pytest.UsageError(f"proof check {info.control_id}: must take 'evidence'")
        requirements = self._requirements(info)
        metafunc.parametrize(
            "evidence",
            [
                pytest.param(self.evidence, id=req.id, marks=pytest.mark.archproof_requirement(req))
                for req in requirements
            ]
            or [pytest.param(None, id="unclaimed")],
        )

    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        dropped = [i for i in items if _requirement(i) is None and _info(i) is not None]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = [i for i in items if i not in dropped]

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        info = _info(pyfuncitem)
        if info is None:
            return None
        try:
            result = pyfuncitem.obj(evidence=self.evidence)
        except Exception as exc:  # a proof check that crashes could not judge: error
            result = Judgement(
                Verdict.ERROR, f"{info.control_id} could not judge: {type(exc).__name__}: {exc}"
            )
        pyfuncitem.stash[JUDGED] = result if isinstance(result, Judgement) else None
        return True

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        info, requirement = _info(item), _requirement(item)
        if info is None or requirement is None or report.when != "call":
            return report
        judged = item.stash.get(JUDGED, None)
        if judged is None:
            report.outcome = "skipped"
            report.longrepr = (str(item.path), 0, "not asked for by the spec")
            return report
        record = VerdictRecord(
            control=info.control_id,
            requirement=requirement.id,
            system=self.run.spec.system,
            environment=self.run.environment,
            source=self.source,
            resource=self.evidence.target,
            kind="entry-point",
            verdict=judged.verdict,
            message=judged.message,
            title=info.title,
            severity="high",
            evidence=judged.evidence,
        )
        self.run.records.append(record)
        _shape_report(report, item, judged.verdict, judged.message)
        properties = [
            ("control", info.control_id),
            ("requirement", requirement.id),
            ("verdict", str(judged.verdict)),
            ("resource", self.evidence.target),
        ]
        report.user_properties.extend(properties)
        item.user_properties.extend(properties)
        return report


def _info(item: pytest.Item) -> ProofInfo | None:
    return proof_info(getattr(item, "function", None))


def _requirement(item: pytest.Item) -> Requirement | None:
    mark = item.get_closest_marker("archproof_requirement")
    if mark is None or not mark.args or not isinstance(mark.args[0], Requirement):
        return None
    return mark.args[0]
