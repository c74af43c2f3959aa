"""Edge and public exposure: HTTPS at CloudFront, WAF on public entry points, S3 not public."""

from __future__ import annotations

import re
from typing import Any

from archproof.controls.api import Findings, Subject, control
from archproof.controls.facts import ANYWHERE, internet_facing, is_set, not_collected, scheme_note
from archproof.controls.tls import version_tuple
from archproof.inventory.access import ingress_rules, security_groups_of
from archproof.inventory.model import Resource, Unknown

DISTRIBUTIONS = ("aws_cloudfront_distribution",)
HTTPS_ONLY = ("redirect-to-https", "https-only")
WAF_ASSOCIATIONS = ("aws_wafv2_web_acl_association", "aws_wafregional_web_acl_association")
_CLOUDFRONT_TLS = re.compile(r"^TLSv1(?:\.(\d))?(?:_\d{4})?$")


def cloudfront_min_tls(policy: str) -> str | None:
    """``"1.2"`` for TLSv1.2_2021, ``"1.0"`` for TLSv1/TLSv1_2016, ``None`` when unknown."""
    if policy == "SSLv3":
        return "0"
    match = _CLOUDFRONT_TLS.match(policy)
    if match is None:
        return None
    return f"1.{match.group(1) or 0}"


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
        is_set(subject, resource, f"viewer_certificate.0.{name}", f"viewer_certificate.{name}")
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


def _public_entry(subject: Subject, resource: Resource) -> bool:
    if resource.kind == "aws_elb":
        return internet_facing(resource) is not False
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
    kinds=("aws_lb", "aws_elb", *DISTRIBUTIONS),
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
    note = scheme_note(resource)
    if note is not None:
        findings.note(note)
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
        bypass = _direct_paths(subject, resource, findings)
        if bypass:
            findings.fail(
                "security group ingress from the internet",
                bypass,
                "reachable only through CloudFront (its origin-facing prefix list), so the"
                " distribution's web ACL cannot be bypassed",
            )
        elif True in verdicts:
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
    elif resource.kind == "aws_elb":  # no web ACL attaches to it, whatever WAF holds
        findings.fail(
            "load balancer",
            "a Classic Load Balancer",
            "an application load balancer with a web ACL (WAF attaches to ALBs)",
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


def _direct_paths(subject: Subject, lb: Resource, findings: Findings) -> list[str]:
    """Ingress rules of the load balancer's security groups that admit the whole internet:
    traffic that reaches the origin without passing the distribution's web ACL."""
    inv = subject.inventory
    groups, gap = security_groups_of(inv, lb)
    if gap is not None:
        findings.unknown("security groups", gap)
    open_rules: list[str] = []
    for group in groups:
        for rule in ingress_rules(inv, group):
            if rule.unresolved is not None and not rule.cidrs:
                findings.unknown(f"{group.address} ingress", rule.unresolved)
            open_rules += [
                f"{group.address} {rule.ports} from {c}" for c in rule.cidrs if c in ANYWHERE
            ]
    return open_rules


def _acl_set(subject: Subject, dist: Resource) -> bool | Unknown:
    return is_set(subject, dist, "web_acl_id")


def _judge_distribution_acl(subject: Subject, dist: Resource, findings: Findings) -> None:
    acl = _acl_set(subject, dist)
    if isinstance(acl, Unknown):
        findings.unknown("web_acl_id", acl)
    elif not acl:
        findings.fail("web_acl_id", dist.get("web_acl_id"), "a WAF web ACL")
