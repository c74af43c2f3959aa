"""TLS termination: HTTPS at the public entry, valid certificates, modern policies, redirects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from archproof.controls.api import Findings, Subject, control
from archproof.controls.facts import internet_facing, scheme_note
from archproof.controls.listener_rules import judge_actions, judge_rules
from archproof.controls.tls import minimum_tls, version_tuple
from archproof.inventory.links import linked
from archproof.inventory.model import Resource, Unknown, is_unknown

LISTENERS = ("aws_lb_listener",)
VALIDATION = "aws_acm_certificate_validation"
CERTIFICATE_KINDS = ("aws_acm_certificate", VALIDATION, "aws_iam_server_certificate")
"""What a listener's ``certificate_arn`` may name: an ACM certificate (directly or through its
validation) or a certificate uploaded to IAM."""
SECURE = ("HTTPS", "TLS")


def _lb_of(subject: Subject, listener: Resource) -> Resource | None:
    found = subject.inventory.related(listener, "load_balancer_arn", kinds=("aws_lb",))
    return found[0] if found else None


def _protocol(listener: Resource) -> str | Unknown:
    value = listener.get("protocol")
    return value if isinstance(value, Unknown) else str(value or "").upper()


def _secure(subject: Subject, listener: Resource) -> bool:
    """TLS listeners, and listeners whose protocol is not known yet (judged inconclusive)."""
    protocol = _protocol(listener)
    return isinstance(protocol, Unknown) or protocol in SECURE


def _public_lb(subject: Subject, lb: Resource) -> bool:
    facing = internet_facing(lb)
    return isinstance(facing, Unknown) or facing is True


def _protocols(subject: Subject, lb: Resource) -> list[Any]:
    """The listener protocols of a load balancer (a Classic one lists them inline)."""
    if lb.kind == "aws_elb":
        blocks = lb.get("listener")
        if isinstance(blocks, Unknown):
            return [blocks]
        return [b.get("lb_protocol") for b in blocks or [] if isinstance(b, dict)]
    listeners = subject.inventory.referring(lb, "aws_lb_listener", "load_balancer_arn")
    return [listener.get("protocol") for listener in listeners]


@control(
    "https-listener-on-public-lb",
    kinds=("aws_lb", "aws_elb"),
    needs=LISTENERS,
    severity="high",
    select=_public_lb,
)
def test_public_entry_terminates_tls(subject: Subject, resource: Resource) -> None:
    """Internet-facing load balancers terminate TLS on an HTTPS (or TLS) listener."""
    findings = Findings(resource)
    facing = internet_facing(resource)
    if isinstance(facing, Unknown):
        findings.unknown("internal", facing)
    note = scheme_note(resource)
    if note is not None:
        findings.note(note)
    protocols = _protocols(subject, resource)
    if any(is_unknown(p) for p in protocols):
        findings.unknown("listener protocol", "known only after apply")
    elif not any(str(p).upper() in (*SECURE, "SSL") for p in protocols):
        findings.fail("listener protocols", protocols, "an HTTPS or TLS listener")
    findings.close()


@control(
    "lb-certificate-valid",
    kinds=LISTENERS,
    needs=("aws_acm_certificate", "aws_iam_server_certificate", "aws_lb_listener_certificate"),
    severity="high",
    params={"min_cert_days": 30},
    select=_secure,
)
def test_listener_certificate_is_valid(subject: Subject, resource: Resource) -> None:
    """TLS listeners present an issued certificate that does not expire soon."""
    inv = subject.inventory
    findings = Findings(resource)
    protocol = _protocol(resource)
    if isinstance(protocol, Unknown):
        findings.unknown("protocol", protocol)
    limit = dt.datetime.now(dt.UTC) + dt.timedelta(days=int(subject.params["min_cert_days"]))
    named = _judge_holder(subject, resource, limit, findings)
    for extra in inv.referring(resource, "aws_lb_listener_certificate", "listener_arn"):
        named = _judge_holder(subject, extra, limit, findings) or named
    for extra in inv.maybe_referring(resource, "aws_lb_listener_certificate", "listener_arn"):
        findings.unknown(f"{extra.address}", "may add a certificate to this listener")
    if not named:
        arn = resource.get("certificate_arn")
        findings.fail("certificate_arn", arn, "an ACM or IAM server certificate")
    findings.close()


def _judge_holder(
    subject: Subject, holder: Resource, limit: dt.datetime, findings: Findings
) -> bool:
    """Judge the certificates a listener (or one of its extra listener certificates) names;
    False when it names none."""
    certs, gap = certificates(subject, holder)
    label = "certificate" if holder is findings.resource else f"{holder.address} certificate"
    candidates = _candidates(subject, holder)
    if gap is not None and candidates:
        # The plan cannot say which of several certificates it is: valid only if each is.
        trial = Findings(holder)
        for cert in candidates:
            _judge_certificate(subject, cert, limit, trial)
        if trial.failures or trial.unknowns:
            findings.unknown(label, gap)
        else:
            listed = ", ".join(c.address for c in candidates)
            findings.note(f"{label} is one of {listed}: each is valid")
    elif gap is not None:
        findings.unknown(label, gap)
    for cert in certs:
        _judge_certificate(subject, cert, limit, findings)
    return bool(certs) or gap is not None


def _candidates(subject: Subject, listener: Resource) -> list[Resource]:
    """The certificates a listener's ARN may be, when the plan cannot tell which."""
    relation = subject.inventory.relation(listener, "certificate_arn", CERTIFICATE_KINDS)
    found: list[Resource] = []
    for target in relation.candidates:
        pointed = (
            subject.inventory.related(target, "certificate_arn", kinds=CERTIFICATE_KINDS[:1])
            if target.kind == VALIDATION
            else [target]
        )
        found += [c for c in pointed if c not in found]
    return found


def certificates(subject: Subject, holder: Resource) -> tuple[list[Resource], Unknown | None]:
    """Certificates an ARN attribute names, also through an ``aws_acm_certificate_validation``,
    and why that list may be incomplete (an ARN of another account or region, a reference the
    plan could not follow)."""
    found: list[Resource] = []
    if holder.get("certificate_arn") in (None, ""):
        return found, None
    inv = subject.inventory
    targets, gap = linked(inv, holder, "certificate_arn", CERTIFICATE_KINDS, "certificate")
    for target in targets:
        if target.kind == VALIDATION:
            found += inv.related(target, "certificate_arn", kinds=CERTIFICATE_KINDS[:1])
        else:
            found.append(target)
    return found, gap


def _judge_certificate(
    subject: Subject, cert: Resource, limit: dt.datetime, findings: Findings
) -> None:
    if cert.kind == "aws_iam_server_certificate":
        _judge_expiry(subject, cert, "expiration", limit, findings)
        return
    status = cert.get("status")
    not_after = cert.get("not_after")
    if isinstance(status, str) and status:
        findings.check(f"{cert.address} status", status, status == "ISSUED", "'ISSUED'")
    if isinstance(not_after, str) and not_after:
        _judge_expiry(subject, cert, "not_after", limit, findings)
        return
    validated = subject.inventory.referring(
        cert, "aws_acm_certificate_validation", "certificate_arn"
    )
    method = cert.get("validation_method")
    if validated and method in ("DNS", "EMAIL"):
        return  # issued by ACM on validation and renewed by ACM: no expiry to watch
    findings.unknown(
        f"{cert.address} expiry", "imported or unvalidated certificate, expiry not known"
    )


def _judge_expiry(
    subject: Subject, cert: Resource, attr: str, limit: dt.datetime, findings: Findings
) -> None:
    """Judge a certificate's expiry timestamp; one not known yet leaves it inconclusive."""
    value = cert.get(attr)
    if not isinstance(value, str) or not value:
        reason = value if isinstance(value, Unknown) else f"{attr} not recorded"
        findings.unknown(f"{cert.address} expiry", reason)
        return
    expires = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.UTC)
    findings.check(
        f"{cert.address} {attr}",
        value,
        expires >= limit,
        f"after {limit.date()} ({subject.params['min_cert_days']} days)",
    )


@control(
    "tls-policy-minimum",
    kinds=LISTENERS,
    severity="high",
    params={"min_tls": "1.2"},
    select=_secure,
    frameworks={"PCI-DSS": "4.2.1"},
)
def test_listener_tls_policy_is_modern(subject: Subject, resource: Resource) -> None:
    """TLS listeners use a security policy no weaker than the documented minimum TLS version."""
    findings = Findings(resource)
    policy = resource.get("ssl_policy")
    required = str(subject.params["min_tls"])
    if isinstance(policy, Unknown) or policy in (None, ""):
        findings.unknown(
            "ssl_policy", policy if isinstance(policy, Unknown) else "provider default"
        )
    else:
        minimum = minimum_tls(str(policy))
        if minimum is None:
            findings.unknown("ssl_policy", f"{policy} is not a known predefined policy")
        else:
            findings.check(
                "ssl_policy",
                f"{policy} (TLS {minimum}+)",
                version_tuple(minimum) >= version_tuple(required),
                f"TLS {required}+",
            )
    findings.close()


def _plain_http_public(subject: Subject, listener: Resource) -> bool:
    if listener.kind == "aws_elb":
        plain = [
            p for p in _protocols(subject, listener) if is_unknown(p) or str(p).upper() == "HTTP"
        ]
        return bool(plain) and _public_lb(subject, listener)
    protocol = _protocol(listener)
    if not isinstance(protocol, Unknown) and protocol != "HTTP":
        return False
    lb = _lb_of(subject, listener)
    return lb is None or _public_lb(subject, lb)


@control(
    "http-redirects-to-https",
    kinds=(*LISTENERS, "aws_elb"),
    needs=("aws_lb_listener_rule",),
    severity="high",
    select=_plain_http_public,
)
def test_http_only_redirects_to_https(subject: Subject, resource: Resource) -> None:
    """Plain HTTP on a public load balancer redirects to HTTPS and serves no content."""
    findings = Findings(resource)
    if resource.kind == "aws_elb":
        _judge_classic(subject, resource, findings)
        findings.close()
        return
    protocol = _protocol(resource)
    if isinstance(protocol, Unknown):
        findings.unknown("protocol", protocol)
        findings.close()
    actions = resource.get("default_action")
    if isinstance(actions, list) and not actions:
        findings.fail("default_action", [], "a redirect to HTTPS")
    judge_actions("default_action", actions, findings, refusals=False)
    # Listener rules answer before the default action: none may serve content over HTTP.
    judge_rules(subject.inventory, resource, findings)
    findings.close()


def _judge_classic(subject: Subject, lb: Resource, findings: Findings) -> None:
    """A Classic Load Balancer cannot redirect: a plain-HTTP listener serves the application."""
    for protocol in _protocols(subject, lb):
        if is_unknown(protocol):
            findings.unknown("listener.lb_protocol", "known only after apply")
        elif str(protocol).upper() == "HTTP":
            findings.fail(
                "listener.lb_protocol",
                "HTTP",
                "no plain-HTTP listener (a Classic Load Balancer cannot redirect to HTTPS)",
            )
