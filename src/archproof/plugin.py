"""The pytest plugin: runs every control in ``checks/`` once per subject and records verdicts."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from archproof.controls.api import Subject, control_info
from archproof.errors import ArchproofError
from archproof.inventory.model import Inventory, Resource
from archproof.run import Run
from archproof.verdict import ControlOutcome, EvidenceMissing, Failed, Inconclusive, Verdict

RUN_KEY = pytest.StashKey[Run]()
RESULTS_KEY = pytest.StashKey[str]()
SUBJECT = "_archproof_subject"
_RECORD_ATTR = "_archproof_recorded"


class RunProvider:
    """Hands a prepared ``Run`` to the plugin (used by ``archproof check``)."""

    def __init__(self, run: Run) -> None:
        self.run = run

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[RUN_KEY] = self.run


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("archproof", "archproof: check an estate against its documented spec")
    group.addoption("--spec", help="spec YAML (policies/<system>.yaml)")
    group.addoption("--plan", action="append", default=[], help="Terraform plan JSON (repeatable)")
    group.addoption("--aws", action="store_true", help="collect the live AWS account")
    group.addoption("--aws-region", action="append", default=[], help="region (repeatable)")
    group.addoption("--aws-profile", help="AWS profile")
    group.addoption("--aws-role-arn", help="role to assume for reading")
    group.addoption("--aws-service", action="append", default=[], help="limit live services")
    group.addoption("--env", help="spec environment (default: the spec's first)")
    group.addoption("--control", action="append", default=[], help="only these controls (glob)")
    group.addoption("--requirement", action="append", default=[], help="only these requirements")
    group.addoption("--archproof-results", help="write results JSON here")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "archproof_control: an archproof control")
    results = config.getoption("--archproof-results", default=None)
    if results:
        config.stash[RESULTS_KEY] = str(results)
    if RUN_KEY in config.stash or not config.getoption("--spec", default=None):
        return
    from archproof.session import SourceRequest, prepare_run

    request = SourceRequest(
        plans=tuple(config.getoption("--plan")),
        aws=bool(config.getoption("--aws")),
        aws_regions=tuple(config.getoption("--aws-region")),
        aws_profile=config.getoption("--aws-profile"),
        aws_role_arn=config.getoption("--aws-role-arn"),
        aws_services=tuple(config.getoption("--aws-service")),
    )
    try:
        config.stash[RUN_KEY] = prepare_run(
            spec_path=config.getoption("--spec"),
            environment=config.getoption("--env"),
            sources=request,
            only_controls=tuple(config.getoption("--control")),
            only_requirements=tuple(config.getoption("--requirement")),
        )
    except ArchproofError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    info = control_info(metafunc.function)
    if info is None or SUBJECT not in metafunc.fixturenames:
        return
    run = metafunc.config.stash.get(RUN_KEY, None)
    subjects = run.subjects_for(info) if run is not None else []
    if not subjects:
        metafunc.parametrize(SUBJECT, [None], ids=["unused"])
        return
    ids = [s.test_id for s in subjects]
    if len({s.requirement.id for s in subjects}) > 1:
        ids = [f"{s.test_id}|{s.requirement.id}" for s in subjects]
    metafunc.parametrize(SUBJECT, subjects, ids=ids)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run = config.stash.get(RUN_KEY, None)
    found: set[str] = set()
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        info = control_info(getattr(item, "function", None))
        if info is None:
            keep.append(item)
            continue
        found.add(info.id)
        callspec = getattr(item, "callspec", None)
        if callspec is None or callspec.params.get(SUBJECT) is None:
            dropped.append(item)
        else:
            item.add_marker(pytest.mark.archproof_control)
            keep.append(item)
    if run is not None:
        unknown = sorted(run.control_ids() - found)
        if unknown:
            raise pytest.UsageError(
                f"{run.spec_path or 'spec'}: unknown control(s) {', '.join(unknown)}"
                " — not defined in any collected check file"
            )
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def _subject(item: pytest.Item) -> Subject | None:
    callspec = getattr(item, "callspec", None)
    value = callspec.params.get(SUBJECT) if callspec is not None else None
    return value if isinstance(value, Subject) else None


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    subject = _subject(pyfuncitem)
    if subject is None:
        return None
    if subject.special == "error":
        raise EvidenceMissing(f"{subject.source}: {subject.note}")
    if subject.special.startswith("absent:"):
        if subject.special == "absent:fail":
            raise Failed(f"{subject.source}: {subject.note}")
        raise Inconclusive(f"{subject.source}: {subject.note}")
    names = pyfuncitem._fixtureinfo.argnames
    pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names})
    return True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    subject = _subject(item)
    run = item.config.stash.get(RUN_KEY, None)
    if subject is None or run is None:
        return report
    if report.when == "call" or (report.when == "setup" and report.failed):
        verdict, message = _verdict_of(call)
        if verdict is Verdict.PASS:
            label = subject.resource.label if subject.resource is not None else subject.test_id
            message = f"{label}: {message}"
        record = run.judge(subject, verdict, message)
        _shape_report(report, item, record.verdict, record.message)
        properties = [("control", record.control), ("requirement", record.requirement),
                      ("verdict", str(record.verdict)), ("resource", record.resource)]  # fmt: skip
        report.user_properties.extend(properties)
        item.user_properties.extend(properties)  # junitxml writes them from the teardown report
    return report


def _verdict_of(call: pytest.CallInfo[None]) -> tuple[Verdict, str]:
    if call.excinfo is None:
        return Verdict.PASS, "as documented"
    value = call.excinfo.value
    if isinstance(value, ControlOutcome):
        return value.verdict, value.message
    return Verdict.ERROR, f"the control could not judge: {type(value).__name__}: {value}"


def _shape_report(report: pytest.TestReport, item: pytest.Item, verdict: Verdict, message: str) -> None:
    if verdict is Verdict.PASS:
        report.outcome = "passed"
        report.longrepr = None
    elif verdict is Verdict.WAIVED:
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"WAIVED: {message}")
    else:
        report.outcome = "failed"
        report.longrepr = f"{verdict.upper()}: {message}"


@pytest.fixture
def subject(_archproof_subject: Subject) -> Subject:
    """The subject the control judges: resource (or whole source), requirement, parameters."""
    return _archproof_subject


@pytest.fixture
def _archproof_subject() -> None:
    return None


@pytest.fixture
def resource(subject: Subject) -> Resource | None:
    return subject.resource


@pytest.fixture
def inventory(subject: Subject) -> Inventory:
    return subject.inventory


@pytest.fixture
def params(subject: Subject) -> dict[str, Any]:
    return dict(subject.params)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    run = config.stash.get(RUN_KEY, None)
    if run is None:
        return
    counts: dict[str, int] = {}
    for record in run.records:
        counts[str(record.verdict)] = counts.get(str(record.verdict), 0) + 1
    shown = ", ".join(f"{counts.get(str(v), 0)} {v}" for v in Verdict)
    terminalreporter.write_sep("=", f"archproof {run.spec.system}: {shown}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    run = config.stash.get(RUN_KEY, None)
    target = config.stash.get(RESULTS_KEY, None)
    if run is None or not target:
        return
    from archproof.results import write_results

    write_results(run, Path(target))
