"""Collect a live AWS account into an Inventory: regions × services in parallel, read-only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from archproof.errors import UsageError
from archproof.inventory.model import CollectionError, Inventory
from archproof.inventory.source_kinds import AWS
from archproof.sources.aws import (
    acm,
    autoscaling,
    backup,
    cloudfront,
    cloudtrail,
    cloudwatch,
    dynamodb,
    ec2,
    ec2_compute,
    eks,
    elasticache,
    elb_classic,
    elbv2,
    gaps,
    iam,
    kms,
    lambda_,
    messaging,
    rds,
    rds_backups,
    redshift,
    s3,
    s3_policy,
    secrets,
    wafv2,
)
from archproof.sources.aws.base import SOURCE, Scan
from archproof.sources.aws.session import AwsSession


@dataclass(frozen=True)
class AwsOptions:
    """What to read: regions (empty: the session's region), profile, role, services (empty: all)."""

    regions: tuple[str, ...] = ()
    profile: str | None = None
    role_arn: str | None = None
    services: tuple[str, ...] = ()
    max_workers: int = 8
    progress: Callable[[str], None] | None = None


@dataclass(frozen=True)
class Collector:
    """One unit of work: a service's collector function and the kinds it gathers."""

    service: str
    run: Callable[[Scan], None]
    kinds: tuple[str, ...]
    is_global: bool = False  # collected once, not per region


COLLECTORS: tuple[Collector, ...] = (
    Collector("ec2", ec2.collect, ec2.KINDS),
    Collector("ec2", ec2_compute.collect, ec2_compute.KINDS),
    Collector("elbv2", elbv2.collect, elbv2.KINDS),
    Collector("elb", elb_classic.collect, elb_classic.KINDS),
    Collector("acm", acm.collect, acm.KINDS),
    Collector("autoscaling", autoscaling.collect, autoscaling.KINDS),
    Collector("rds", rds.collect, rds.KINDS),
    Collector("s3", s3.collect, s3.KINDS, is_global=True),
    Collector("iam", iam.collect, iam.KINDS, is_global=True),
    Collector("iam", acm.collect_server_certificates, acm.SERVER_KINDS, is_global=True),
    Collector("kms", kms.collect, kms.KINDS),
    Collector("cloudtrail", cloudtrail.collect, cloudtrail.KINDS),
    Collector("cloudwatch", cloudwatch.collect, cloudwatch.KINDS),
    Collector("dynamodb", dynamodb.collect, dynamodb.KINDS),
    Collector("elasticache", elasticache.collect, elasticache.KINDS),
    Collector("sqs", messaging.collect_sqs, messaging.SQS_KINDS),
    Collector("sns", messaging.collect_sns, messaging.SNS_KINDS),
    Collector("backup", backup.collect, backup.KINDS),
    Collector("secretsmanager", secrets.collect_secrets, secrets.SECRETS_KINDS),
    Collector("ssm", secrets.collect_ssm, secrets.SSM_KINDS),
    Collector("rds", rds_backups.collect, rds_backups.KINDS),
    Collector("s3", s3_policy.collect, s3_policy.KINDS, is_global=True),
    Collector("cloudfront", cloudfront.collect, cloudfront.KINDS, is_global=True),
    Collector("wafv2", wafv2.collect, wafv2.KINDS),
    Collector("wafv2", wafv2.collect_cloudfront, wafv2.KINDS[:1], is_global=True),
    Collector("redshift", redshift.collect, redshift.KINDS),
    Collector("lambda", lambda_.collect, lambda_.KINDS),
    Collector("eks", eks.collect, eks.KINDS),
)
SERVICES: tuple[str, ...] = tuple(dict.fromkeys(c.service for c in COLLECTORS))

Job = tuple[Collector, str]  # collector, region ("" for a global service)


def collect_aws(options: AwsOptions) -> Inventory:
    """Read the account the options name into an Inventory (source ``live``).

    Raises ``UsageError`` for an unknown service or profile, ``SourceError`` when
    the caller's identity cannot be obtained; every other failure is recorded
    on the Inventory as a ``CollectionError``.
    """
    services = _services(options.services)
    aws = AwsSession.open(options.profile, options.role_arn)
    regions = tuple(dict.fromkeys(options.regions)) or (aws.default_region,)
    jobs: list[Job] = [
        (collector, "" if collector.is_global else region)
        for collector in COLLECTORS
        if collector.service in services
        for region in (regions[:1] if collector.is_global else regions)
    ]
    _say(options, f"aws account {aws.account}: {len(services)} services in {', '.join(regions)}")
    scans = _run(aws, jobs, regions, options)
    resources = [r for scan in scans for r in scan.resources]
    errors = [e for scan in scans for e in scan.errors]
    applied: list[str] = []
    if aws.endpoint_is_local("ec2", regions[0]):
        resources, applied = gaps.apply(resources)
    scope = {
        "regions": list(regions),
        "services": list(services),
        "account": aws.account,
        "gaps": applied,
    }
    return Inventory(
        SOURCE, resources, errors, origin=f"aws:{aws.account}", scope=scope, provides=AWS.provides
    )


def _services(wanted: Iterable[str]) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(s.strip().lower() for s in wanted if s.strip()))
    unknown = [s for s in names if s not in SERVICES]
    if unknown:
        raise UsageError(f"unknown AWS service {', '.join(unknown)}; known: {', '.join(SERVICES)}")
    return names or SERVICES


def _run(
    aws: AwsSession, jobs: list[Job], regions: tuple[str, ...], options: AwsOptions
) -> list[Scan]:
    scans: list[Scan | None] = [None] * len(jobs)
    remaining = Counter((c.service, region) for c, region in jobs)
    found: Counter[tuple[str, str]] = Counter()
    failed: Counter[tuple[str, str]] = Counter()
    with ThreadPoolExecutor(
        max_workers=max(1, options.max_workers), thread_name_prefix="aws"
    ) as pool:
        futures = {pool.submit(_job, aws, job, regions): index for index, job in enumerate(jobs)}
        for future in as_completed(futures):
            scan = future.result()
            scans[futures[future]] = scan
            key = (scan.service, scan.region)
            remaining[key] -= 1
            found[key] += len(scan.resources)
            failed[key] += len(scan.errors)
            if remaining[key] == 0:
                errors = f", {failed[key]} errors" if failed[key] else ""
                where = scan.region or "global"
                _say(options, f"{scan.service} {where} done ({found[key]} resources{errors})")
    return [scan for scan in scans if scan is not None]


def _job(aws: AwsSession, job: Job, regions: tuple[str, ...]) -> Scan:
    collector, region = job
    scan = Scan(service=collector.service, region=region, aws=aws, regions=regions)
    try:
        collector.run(scan)
    except Exception as exc:  # a collector bug must not cost the other services' evidence
        message = f"collector failed: {type(exc).__name__}: {exc}"
        scan.errors.append(
            CollectionError(
                SOURCE, collector.service, region, "(collect)", message[:300], collector.kinds
            )
        )
    return scan


def _say(options: AwsOptions, line: str) -> None:
    if options.progress is not None:
        options.progress(line)
