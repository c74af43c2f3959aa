"""Judging controls in this process, without pytest's collection: for sweeps over many
inventories (every attribute unknown in turn), where one pytest session each would cost
minutes. The verdict logic is the plugin's own (``archproof.plugin.judge_subject``)."""

from __future__ import annotations

from collections.abc import Iterable

from archproof.controls.api import ControlInfo
from archproof.controls.catalogue import checks_dirs, discover
from archproof.inventory.model import Inventory
from archproof.plugin import judge_subject
from archproof.run import Run
from archproof.spec.model import Spec
from archproof.verdict import Verdict

CATALOGUE: dict[str, ControlInfo] = discover(checks_dirs())


def every_control_spec(controls: Iterable[str] = ()) -> Spec:
    """A spec naming every control once (default parameters), with roles that match."""
    chosen = sorted(controls) or sorted(CATALOGUE)
    return Spec.model_validate(
        {
            "system": "sweep",
            "cloud": "aws",
            "document": "every control",
            "roles": {
                "bastion": {"name": "*bastion*"},
                "app": {"name": "*app*"},
                "prod_vpc": {"kinds": ["aws_vpc"], "name": "*prod*"},
                "nonprod_vpc": {"kinds": ["aws_vpc"], "name": "*dev*"},
            },
            "requirements": [
                {
                    "id": f"R{position}",
                    "claim": control,
                    "source": {"system": "sweep", "section": control},
                    "controls": [control],
                }
                for position, control in enumerate(chosen)
            ],
        }
    )


def judge_all(spec: Spec, inventories: list[Inventory]) -> list[tuple[str, str, Verdict, str]]:
    """(control, subject, verdict, message) for every subject of every control in ``spec``."""
    return [(c, s, v, m) for _, c, s, v, m in judge_requirements(spec, inventories)]


def judge_requirements(
    spec: Spec, inventories: list[Inventory]
) -> list[tuple[str, str, str, Verdict, str]]:
    """(requirement, control, subject, verdict, message) for every subject in ``spec``."""
    run = Run(spec=spec, environment=spec.pick_environment(None), inventories=inventories)
    found = []
    for control_id in sorted(run.control_ids()):
        info = CATALOGUE[control_id]
        for subject in run.subjects_for(info):
            verdict, message = judge_subject(info, subject)
            found.append((subject.requirement.id, control_id, subject.test_id, verdict, message))
    return found
