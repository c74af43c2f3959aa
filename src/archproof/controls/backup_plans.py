"""AWS Backup plans as proof that data is backed up: a plan counts for a data store only when
one of its selections takes the store and one of its rules takes scheduled backups and keeps
them for the documented days. Every database and storage volume must be so taken."""

from __future__ import annotations

from dataclasses import dataclass

from archproof.controls.api import Findings, Subject
from archproof.controls.backup_selection import Answer, all_of, any_of, could_take_kind, takes
from archproof.controls.facts import not_collected
from archproof.inventory.model import (
    Inventory,
    Resource,
    Unknown,
    first_block,
    is_unknown,
    is_unset,
)
from archproof.verdict import EvidenceMissing, Failed

SELECTION = "aws_backup_selection"
ASG_TAG = "aws:autoscaling:groupName"
_SERVICES = {  # store kinds a live source reads, by the service it reads them from
    "aws_db_instance": "rds",
    "aws_rds_cluster": "rds",
    "aws_dynamodb_table": "dynamodb",
    "aws_ebs_volume": "ec2",
}


@dataclass(frozen=True, slots=True)
class PlanKeeps:
    """Does a plan take scheduled backups and keep them long enough (``keeps``), and why."""

    plan: Resource
    keeps: Answer
    detail: str


def judge_plan(plan: Resource, days: int) -> PlanKeeps:
    rules = plan.get("rule")
    if isinstance(rules, Unknown):
        return PlanKeeps(plan, rules, f"{plan.label}: rules known only after apply")
    problems: list[str] = []
    undecided: list[str] = []
    for rule in rules if isinstance(rules, list) else []:
        if not isinstance(rule, dict):
            continue
        lifecycle = first_block(rule.get("lifecycle"))
        keep = lifecycle if isinstance(lifecycle, Unknown) else lifecycle.get("delete_after")
        schedule = rule.get("schedule")
        name = f"{plan.label} rule {rule.get('rule_name')}"
        if is_unknown(keep) or isinstance(schedule, Unknown):
            undecided.append(f"{name}: schedule or lifecycle known only after apply")
        elif schedule and (keep in (None, 0) or (isinstance(keep, int) and keep >= days)):
            return PlanKeeps(plan, True, f"{name}: delete_after={keep}")
        else:
            problems.append(f"{name}: delete_after={keep}" + ("" if schedule else ", no schedule"))
    if undecided:
        return PlanKeeps(plan, Unknown("; ".join(undecided)), "; ".join(undecided + problems))
    return PlanKeeps(plan, False, "; ".join(problems) or f"{plan.label}: no rules")


def selections_of(inv: Inventory, plan: Resource) -> list[tuple[Resource, Answer]]:
    """The plan's selections: certainly its own (``True``) or possibly (``Unknown``)."""
    found: list[tuple[Resource, Answer]] = [
        (s, True) for s in inv.referring(plan, SELECTION, "plan_id")
    ]
    for selection in inv.maybe_referring(plan, SELECTION, "plan_id"):
        found.append((selection, Unknown(f"{selection.label} may be a selection of it")))
    for selection in _unplaced(inv):
        found.append((selection, Unknown(f"{selection.label} names no plan of this source")))
    return found


def _unplaced(inv: Inventory) -> list[Resource]:
    """Selections whose plan is known only after apply, through no plan here (a lookup)."""
    found = inv.memo.get("backup-selections-unplaced")
    if found is None:
        found = []
        for selection in inv.of_kind(SELECTION):
            relation = inv.relation(selection, "plan_id", ("aws_backup_plan",))
            if relation.targets or relation.candidates:
                continue
            if is_unknown(selection.get("plan_id")):
                found.append(selection)
        inv.memo["backup-selections-unplaced"] = found
    return list(found)


def selection_gap(inv: Inventory) -> Unknown | None:
    """Why the selections are not all known (a live source could not list them), if so."""
    errors = inv.errors_for([SELECTION])
    if not errors:
        return None
    return Unknown(f"the backup selections could not be read ({errors[0].message})")


def plan_takes(inv: Inventory, plan: Resource, store: Resource, gap: Unknown | None) -> Answer:
    """Does a selection of the plan take the store?"""
    answers = [all_of([mine, takes(inv, s, store)]) for s, mine in selections_of(inv, plan)]
    return any_of([*answers, *([gap] if gap is not None else [])])


def _standalone_database(db: Resource) -> bool:
    """Cluster members are backed up with their cluster; read replicas are not backed up."""
    return all(
        db.get(name) in (None, "") or is_unset(db.get(name))
        for name in ("cluster_identifier", "replicate_source_db")
    )


def _instance_volume(inv: Inventory, volume: Resource) -> bool:
    """A disk of an instance, not a data store: its root volume, one deleted with it, or any
    volume of an auto-scaling instance (a live source lists these; a plan does not)."""
    attachments = volume.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else []:
        ident = attachment.get("instance_id") if isinstance(attachment, dict) else None
        for instance in inv.by_id(ident) if isinstance(ident, str) else []:
            if instance.tags.get(ASG_TAG):
                return True
            for block in ("root_block_device", "ebs_block_device"):
                devices = instance.get(block)
                for device in devices if isinstance(devices, list) else []:
                    if not isinstance(device, dict) or device.get("volume_id") != volume.get("id"):
                        continue
                    if block == "root_block_device" or device.get("delete_on_termination"):
                        return True
    return False


def data_stores(inv: Inventory, kinds: tuple[str, ...]) -> list[Resource]:
    """Databases and storage volumes of ``kinds`` that backups must take."""
    return [
        r
        for r in inv.of_kind(*kinds)
        if (r.kind != "aws_db_instance" or _standalone_database(r))
        and (r.kind != "aws_ebs_volume" or not _instance_volume(inv, r))
    ]


def _judge_store(
    inv: Inventory,
    store: Resource,
    judged: list[PlanKeeps],
    gap: Unknown | None,
    findings: Findings,
    days: int,
) -> None:
    outcomes = [(j, plan_takes(inv, j.plan, store, gap)) for j in judged]
    for j, taken in outcomes:
        if taken is True and j.keeps is True:
            findings.note(f"{store.label} is taken by {j.plan.label}")
            return
    open_ = [all_of([taken, j.keeps]) for j, taken in outcomes if taken is not False]
    unknown = next((a for a in open_ if isinstance(a, Unknown)), None)
    if unknown is not None:
        findings.unknown(f"{store.label} ({store.kind}) backup", unknown)
        return
    short = [f"{j.plan.label} ({j.detail})" for j, taken in outcomes if taken is True]
    seen = f"taken only by {'; '.join(short)}" if short else "taken by no backup selection"
    findings.note_failure(
        f"{store.label} ({store.kind}): {seen}, required a selection of a plan keeping"
        f" scheduled backups ≥ {days} days"
    )


def _judge_without_stores(
    subject: Subject, judged: list[PlanKeeps], gap: Unknown | None, findings: Findings
) -> None:
    """No data store here to try: a kept plan must at least select such stores."""
    kinds = tuple(subject.params["backup_kinds"])
    answers: list[Answer] = [gap] if gap is not None else []
    for j in judged:
        for selection, mine in selections_of(subject.inventory, j.plan):
            if could_take_kind(selection, kinds):
                answer = all_of([mine, j.keeps])
                if answer is True:
                    listed = ", ".join(kinds)
                    findings.note(f"no {listed} here; {selection.label} would take them")
                    return
                answers.append(answer)
    found = any_of(answers)
    if isinstance(found, Unknown):
        findings.unknown("backup selections", found)
    else:
        findings.fail("backup selections", None, f"a selection of {', '.join(kinds)}")


def judge_backup_plans(subject: Subject) -> None:
    """The verdict of ``backup-plan-present`` on one source."""
    inv = subject.inventory
    days = int(subject.params["backup_retention_days"])
    kinds = tuple(str(k) for k in subject.params["backup_kinds"])
    plans = inv.of_kind("aws_backup_plan")
    if not plans:
        raise Failed(
            f"{subject.test_id}: aws_backup_plan=none, required a plan with a scheduled rule"
        )
    judged = [judge_plan(plan, days) for plan in plans]
    kept = [j for j in judged if j.keeps is not False]
    if not kept:
        raise Failed(
            f"{subject.test_id}: {'; '.join(j.detail for j in judged)}, required a scheduled"
            f" rule keeping backups ≥ {days} days"
        )
    # A real account that did not list its selections is evidence missing; moto's gap is named.
    failed = [e for e in inv.errors_for([SELECTION]) if not e.message.startswith("moto gap")]
    if failed:
        raise EvidenceMissing(f"{subject.test_id}: {failed[0].describe()}")
    gap = selection_gap(inv)
    findings = Findings(None, subject.test_id)
    for service in sorted({_SERVICES[k] for k in kinds if k in _SERVICES}):
        unread = not_collected(subject, service)
        if unread is not None:
            findings.unknown("data stores", unread)
    stores = [s for s in data_stores(inv, kinds) if subject.in_scope(s)]  # the system's
    for store in stores:
        _judge_store(inv, store, judged, gap, findings, days)
    if not stores:
        _judge_without_stores(subject, kept, gap, findings)
    findings.close()
