"""The live AWS source: reads an account through boto3 into an Inventory (read-only)."""

from archproof.sources.aws.collect import AwsOptions, collect_aws

__all__ = ["AwsOptions", "collect_aws"]
