"""Public exposure of storage: S3 buckets block public access; CDN buckets only via CloudFront."""

from __future__ import annotations

import re
from typing import Any

from archproof.controls.api import Findings, Subject, control
from archproof.controls.bucket_policy import exposure
from archproof.controls.facts import is_set, not_collected
from archproof.controls.policies import policy_document
from archproof.inventory.defaults import S3_PUBLIC_ACCESS_BLOCK
from archproof.inventory.model import Resource, Unknown, is_unknown

DISTRIBUTIONS = ("aws_cloudfront_distribution",)
BLOCK_FLAGS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)
PUBLIC_CANNED_ACLS = ("public-read", "public-read-write", "authenticated-read")
PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)
_S3_DOMAIN = re.compile(
    r"^(?P<bucket>.+?)\.s3(?P<website>-website)?(?:[.-](?:dualstack\.)?[a-z0-9-]+)?"
    r"\.amazonaws\.com(?:\.cn)?$"
)


def _flag(values: list[Any]) -> Any:
    """The effective value of one public access block flag: on when any block turns it on."""
    if True in values:
        return True
    unknown = next((v for v in values if isinstance(v, Unknown)), None)
    if unknown is not None:
        return unknown
    return values[0] if values else None


def public_access_flags(subject: Subject, bucket: Resource) -> tuple[dict[str, Any], str | None]:
    """Each flag as it applies to the bucket: on at bucket or account level, else the value seen;
    and the service default that decided them (a bucket the plan creates with no block)."""
    inv = subject.inventory
    kind = "aws_s3_bucket_public_access_block"
    blocks = inv.referring(bucket, kind, "bucket")
    account = inv.of_kind("aws_s3_account_public_access_block")
    unreadable = [
        Unknown(f"the {kind} could not be read")
        for kind in ("aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block")
        if inv.errors_for([kind])
    ]
    unreadable += [
        Unknown(f"{block.address} may be this bucket's block")
        for block in inv.maybe_referring(bucket, kind, "bucket")
    ]
    if not blocks and not account and not unreadable and bucket.created:
        default = S3_PUBLIC_ACCESS_BLOCK
        return {flag: default.value for flag in BLOCK_FLAGS}, default.decided_by
    flags = {
        flag: _flag([*(b.get(flag) for b in (*blocks, *account)), *unreadable])
        for flag in BLOCK_FLAGS
    }
    return flags, None


def _judge_policies(subject: Subject, bucket: Resource, findings: Findings, blocked: bool) -> None:
    """Statements that let anyone in fail (``bucket_policy``: S3's own reading of a public
    policy); a policy not known yet matters only when the public access block does not already
    refuse public policies (``blocked``). Before apply, a policy rendered from a policy
    document is judged on the document's statements."""
    holders = [("policy", bucket)]
    for policy in subject.inventory.referring(bucket, "aws_s3_bucket_policy", "bucket"):
        holders.append((f"{policy.address} policy", policy))
    for what, holder in holders:
        text = holder.get("policy")
        if text in (None, ""):
            continue
        document = policy_document(subject, holder)
        if isinstance(text, str) and not isinstance(document, dict):
            findings.unknown(what, "not a JSON policy document")
            continue
        if not isinstance(document, dict):
            if not blocked:
                findings.unknown(what, document if isinstance(document, Unknown) else str(text))
            continue
        found = exposure(document)
        if found.public:
            conditions = "; ".join(f"{label} {how}" for label, how in found.public if how)
            findings.fail(
                f"{what} statements {', '.join(label for label, _ in found.public)}",
                "Allow to Principal *" + (f" ({conditions})" if conditions else ""),
                "no statement allowing everyone unless a condition pins it to fixed sources"
                " or principals (S3's test of a public policy)",
            )
        elif found.undecided is not None and not blocked:
            findings.unknown(what, found.undecided)
        for label in found.refused:
            findings.note(f"{what} statement {label} is open, but a deny refuses the rest")


def _judge_acls(subject: Subject, bucket: Resource, findings: Findings) -> None:
    acls: list[tuple[str, Any, Any]] = [("acl", bucket.get("acl"), None)]
    for item in subject.inventory.referring(bucket, "aws_s3_bucket_acl", "bucket"):
        acls.append((f"{item.address}", item.get("acl"), item.get("access_control_policy")))
    for what, canned, policy in acls:
        if is_unknown(canned) or is_unknown(policy):
            findings.unknown(f"{what} acl", "known only after apply")
            continue
        if canned in PUBLIC_CANNED_ACLS:
            findings.fail(f"{what} acl", canned, "no grant to everyone (or ignore_public_acls)")
        grants = (policy[0].get("grant") or []) if isinstance(policy, list) and policy else []
        for grant in grants:
            grantee = (grant.get("grantee") or [{}])[0] if isinstance(grant, dict) else {}
            if isinstance(grantee, dict) and grantee.get("uri") in PUBLIC_GROUPS:
                group = str(grantee["uri"]).rsplit("/", 1)[-1]
                findings.fail(
                    f"{what} grant", f"{grant.get('permission')} to {group}", "no grant to everyone"
                )


def bucket_of_domain(domain: str) -> tuple[str, bool] | None:
    """(bucket, website endpoint?) for an S3 endpoint name, ``None`` for anything else."""
    match = _S3_DOMAIN.match(domain.lower())
    if match is None:
        return None
    return match.group("bucket"), bool(match.group("website"))


def _origins_of(subject: Subject, dist: Resource, bucket: Resource) -> list[Any]:
    """Origins of the distribution that point at the bucket (an ``Unknown`` when unsure)."""
    origins = dist.get("origin")
    if isinstance(origins, Unknown):
        return [origins]
    names = {str(n).lower() for n in (*bucket.ids, bucket.get("bucket")) if isinstance(n, str)}
    inv = subject.inventory
    hits: list[Any] = []
    unresolved = []
    for position, origin in enumerate(origins if isinstance(origins, list) else []):
        if not isinstance(origin, dict):
            continue
        domain = origin.get("domain_name")
        if isinstance(domain, str):
            parsed = bucket_of_domain(domain)
            if parsed is not None and parsed[0] in names:
                hits.append((position, origin))
        elif any(
            r is bucket
            for r in inv.related(dist, f"origin.{position}.domain_name", kinds=("aws_s3_bucket",))
        ):
            hits.append((position, origin))
        else:
            unresolved.append((position, origin))
    if not hits and unresolved:
        flat = inv.related(dist, "origin.domain_name", kinds=("aws_s3_bucket",))
        if any(r is bucket for r in flat):
            if len(unresolved) == 1:
                return unresolved
            return [Unknown(f"cannot tell which origin of {dist.address} points at the bucket")]
    return hits


def _judge_cdn_only(subject: Subject, bucket: Resource, findings: Findings) -> None:
    missing = not_collected(subject, "cloudfront")
    if missing or subject.inventory.errors_for(DISTRIBUTIONS):
        findings.unknown("CloudFront origin", missing or "the distributions could not be read")
        return
    served: list[tuple[Resource, int, dict[str, Any]]] = []
    for dist in subject.inventory.of_kind(*DISTRIBUTIONS):
        for hit in _origins_of(subject, dist, bucket):
            if isinstance(hit, Unknown):
                findings.unknown(f"{dist.address} origin", hit)
            else:
                served.append((dist, hit[0], hit[1]))
    if not served:
        if not findings.unknowns:
            findings.fail(
                "CloudFront origin",
                None,
                "a distribution origin serving the bucket (CDN-only role)",
            )
        return
    for dist, position, origin in served:
        control_id = is_set(
            subject,
            dist,
            f"origin.{position}.origin_access_control_id",
            "origin.origin_access_control_id",
        )
        identity = is_set(
            subject,
            dist,
            f"origin.{position}.s3_origin_config.0.origin_access_identity",
            "origin.s3_origin_config.origin_access_identity",
        )
        what = f"{dist.address} origin {origin.get('origin_id')}"
        if True in (control_id, identity):
            continue
        unknown = next((v for v in (control_id, identity) if isinstance(v, Unknown)), None)
        if unknown is not None:
            findings.unknown(f"{what} origin access control", unknown)
        else:
            findings.fail(
                f"{what} origin_access_control_id",
                origin.get("origin_access_control_id"),
                "an origin access control (or identity): only CloudFront reaches the bucket",
            )


@control(
    "s3-not-public",
    kinds=("aws_s3_bucket",),
    needs=(
        "aws_s3_bucket_public_access_block",
        "aws_s3_account_public_access_block",
        "aws_s3_bucket_policy",
    ),
    severity="high",
    params={"public_bucket_role": ""},
    frameworks={"CIS-AWS": "2.1.4", "AWS-FSBP": "S3.8"},
)
def test_bucket_is_not_public(subject: Subject, resource: Resource) -> None:
    """S3 buckets block public access; CDN buckets are reached only through CloudFront."""
    findings = Findings(resource)
    flags, decided_by = public_access_flags(subject, resource)
    role = str(subject.params["public_bucket_role"])
    if role and subject.in_role(resource, role):
        _judge_cdn_only(subject, resource, findings)
    elif decided_by is not None:
        findings.note(f"all four public access block settings on (unset: {decided_by})")
    else:
        for flag, value in flags.items():
            findings.check(
                f"public access block {flag}",
                value,
                value is True,
                "true (on the bucket or the account)",
            )
    blocked = flags["block_public_policy"] is True and flags["restrict_public_buckets"] is True
    _judge_policies(subject, resource, findings, blocked)
    if flags["ignore_public_acls"] is not True:
        _judge_acls(subject, resource, findings)
    findings.close()
