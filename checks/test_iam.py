"""Least privilege: no IAM policy grants everything; the root user and console users have MFA."""

from __future__ import annotations

from typing import Any

from archproof.controls.api import Findings, Subject, control, glob_any
from archproof.controls.policies import aws_managed_name, broad_grants, parsed, policy_document
from archproof.inventory.model import Resource, Unknown, is_unknown, is_unset

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
EXCLUSIVE_KINDS = tuple(
    f"aws_iam_{p}_policy_attachments_exclusive" for p in ("role", "user", "group")
)
ROLE = "aws_iam_role"
# AWS managed policies as broad as AdministratorAccess (AWS managed policy reference):
# PowerUserAccess allows NotAction iam:*, organizations:*, account:* on *; IAMFullAccess allows
# iam:* on *, enough to grant itself anything; AdministratorAccess-Amplify AWS calls "as
# powerful as the AdministratorAccess policy".
BROAD_MANAGED_POLICIES = [
    "AdministratorAccess",
    "PowerUserAccess",
    "IAMFullAccess",
    "AdministratorAccess-Amplify",
]
NETWORK_KEYS = ["aws:SourceIp", "aws:VpcSourceIp", "aws:SourceVpc", "aws:SourceVpce"]
EVERYTHING = "no grant of every action on every resource"


def holds_policies(subject: Subject, resource: Resource) -> bool:
    """Policies, attachments, and roles that list managed policies or inline policies."""
    if resource.kind != ROLE:
        return True
    return any(
        not is_unset(value) and value not in (None, [])
        for value in (resource.get("managed_policy_arns"), resource.get("inline_policy"))
    )


@control(
    "no-admin-star-policy",
    kinds=(*POLICY_KINDS, *ATTACHMENT_KINDS, *EXCLUSIVE_KINDS, ROLE),
    severity="critical",
    params={
        "broad_managed_policies": BROAD_MANAGED_POLICIES,
        "narrowing_condition_keys": NETWORK_KEYS,
    },
    select=holds_policies,
    frameworks={"CIS-AWS": "1.16"},
)
def test_no_policy_grants_everything(subject: Subject, resource: Resource) -> None:
    """No IAM policy grants every action on every resource.

    A grant of everything is ``Action`` ``*`` (or ``*:*``) or ``NotAction`` (every action but
    those) on ``Resource`` ``*`` (or ``arn:aws:*:*:*:*``) or ``NotResource`` (every resource but
    those). A condition does not narrow it unless it pins the request to fixed values of one
    of ``narrowing_condition_keys`` — by default the network it comes from (``aws:SourceIp``
    no broader than /8, ``aws:VpcSourceIp``, ``aws:SourceVpc``, ``aws:SourceVpce``) with a
    positive, non-``IfExists`` test; ``aws:SecureTransport``, ``aws:RequestedRegion``, MFA or
    time leave everything granted to whoever holds the policy, and principal keys
    (``aws:PrincipalArn`` …) name only the holder an identity policy is attached to anyway.
    An unknown value of such a key is ``inconclusive``. AWS managed policies are judged by
    name: those in ``broad_managed_policies`` (globs, any partition) fail.
    """
    findings = Findings(resource)
    if resource.kind in (*ATTACHMENT_KINDS, *EXCLUSIVE_KINDS):
        attribute = "policy_arns" if resource.kind in EXCLUSIVE_KINDS else "policy_arn"
        _judge_arns(subject, resource, attribute, findings)
    elif resource.kind == ROLE:
        _judge_role(subject, resource, findings)
    else:
        _judge_document(subject, policy_document(subject, resource), "policy", findings)
    findings.close()


def _judge_document(subject: Subject, document: Any, what: str, findings: Findings) -> None:
    if isinstance(document, Unknown):
        findings.unknown(what, document)
        return
    breadth = broad_grants(document, subject.params["narrowing_condition_keys"])
    for grant in breadth.found:
        findings.fail(what, grant, EVERYTHING)
    if not breadth.found and breadth.undecided is not None:
        findings.unknown(what, breadth.undecided)
    for grant in breadth.narrowed:
        findings.note(f"{what} {grant}")


def _judge_role(subject: Subject, role: Resource, findings: Findings) -> None:
    """A role's own ``managed_policy_arns`` and ``inline_policy`` blocks."""
    if not is_unset(role.get("managed_policy_arns")):
        _judge_arns(subject, role, "managed_policy_arns", findings)
    blocks = role.get("inline_policy")
    if is_unset(blocks) or blocks is None:
        return
    if not isinstance(blocks, list):
        findings.unknown("inline_policy", blocks if isinstance(blocks, Unknown) else "no blocks")
        return
    for block in blocks:
        text = block.get("policy") if isinstance(block, dict) else None
        what = f"inline_policy {block.get('name') if isinstance(block, dict) else ''}".strip()
        document = parsed(text) if isinstance(text, str) else text
        if document not in (None, ""):
            _judge_document(subject, document, what, findings)


def _judge_arns(subject: Subject, holder: Resource, attribute: str, findings: Findings) -> None:
    """Broad AWS managed policies fail; a policy of this source is judged on its own; a
    customer policy neither names nor holds is not judged at all."""
    value = holder.get(attribute)
    own = subject.inventory.related(holder, attribute, kinds=("aws_iam_policy",))
    broad = list(subject.params["broad_managed_policies"])
    for arn in value if isinstance(value, list) else [value]:
        name = aws_managed_name(arn) if isinstance(arn, str) else None
        if name is not None:
            if glob_any(broad, name, name.rsplit("/", 1)[-1]):
                findings.fail(attribute, arn, f"no AWS managed policy as broad as {broad}")
        elif isinstance(arn, str) and subject.inventory.by_id(arn):
            findings.note(f"attaches {arn}, judged on its own")
        elif own:
            findings.note(f"attaches {own[0].address}, judged on its own")
        elif isinstance(arn, Unknown):
            findings.unknown(attribute, arn)
        elif isinstance(arn, str):
            findings.unknown(attribute, f"{arn} is not in {subject.source}: nothing judges it")


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
