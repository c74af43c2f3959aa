"""Access: admin ports only via the bastion, databases only from the app tier, least privilege."""

from __future__ import annotations

import json
from typing import Any

from archproof.controls.api import Findings, Subject, control
from archproof.controls.facts import ANYWHERE, admits_only, cidr_within, group_in_roles
from archproof.inventory.access import SG_KINDS, ingress_rules, security_groups_of
from archproof.inventory.model import Resource, Unknown, is_unknown

RULE_KINDS = ("aws_security_group_rule", "aws_vpc_security_group_ingress_rule")
ADMIN = {"admin_ports": [22, 3389], "bastion_role": "bastion"}


def _not_bastion(subject: Subject, resource: Resource) -> bool:
    return not group_in_roles(subject, resource, [subject.params["bastion_role"]])


def _bastion(subject: Subject, resource: Resource) -> bool:
    return group_in_roles(subject, resource, [subject.params["bastion_role"]])


def _covers_admin(rule: Any, ports: list[int]) -> bool | Unknown:
    results = [rule.covers(p) for p in ports]
    if any(r is True for r in results):
        return True
    unknown = [r for r in results if isinstance(r, Unknown)]
    return unknown[0] if unknown else False


@control(
    "ssh-only-from-bastion",
    kinds=SG_KINDS,
    needs=RULE_KINDS,
    severity="critical",
    params=ADMIN,
    select=_not_bastion,
    frameworks={"CIS-AWS": "5.2"},
)
def test_admin_ports_open_only_to_the_bastion(subject: Subject, resource: Resource) -> None:
    """SSH and RDP reach workloads only from the bastion's security group."""
    findings = Findings(resource)
    bastion = [subject.params["bastion_role"]]
    for rule in ingress_rules(subject.inventory, resource):
        covered = _covers_admin(rule, subject.params["admin_ports"])
        if isinstance(covered, Unknown):
            findings.unknown("ingress rule", covered)
            continue
        if not covered:
            continue
        for cidr in rule.cidrs:
            findings.fail(f"ingress {rule.ports} from", cidr, "the bastion security group only")
        for source in rule.sources:
            if not group_in_roles(subject, source, bastion):
                findings.fail(
                    f"ingress {rule.ports} from", source.address, "the bastion security group only"
                )
        if rule.unresolved is not None and not admits_only(subject, rule.candidates, bastion):
            findings.unknown(f"ingress {rule.ports} source", rule.unresolved)
    findings.close()


@control(
    "bastion-ingress-allow-list",
    kinds=SG_KINDS,
    needs=RULE_KINDS,
    severity="critical",
    params={**ADMIN, "bastion_allowed_cidrs": []},
    select=_bastion,
)
def test_bastion_admits_only_the_allow_list(subject: Subject, resource: Resource) -> None:
    """The bastion accepts only admin connections, and only from the documented allow-list."""
    findings = Findings(resource)
    allowed = list(subject.params["bastion_allowed_cidrs"])
    for rule in ingress_rules(subject.inventory, resource):
        covered = _covers_admin(rule, subject.params["admin_ports"])
        if isinstance(covered, Unknown):
            findings.unknown("ingress rule", covered)
            continue
        if not covered or str(rule.protocol) in ("-1", "all"):
            findings.fail(
                "ingress", rule.ports, f"admin ports {subject.params['admin_ports']} only"
            )
            continue
        for cidr in rule.cidrs:
            if cidr in ANYWHERE or not cidr_within(cidr, allowed):
                findings.fail(f"ingress {rule.ports} from", cidr, f"within {allowed}")
        if rule.sources or rule.candidates:
            findings.fail(
                f"ingress {rule.ports} from",
                [s.address for s in (*rule.sources, *rule.candidates)],
                f"address allow-list {allowed}",
            )
        elif rule.unresolved is not None:
            findings.unknown(f"ingress {rule.ports} source", rule.unresolved)
    findings.close()


DATABASES = ("aws_db_instance", "aws_rds_cluster", "aws_elasticache_replication_group")


@control(
    "database-reachable-only-from-app",
    kinds=DATABASES,
    needs=(*SG_KINDS, *RULE_KINDS),
    severity="critical",
    params={"database_client_roles": ["app"], "database_allowed_cidrs": []},
    select=lambda s, r: r.kind != "aws_db_instance" or r.get("cluster_identifier") in (None, ""),
)
def test_database_admits_only_its_clients(subject: Subject, resource: Resource) -> None:
    """Databases and caches accept connections only from the documented client tiers."""
    inv = subject.inventory
    findings = Findings(resource)
    roles = list(subject.params["database_client_roles"])
    allowed = list(subject.params["database_allowed_cidrs"])
    groups, gap = security_groups_of(inv, resource)
    if gap is not None:
        findings.unknown("security groups", gap)
    if not groups and gap is None:
        findings.fail("security groups", [], "a group admitting only " + ", ".join(roles))
    for group in groups:
        for rule in ingress_rules(inv, group):
            for cidr in rule.cidrs:
                if not cidr_within(cidr, allowed):
                    findings.fail(
                        f"{group.address} ingress {rule.ports} from", cidr, f"only roles {roles}"
                    )
            for source in rule.sources:
                if not group_in_roles(subject, source, roles):
                    findings.fail(
                        f"{group.address} ingress {rule.ports} from",
                        source.address,
                        f"only roles {roles}",
                    )
            if rule.unresolved is not None and not admits_only(subject, rule.candidates, roles):
                findings.unknown(f"{group.address} ingress source", rule.unresolved)
    findings.close()


POLICY_KINDS = (
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
)
ATTACHMENT_KINDS = (
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
)
ADMIN_POLICY_ARNS = ("arn:aws:iam::aws:policy/AdministratorAccess",)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def star_on_star(document: Any) -> bool | Unknown:
    """Does a policy document allow every action on every resource? Unknown actions or
    resources of an allow statement leave it undecided."""
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    undecided: Unknown | None = None
    for statement in _as_list(statements):
        if not isinstance(statement, dict):
            continue
        effect = statement.get("Effect")
        if isinstance(effect, Unknown):
            undecided = effect
            continue
        if effect != "Allow" or "Condition" in statement:
            continue
        actions = _as_list(statement.get("Action", []))
        resources = _as_list(statement.get("Resource", []))
        if any(isinstance(a, Unknown) for a in actions):
            undecided = Unknown("an allowed action is known only after apply")
        elif "*" in actions and "*" in resources:
            return True
        elif "*" in actions and any(isinstance(r, Unknown) for r in resources):
            undecided = Unknown("the resources of an Allow * are known only after apply")
    return undecided if undecided is not None else False


def _policy_document(subject: Subject, resource: Resource) -> Any:
    """The policy as a document: its JSON, or the statements of the policy document data
    source it is rendered from (known before its JSON is, which waits on resource ARNs)."""
    text = resource.get("policy")
    if isinstance(text, str):
        return _parsed(text)
    for source in subject.inventory.related(resource, "policy", kinds=(POLICY_DOCUMENT,)):
        rendered = source.get("json")
        if isinstance(rendered, str):
            return _parsed(rendered)
        statements = source.get("statement")
        if isinstance(statements, list):
            return {"Statement": [_statement_of(s) for s in statements if isinstance(s, dict)]}
    return text if isinstance(text, Unknown) else Unknown("the policy document is not recorded")


POLICY_DOCUMENT = "data.aws_iam_policy_document"


def _parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return Unknown("not valid JSON")


def _statement_of(block: dict[str, Any]) -> dict[str, Any]:
    """A ``statement`` block of aws_iam_policy_document in IAM JSON terms."""
    effect = block.get("effect")
    statement: dict[str, Any] = {"Effect": "Allow" if effect in (None, "") else effect}
    for ours, theirs in (("actions", "Action"), ("resources", "Resource")):
        value = block.get(ours)
        if value not in (None, []):
            statement[theirs] = value
    if block.get("condition") not in (None, []):
        statement["Condition"] = block["condition"]
    return statement


@control(
    "no-admin-star-policy",
    kinds=(*POLICY_KINDS, *ATTACHMENT_KINDS),
    severity="critical",
    frameworks={"CIS-AWS": "1.16"},
)
def test_no_policy_grants_everything(subject: Subject, resource: Resource) -> None:
    """No IAM policy grants every action on every resource."""
    findings = Findings(resource)
    if resource.kind in ATTACHMENT_KINDS:
        arn = resource.get("policy_arn")
        own = subject.inventory.related(resource, "policy_arn", kinds=("aws_iam_policy",))
        if isinstance(arn, Unknown) and own:
            findings.note(f"attaches {own[0].address}, judged on its own")
        else:
            findings.check(
                "policy_arn", arn, arn not in ADMIN_POLICY_ARNS, "not AdministratorAccess"
            )
        findings.close()
        return
    document = _policy_document(subject, resource)
    if isinstance(document, Unknown):
        findings.unknown("policy", document)
    else:
        verdict = star_on_star(document)
        findings.check("policy", "Allow * on *", _negate(verdict), "no Allow of * on *")
    findings.close()


def _negate(value: bool | Unknown) -> bool | Unknown:
    return value if isinstance(value, Unknown) else not value


@control(
    "root-account-mfa",
    kinds=("aws_iam_account_summary",),
    sources=("live",),
    severity="critical",
    frameworks={"CIS-AWS": "1.5"},
)
def test_root_account_has_mfa(resource: Resource) -> None:
    """The account's root user signs in with MFA."""
    findings = Findings(resource)
    value = resource.get("account_mfa_enabled")
    findings.check("account_mfa_enabled", value, value is True, "true")
    findings.close()


@control(
    "console-users-mfa",
    kinds=("aws_iam_user",),
    sources=("live",),
    severity="high",
    frameworks={"CIS-AWS": "1.10"},
)
def test_console_users_have_mfa(resource: Resource) -> None:
    """IAM users who can sign in to the console have an MFA device."""
    findings = Findings(resource)
    password = resource.get("password_enabled")
    devices = resource.get("mfa_devices")
    if is_unknown(password) or is_unknown(devices):
        findings.unknown("console access or MFA", password if is_unknown(password) else devices)
    elif password is True:
        findings.check("mfa_devices", devices or [], bool(devices), "at least one MFA device")
    findings.close()
