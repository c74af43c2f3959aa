"""Live scale: provision N resources into a local moto server, then time collection and evaluation.

Prints collection time with parallel workers against a serial sweep (same server, same run),
as a ratio, and evaluation time, for each N.
Run: .venv/bin/python bench/live_scale.py [N ...]      (default 200 1000)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import boto3

from archproof.check import CheckRequest, judge
from archproof.moto_server import moto_server
from archproof.run import Run
from archproof.sources.aws import AwsOptions, collect_aws
from archproof.spec.load import load_spec

REGIONS = ("us-east-1", "eu-west-1")
SPEC = """\
system: scale
cloud: aws
document: synthetic
roles: {bastion: {tags: {Role: bastion}}}
requirements:
  - {id: R1, claim: c, source: {system: s, section: s}, controls:
     [workloads-in-private-tiers, ebs-encrypted, ssh-only-from-bastion, s3-encrypted,
      s3-versioning, subnet-tiers-present]}
"""


def provision(total: int) -> None:
    """About ``total`` resources: per region a VPC with subnets, SGs, volumes; buckets."""
    per_region = max(1, total // (len(REGIONS) * 4))
    for region in REGIONS:
        ec2 = boto3.client("ec2", region_name=region)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        for i in range(per_region):
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i % 256}.{(i // 256) * 16}/28")
            ec2.create_security_group(GroupName=f"sg-{i}", Description="bench", VpcId=vpc)
            ec2.create_volume(AvailabilityZone=f"{region}a", Size=1, Encrypted=True)
        s3 = boto3.client("s3", region_name="us-east-1")
        for i in range(per_region):
            s3.create_bucket(Bucket=f"bench-{region}-{i}")


def timed_collect(workers: int) -> tuple[float, int]:
    start = time.perf_counter()
    inventory = collect_aws(AwsOptions(regions=REGIONS, max_workers=workers))
    return time.perf_counter() - start, len(inventory)


def main(sizes: list[int]) -> None:
    with moto_server() as server, tempfile.TemporaryDirectory() as tmp:
        os.environ.update(server.client_env())
        spec_path = Path(tmp) / "spec.yaml"
        spec_path.write_text(SPEC)
        spec = load_spec(spec_path)
        for size in sizes:
            server.reset()
            provision(size)
            serial_s, count = timed_collect(workers=1)
            parallel_s, _ = timed_collect(workers=8)
            inventory = collect_aws(AwsOptions(regions=REGIONS))
            run = Run(spec, "default", [inventory], group_above=0)
            start = time.perf_counter()
            judge(run, CheckRequest(spec_path=str(spec_path), reports=Path(tmp) / "r", quiet=True))
            evaluate_s = time.perf_counter() - start
            print(
                f"{count:>6} resources  collect: serial {serial_s:6.2f} s,"
                f" parallel {parallel_s:6.2f} s"
                f" (parallel is {serial_s / parallel_s:4.1f}x faster)  evaluate {evaluate_s:5.2f} s"
                f" ({len(run.records)} verdicts)",
                flush=True,
            )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [200, 1000])
