"""The pytest plugin for proof checks: one test per (proof check, requirement), each verdict
recorded in the run like a control's, so ``results.json`` traces it to its requirement."""

from __future__ import annotations

import fnmatch
import inspect
import io
import sys
from collections.abc import Generator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Protocol

import pytest

from archproof.errors import UsageError
from archproof.load.judge import Judgement
from archproof.load.proof import ProofInfo, proof_info
from archproof.plugin import _shape_report
from archproof.run import Run
from archproof.spec.model import Requirement
from archproof.verdict import Verdict, VerdictRecord

JUDGED = pytest.StashKey[Judgement | None]()


class Evidence(Protocol):
    """What a proof run gathered; ``covers`` says which proofs it has evidence for."""

    @property
    def target(self) -> str: ...

    def covers(self, proof: str) -> bool: ...


class ProofPlugin:
    """Runs proof checks; a check's proof may be a pattern (``chaos/*``): it then runs for
    every matching proof the evidence covers and receives ``proof`` if it asks for it."""

    def __init__(self, run: Run, evidence: Evidence, source: str = "load") -> None:
        self.run, self.evidence, self.source = run, evidence, source

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line(
            "markers", "archproof_requirement(req, proof): the requirement and proof a check judges"
        )

    def _claims(self, info: ProofInfo) -> list[tuple[Requirement, str]]:
        return [
            (req, proof)
            for req in self.run.requirements()
            for proof in req.proofs
            if fnmatch.fnmatchcase(proof, info.proof) and self.evidence.covers(proof)
        ]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        info = proof_info(metafunc.function)
        if info is None:
            return
        if "evidence" not in metafunc.fixturenames:
            raise pytest.UsageError(f"proof check {info.control_id}: must take 'evidence'")
        claims = self._claims(info)
        several = len({proof for _, proof in claims}) > 1
        names = ["evidence", "proof"] if "proof" in metafunc.fixturenames else ["evidence"]
        metafunc.parametrize(
            names,
            [
                pytest.param(
                    *([self.evidence, proof] if len(names) == 2 else [self.evidence]),
                    id=f"{req.id}|{proof}" if several else req.id,
                    marks=pytest.mark.archproof_requirement(req, proof),
                )
                for req, proof in claims
            ]
            or [pytest.param(*([None] * len(names)), id="unclaimed")],
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
        proof = _proof(pyfuncitem) or info.proof
        kwargs: dict[str, object] = {"evidence": self.evidence}
        if "proof" in inspect.signature(pyfuncitem.obj).parameters:
            kwargs["proof"] = proof
        try:
            result = pyfuncitem.obj(**kwargs)
        except Exception as exc:  # a proof check that crashes could not judge: error
            result = Judgement(
                Verdict.ERROR, f"{proof}/{info.check} could not judge: {type(exc).__name__}: {exc}"
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
        control_id = f"{_proof(item) or info.proof}/{info.check}"
        record = VerdictRecord(
            control=control_id,
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
            ("control", control_id),
            ("requirement", requirement.id),
            ("verdict", str(judged.verdict)),
            ("resource", self.evidence.target),
        ]
        report.user_properties.extend(properties)
        item.user_properties.extend(properties)
        return report


def _info(item: pytest.Item) -> ProofInfo | None:
    return proof_info(getattr(item, "function", None))


def _proof(item: pytest.Item) -> str:
    mark = item.get_closest_marker("archproof_requirement")
    if mark is None or len(mark.args) < 2:
        return ""
    return str(mark.args[1])


def _requirement(item: pytest.Item) -> Requirement | None:
    mark = item.get_closest_marker("archproof_requirement")
    if mark is None or not mark.args or not isinstance(mark.args[0], Requirement):
        return None
    return mark.args[0]


def run_proof_checks(
    directory: Path, plugin: ProofPlugin, out: Path, suite: str, quiet: bool
) -> None:
    """Run the proof checks in ``directory`` through pytest with ``plugin``; JUnit XML and
    pytest-html land in ``out`` (``junit.xml``, ``<suite>.html``)."""
    from archproof.check import PYTEST_INI

    args = [
        str(directory),
        "-c",
        str(PYTEST_INI),
        "--rootdir",
        str(directory.parent),
        "-p",
        "no:cacheprovider",
        "--import-mode=importlib",
        "-q",
        "--no-header",
        "-rN",
        "--tb=no",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        "-p",
        "no:logging",
        f"--junitxml={out / 'junit.xml'}",
        "-o",
        f"junit_suite_name=archproof-{suite}",
        f"--html={out / f'{suite}.html'}",
        "--self-contained-html",
    ]
    sink = io.StringIO()
    with redirect_stdout(sink if quiet else sys.stdout):
        code = pytest.main(args, plugins=[plugin])
    if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR):
        detail = sink.getvalue().strip().splitlines()
        raise UsageError(
            f"{suite} proofs in {directory} could not run (pytest exit {int(code)})"
            + (f": {detail[-1]}" if detail else "")
        )
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
