"""The pytest plugin: runs every control in ``checks/`` once per subject and records verdicts."""

from __future__ import annotations

import inspect
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from archproof.controls.api import ControlInfo, Subject, control_info
from archproof.errors import ArchproofError
from archproof.run import Run
from archproof.verdict import ControlOutcome, EvidenceMissing, Failed, Inconclusive, Verdict

RUN_KEY = pytest.StashKey[Run]()
RESULTS_KEY = pytest.StashKey[str]()
PLAIN_KEY = pytest.StashKey[bool]()
"""Set when the run comes from pytest's own command line (``pytest checks --spec …``)."""


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
    group.addoption(
        "--tf-dir", action="append", default=[], help="configuration of each --plan (locals)"
    )
    group.addoption("--aws", action="store_true", help="collect the live AWS account")
    group.addoption("--aws-region", action="append", default=[], help="region (repeatable)")
    group.addoption("--aws-profile", help="AWS profile")
    group.addoption("--aws-role-arn", help="role to assume for reading")
    group.addoption("--aws-service", action="append", default=[], help="limit live services")
    group.addoption("--manifests", action="append", default=[], help="Kubernetes manifests")
    group.addoption("--k8s", action="store_true", help="collect a live Kubernetes cluster")
    group.addoption("--kubeconfig", help="kubeconfig file")
    group.addoption("--k8s-context", help="kubeconfig context")
    group.addoption("--azure", action="store_true", help="collect live Azure")
    group.addoption("--azure-subscription", action="append", default=[], help="subscription")
    group.addoption("--env", help="spec environment (default: the spec's first)")
    group.addoption("--control", action="append", default=[], help="only these controls (glob)")
    group.addoption("--requirement", action="append", default=[], help="only these requirements")
    group.addoption("--archproof-results", help="write results JSON here")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "archproof_subject(subject): what an archproof control judges"
    )
    results = config.getoption("--archproof-results", default=None)
    if results:
        config.stash[RESULTS_KEY] = str(results)
    if RUN_KEY in config.stash or not config.getoption("--spec", default=None):
        return
    from archproof.session import SourceRequest, prepare_run

    request = SourceRequest(
        plans=tuple(config.getoption("--plan")),
        tf_dirs=tuple(config.getoption("--tf-dir")),
        aws=bool(config.getoption("--aws")),
        aws_regions=tuple(config.getoption("--aws-region")),
        aws_profile=config.getoption("--aws-profile"),
        aws_role_arn=config.getoption("--aws-role-arn"),
        aws_services=tuple(config.getoption("--aws-service")),
        manifests=tuple(config.getoption("--manifests")),
        k8s=bool(config.getoption("--k8s")),
        kubeconfig=config.getoption("--kubeconfig"),
        k8s_context=config.getoption("--k8s-context"),
        azure=bool(config.getoption("--azure")),
        azure_subscriptions=tuple(config.getoption("--azure-subscription")),
    )
    config.stash[PLAIN_KEY] = True
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


SUBJECT_ARGS: dict[str, Any] = {
    "subject": lambda s: s,
    "resource": lambda s: s.resource,
    "inventory": lambda s: s.inventory,
    "params": lambda s: dict(s.params),
    "spec": lambda s: s.spec,
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per subject (ids ``source:address``); a control with more subjects than the
    run's ``group_above`` gets one test per requirement and source that judges them all."""
    info = control_info(metafunc.function)
    if info is None:
        return
    names = [n for n in metafunc.fixturenames if n in SUBJECT_ARGS]
    if not names:
        raise pytest.UsageError(f"control {info.id}: takes none of {sorted(SUBJECT_ARGS)}")
    run = metafunc.config.stash.get(RUN_KEY, None)
    subjects = run.subjects_for(info) if run is not None else []
    if not subjects:
        metafunc.parametrize(names, [pytest.param(*([None] * len(names)), id="unused")])
        return
    several = len({s.requirement.id for s in subjects}) > 1
    groups: list[tuple[str, list[Subject]]]
    if run is not None and 0 <= run.group_above < len(subjects):
        grouped: dict[str, list[Subject]] = {}
        for s in subjects:
            grouped.setdefault(f"{s.source}:*|{s.requirement.id}", []).append(s)
        groups = list(grouped.items())
    else:
        groups = [
            (f"{s.test_id}|{s.requirement.id}" if several else s.test_id, [s]) for s in subjects
        ]
    metafunc.parametrize(
        names,
        [
            pytest.param(
                *(SUBJECT_ARGS[n](members[0]) for n in names),
                id=test_id,
                marks=pytest.mark.archproof_subject(*members),
            )
            for test_id, members in groups
        ],
    )


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
        if _subject(item) is None:
            dropped.append(item)
        else:
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


def _subjects(item: pytest.Item) -> list[Subject]:
    mark = item.get_closest_marker("archproof_subject")
    return [s for s in mark.args if isinstance(s, Subject)] if mark is not None else []


def _subject(item: pytest.Item) -> Subject | None:
    found = _subjects(item)
    return found[0] if found else None


JUDGED_KEY = pytest.StashKey[list[tuple[Subject, Verdict, str]]]()


def judge_subject(info: ControlInfo, subject: Subject) -> tuple[Verdict, str]:
    """The verdict of one subject: what the control's outcome says; a crash is an ``error``."""
    try:
        if subject.special == "error":
            raise EvidenceMissing(f"{subject.source}: {subject.note}")
        if subject.special.startswith("absent:"):
            if subject.special == "absent:fail":
                raise Failed(f"{subject.source}: {subject.note}")
            raise Inconclusive(f"{subject.source}: {subject.note}")
        names = [n for n in inspect.signature(info.function).parameters if n in SUBJECT_ARGS]
        info.function(**{name: SUBJECT_ARGS[name](subject) for name in names})
    except ControlOutcome as outcome:
        return outcome.verdict, outcome.message
    except AssertionError as exc:
        if _raised_in(exc, info):  # a control written as a plain test: a failed assert fails
            lines = str(exc).strip().splitlines()
            return Verdict.FAIL, f"{subject.test_id}: {lines[0] if lines else 'assertion failed'}"
        return Verdict.ERROR, f"{subject.test_id}: the control could not judge: {exc!r}"
    except Exception as exc:  # a control that crashes could not judge: error, never pass
        return (
            Verdict.ERROR,
            f"{subject.test_id}: the control could not judge: {type(exc).__name__}: {exc}",
        )
    label = subject.resource.label if subject.resource is not None else subject.test_id
    return Verdict.PASS, f"{label}: as documented"


def _raised_in(exc: BaseException, info: ControlInfo) -> bool:
    """Whether ``exc`` was raised in the control's own file (not in a helper it called)."""
    trace = exc.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    if trace is None:
        return False
    try:
        return Path(trace.tb_frame.f_code.co_filename) == Path(inspect.getfile(info.function))
    except (TypeError, OSError):
        return False


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Judge the item's subjects; verdicts are kept on the item, so pytest formats no traceback."""
    subjects = _subjects(pyfuncitem)
    if not subjects:
        return None
    pyfuncitem.stash[JUDGED_KEY] = [(s, *judge_subject(s.control, s)) for s in subjects]
    return True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    run = item.config.stash.get(RUN_KEY, None)
    subjects = _subjects(item)
    if not subjects or run is None:
        return report
    if report.when == "call" or (report.when == "setup" and report.failed):
        judged = item.stash.get(JUDGED_KEY, None)
        if judged is None:  # setup failed before the control ran
            judged = [(s, *_setup_failure(call)) for s in subjects]
        records = [run.judge(subject, verdict, message) for subject, verdict, message in judged]
        worst_first = sorted(records, key=lambda r: _RANK[r.verdict])
        shown = [r.message for r in worst_first if not r.verdict.compliant] or [
            worst_first[0].message
        ]
        _shape_report(report, item, worst_first[0].verdict, "\n".join(shown))
        first = records[0]
        properties = [
            ("control", first.control),
            ("requirement", first.requirement),
            ("verdict", str(worst_first[0].verdict)),
            ("resource", first.resource if len(records) == 1 else f"{len(records)} resources"),
        ]
        report.user_properties.extend(properties)
        item.user_properties.extend(properties)  # junitxml writes them from the teardown report
    return report


_RANK = {
    v: i
    for i, v in enumerate(
        [Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE, Verdict.WAIVED, Verdict.PASS]
    )
}


def _setup_failure(call: pytest.CallInfo[None]) -> tuple[Verdict, str]:
    value = call.excinfo.value if call.excinfo is not None else None
    return Verdict.ERROR, f"the control could not be set up: {type(value).__name__}: {value}"


def _shape_report(
    report: pytest.TestReport, item: pytest.Item, verdict: Verdict, message: str
) -> None:
    if verdict is Verdict.PASS:
        report.outcome = "passed"
        report.longrepr = None
    elif verdict is Verdict.WAIVED:
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"WAIVED: {message}")
    else:
        report.outcome = "failed"
        report.longrepr = f"{verdict.upper()}: {message}"


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
    """Write the results when asked; under plain pytest, a run whose requirements are not all
    proven (``unproven``, or evidence missing) does not exit 0 even if every test passed."""
    config = session.config
    run = config.stash.get(RUN_KEY, None)
    if run is None:
        return
    from archproof.results import build_results, write_results

    target = config.stash.get(RESULTS_KEY, None)
    if target:
        data = write_results(run, Path(target))
    elif config.stash.get(PLAIN_KEY, False):
        data = build_results(run)
    else:
        return
    if config.stash.get(PLAIN_KEY, False) and data["exit_code"] and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            coverage = data["coverage"]
            reporter.write_line(
                f"archproof: not compliant as a whole (exit {data['exit_code']} as archproof"
                f" check): unproven {coverage['unproven']}, statuses {coverage['statuses']}"
            )
