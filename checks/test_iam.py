"""Least privilege: no IAM policy grants everything; the root user and console users have MFA."""

from __future__ import annotations

from archproof.controls.api import Findings, Subject, control
from archproof.controls.policies import ADMIN_POLICY, policy_document, star_on_star
from archproof.inventory.model import Resource, Unknown, is_unknown

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
        _judge_attachment(subject, resource, findings)
    else:
        document = policy_document(subject, resource)
        if isinstance(document, Unknown):
            findings.unknown("policy", document)
        else:
            verdict = star_on_star(document)
            allowed = verdict if isinstance(verdict, Unknown) else not verdict
            findings.check("policy", "Allow * on *", allowed, "no Allow of * on *")
    findings.close()


def _judge_attachment(subject: Subject, attachment: Resource, findings: Findings) -> None:
    """AdministratorAccess fails; a policy of this source is judged on its own; a customer
    policy neither names nor holds is not judged at all."""
    arn = attachment.get("policy_arn")
    own = subject.inventory.related(attachment, "policy_arn", kinds=("aws_iam_policy",))
    if isinstance(arn, str) and arn.endswith(ADMIN_POLICY):
        findings.fail("policy_arn", arn, "not AdministratorAccess")
    elif own:
        findings.note(f"attaches {own[0].address}, judged on its own")
    elif isinstance(arn, Unknown):
        findings.unknown("policy_arn", arn)
    elif isinstance(arn, str) and ":iam::aws:policy/" not in arn:
        findings.unknown("policy_arn", f"{arn} is not in {subject.source}: nothing judges it")


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
