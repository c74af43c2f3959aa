"""Edge and public exposure: HTTPS at CloudFront, WAF on public entry points, S3 not public."""

from __future__ import annotations

import json
import re
from typing import Any

from archproof.controls.api import Findings, Subject, control
from archproof.controls.facts import is_set
from archproof.controls.tls import version_tuple
from archproof.inventory.model import Resource, Unknown, is_unknown

DISTRIBUTIONS = ("aws_cloudfront_distribution",)
HTTPS_ONLY = ("redirect-to-https", "https-only")
WAF_ASSOCIATIONS = ("aws_wafv2_web_acl_association", "aws_wafregional_web_acl_association")
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
_CLOUDFRONT_TLS = re.compile(r"^TLSv1(?:\.(\d))?(?:_\d{4})?$")
_S3_DOMAIN = re.compile(
    r"^(?P<bucket>.+?)\.s3(?P<website>-website)?(?:[.-](?:dualstack\.)?[a-z0-9-]+)?"
    r"\.amazonaws\.com(?:\.cn)?$"
)


def not_collected(subject: Subject, service: str) -> str | None:
    """Why a live source has no evidence of a service it was told not to read; else ``None``."""
    services = subject.inventory.scope.get("services")
    if isinstance(services, list) and service not in services:
        return f"the {service} service was not collected from {subject.source}"
    return None


def cloudfront_min_tls(policy: str) -> str | None:
    """``"1.2"`` for TLSv1.2_2021, ``"1.0"`` for TLSv1/TLSv1_2016, ``None`` when unknown."""
    if policy == "SSLv3":
        return "0"
    match = _CLOUDFRONT_TLS.match(policy)
    if match is None:
        return None
    return f"1.{match.group(1) or 0}"


def _set_or_referenced(subject: Subject, resource: Resource, *paths: str) -> bool | Unknown:
    """Is the first path set? A reference to a planned resource at any of the paths counts."""
    value = resource.get(paths[0])
    if isinstance(value, Unknown):
        if any(resource.refs.get(p) for p in paths):
            return True
        return value
    return value not in (None, "", [], {})


def _behaviours(resource: Resource) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    default = resource.get("default_cache_behavior")
    if isinstance(default, Unknown) or not default:
        found.append(("default_cache_behavior", default))
    else:
        found += [("default_cache_behavior", item) for item in default]
    ordered = resource.get("ordered_cache_behavior")
    if isinstance(ordered, Unknown):
        found.append(("ordered_cache_behavior", ordered))
    for item in ordered if isinstance(ordered, list) else []:
        pattern = item.get("path_pattern") if isinstance(item, dict) else None
        label = pattern if isinstance(pattern, str) else "?"
        found.append((f"ordered_cache_behavior[{label}]", item))
    return found


def _judge_viewer_tls(
    subject: Subject, resource: Resource, required: str, findings: Findings
) -> None:
    block = resource.get("viewer_certificate")
    if isinstance(block, Unknown):
        findings.unknown("viewer_certificate", block)
        return
    if not isinstance(block, list) or not block or not isinstance(block[0], dict):
        findings.unknown("viewer_certificate", "not recorded by the source")
        return
    custom = [
        _set_or_referenced(
            subject, resource, f"viewer_certificate.0.{name}", f"viewer_certificate.{name}"
        )
        for name in ("acm_certificate_arn", "iam_certificate_id")
    ]
    default = block[0].get("cloudfront_default_certificate")
    if True not in custom:
        if any(isinstance(c, Unknown) for c in custom) or isinstance(default, Unknown):
            findings.unknown("viewer_certificate", "known only after apply")
            return
        if default is True:
            # CloudFront serves its *.cloudfront.net certificate with TLSv1 and up, whatever
            # minimum_protocol_version says: only a custom certificate can raise the floor.
            findings.check(
                "viewer_certificate.cloudfront_default_certificate",
                True,
                version_tuple("1.0") >= version_tuple(required),
                f"a custom certificate with minimum_protocol_version TLS {required}+"
                " (the default certificate accepts TLS 1.0)",
            )
            return
        findings.unknown("viewer_certificate", "neither a custom nor the default certificate")
        return
    policy = block[0].get("minimum_protocol_version")
    if isinstance(policy, Unknown) or policy in (None, ""):
        reason = policy if isinstance(policy, Unknown) else "not recorded by the source"
        findings.unknown("viewer_certificate.minimum_protocol_version", reason)
        return
    minimum = cloudfront_min_tls(str(policy))
    if minimum is None:
        findings.unknown(
            "viewer_certificate.minimum_protocol_version",
            f"{policy} is not a known CloudFront security policy",
        )
        return
    findings.check(
        "viewer_certificate.minimum_protocol_version",
        f"{policy} (TLS {minimum}+)",
        version_tuple(minimum) >= version_tuple(required),
        f"TLS {required}+",
    )


@control(
    "cloudfront-https-only",
    kinds=DISTRIBUTIONS,
    severity="high",
    params={"min_tls": "1.2"},
    frameworks={"PCI-DSS": "4.2.1", "AWS-FSBP": "CloudFront.3"},
)
def test_distribution_serves_viewers_only_over_https(subject: Subject, resource: Resource) -> None:
    """CloudFront distributions serve viewers only over HTTPS, no weaker than the minimum TLS."""
    findings = Findings(resource)
    for what, behaviour in _behaviours(resource):
        if isinstance(behaviour, Unknown):
            findings.unknown(what, behaviour)
            continue
        if not isinstance(behaviour, dict):
            findings.unknown(what, "not recorded by the source")
            continue
        policy = behaviour.get("viewer_protocol_policy")
        findings.check(
            f"{what}.viewer_protocol_policy",
            policy,
            policy in HTTPS_ONLY,
            "'redirect-to-https' or 'https-only'",
        )
    _judge_viewer_tls(subject, resource, str(subject.params["min_tls"]), findings)
    findings.close()


def internet_facing(lb: Resource) -> bool | Unknown:
    internal = lb.get("internal")
    if isinstance(internal, Unknown):
        return internal
    return internal is not True


def _public_entry(subject: Subject, resource: Resource) -> bool:
    if resource.kind != "aws_lb":
        return True
    # Gateway load balancers carry appliances inside the network; they are not an entry.
    return (
        internet_facing(resource) is not False and resource.get("load_balancer_type") != "gateway"
    )


def _fronting_distributions(subject: Subject, lb: Resource) -> list[Resource]:
    """Distributions with an origin pointing at the load balancer (its DNS name)."""
    names = {n for n in (lb.get("dns_name"),) if isinstance(n, str) and n}
    found = []
    for dist in subject.inventory.of_kind(*DISTRIBUTIONS):
        origins = dist.get("origin")
        domains = (
            [o.get("domain_name") for o in origins if isinstance(o, dict)]
            if isinstance(origins, list)
            else []
        )
        referred = subject.inventory.related(dist, "origin.domain_name", kinds=("aws_lb",))
        by_index = [
            r
            for i in range(len(domains))
            for r in subject.inventory.related(dist, f"origin.{i}.domain_name", kinds=("aws_lb",))
        ]
        if names.intersection(d for d in domains if isinstance(d, str)) or any(
            r is lb for r in (*referred, *by_index)
        ):
            found.append(dist)
    return found


@control(
    "waf-on-public-entry",
    kinds=("aws_lb", *DISTRIBUTIONS),
    needs=("aws_wafv2_web_acl_association",),
    severity="high",
    params={"cdn_origin_role": ""},
    select=_public_entry,
    frameworks={"PCI-DSS": "6.4.2", "AWS-FSBP": "CloudFront.6"},
)
def test_public_entry_is_behind_a_web_acl(subject: Subject, resource: Resource) -> None:
    """Internet-facing load balancers and CloudFront distributions sit behind a WAF web ACL."""
    findings = Findings(resource)
    if resource.kind == "aws_cloudfront_distribution":
        _judge_distribution_acl(subject, resource, findings)
        findings.close()
        return
    facing = internet_facing(resource)
    if isinstance(facing, Unknown):
        findings.unknown("internal", facing)
    associations = [
        a
        for kind in WAF_ASSOCIATIONS
        for a in subject.inventory.referring(resource, kind, "resource_arn")
    ]
    missing = not_collected(subject, "wafv2")
    role = str(subject.params["cdn_origin_role"])
    if associations or isinstance(facing, Unknown):
        pass  # protected; or internal, where no web ACL is needed, is not known yet
    elif role and subject.in_role(resource, role):
        fronts = _fronting_distributions(subject, resource)
        verdicts = [_acl_set(subject, d) for d in fronts]
        if True in verdicts:
            pass
        elif any(isinstance(v, Unknown) for v in verdicts):
            findings.unknown("web_acl_id of the fronting distribution", "known only after apply")
        elif missing:
            findings.unknown("web ACL association", missing)
        else:
            shown = [d.address for d in fronts] or None
            findings.fail(
                "fronting distributions with a web ACL",
                shown,
                "a web ACL on the load balancer or on a CloudFront distribution in front of it",
            )
    elif missing:
        findings.unknown("web ACL association", missing)
    elif resource.get("load_balancer_type") == "network":
        findings.fail(
            "load_balancer_type",
            "network",
            "an application load balancer with a web ACL (WAF attaches to ALBs, not NLBs)",
        )
    else:
        findings.fail("web ACL association", None, "an aws_wafv2_web_acl_association")
    findings.close()


def _acl_set(subject: Subject, dist: Resource) -> bool | Unknown:
    return is_set(subject, dist, "web_acl_id")


def _judge_distribution_acl(subject: Subject, dist: Resource, findings: Findings) -> None:
    acl = _acl_set(subject, dist)
    if isinstance(acl, Unknown):
        findings.unknown("web_acl_id", acl)
    elif not acl:
        findings.fail("web_acl_id", dist.get("web_acl_id"), "a WAF web ACL")


def _flag(values: list[Any]) -> Any:
    """The effective value of one public access block flag: on when any block turns it on."""
    if True in values:
        return True
    unknown = next((v for v in values if isinstance(v, Unknown)), None)
    if unknown is not None:
        return unknown
    return values[0] if values else None


def public_access_flags(subject: Subject, bucket: Resource) -> dict[str, Any]:
    """Each flag as it applies to the bucket: on at bucket or account level, else the value seen."""
    inv = subject.inventory
    blocks = inv.referring(bucket, "aws_s3_bucket_public_access_block", "bucket")
    account = inv.of_kind("aws_s3_account_public_access_block")
    unreadable = [
        Unknown(f"the {kind} could not be read")
        for kind in ("aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block")
        if inv.errors_for([kind])
    ]
    return {
        flag: _flag([*(b.get(flag) for b in (*blocks, *account)), *unreadable])
        for flag in BLOCK_FLAGS
    }


def _principal_is_everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        value = principal.get("AWS")
        return value == "*" or (isinstance(value, list) and "*" in value)
    return False


def _public_statements(text: str) -> list[str] | None:
    """Statements that allow everyone with no condition; ``None`` when the text is not JSON."""
    try:
        document = json.loads(text)
    except (TypeError, ValueError):
        return None
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    found = []
    for position, statement in enumerate(statements if isinstance(statements, list) else []):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        everyone = _principal_is_everyone(statement.get("Principal")) or "NotPrincipal" in statement
        if everyone and not statement.get("Condition"):
            found.append(str(statement.get("Sid") or f"#{position}"))
    return found


def _judge_policies(subject: Subject, bucket: Resource, findings: Findings) -> None:
    texts: list[tuple[str, Any]] = [("policy", bucket.get("policy"))]
    for policy in subject.inventory.referring(bucket, "aws_s3_bucket_policy", "bucket"):
        texts.append((f"{policy.address} policy", policy.get("policy")))
    for what, text in texts:
        if isinstance(text, Unknown):
            findings.unknown(what, text)
        elif isinstance(text, str) and text:
            public = _public_statements(text)
            if public is None:
                findings.unknown(what, "not a JSON policy document")
            elif public:
                findings.fail(
                    f"{what} statements {', '.join(public)}",
                    "Allow to Principal *",
                    "no statement allowing everyone without a condition",
                )


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
        control_id = _set_or_referenced(
            subject,
            dist,
            f"origin.{position}.origin_access_control_id",
            "origin.origin_access_control_id",
        )
        identity = _set_or_referenced(
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
    flags = public_access_flags(subject, resource)
    role = str(subject.params["public_bucket_role"])
    if role and subject.in_role(resource, role):
        _judge_cdn_only(subject, resource, findings)
    else:
        for flag, value in flags.items():
            findings.check(
                f"public access block {flag}",
                value,
                value is True,
                "true (on the bucket or the account)",
            )
    _judge_policies(subject, resource, findings)
    if flags["ignore_public_acls"] is not True:
        _judge_acls(subject, resource, findings)
    findings.close()
