"""s3-not-public on bucket policies that allow everyone under a condition. A condition makes
such a statement private only when it confines it to fixed values of the keys S3's own Block
Public Access counts ("The meaning of public"); a deny narrows it only when it refuses every
request from outside such values. Every plan is real ``terraform plan`` JSON of the
``main.tf`` beside it (tests/checks/review_shapes/<shape>/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.sources.plan.load import load_plan
from archproof.spec.model import Spec
from archproof.verdict import Verdict
from support.in_process import judge_all

SHAPES = Path(__file__).parent / "review_shapes"
PASS, FAIL, INCONCLUSIVE = Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE

CONDITIONS = [
    ("tls_only", FAIL),
    ("any_account_one_region", FAIL),
    ("any_vpc", FAIL),
    ("half_the_internet", FAIL),
    ("not_from_private", FAIL),
    ("endpoint_if_exists", FAIL),
    ("not_principal", FAIL),
    ("open_with_tls_deny", FAIL),
    ("open_with_endpoint_deny", FAIL),
    ("federated", FAIL),
    ("one_endpoint", PASS),
    ("one_organization", PASS),
    ("office_range", PASS),
    ("named_account", PASS),
    ("denied_outside_endpoint", PASS),
]
DOCUMENTS = [
    # everyone over TLS, in a document whose JSON names the bucket (known after apply)
    ("open-over-tls", FAIL),
    # everyone from the distribution's ARN: a fixed value, but known only after apply
    ("open-to-a-distribution", INCONCLUSIVE),
    # CloudFront's service principal: nobody else
    ("service-only", PASS),
]


def spec(public_bucket_role: str = "") -> Spec:
    return Spec.model_validate(
        {
            "system": "buckets",
            "cloud": "aws",
            "document": "storage exposure",
            "roles": {"cdn": {"kinds": ["aws_s3_bucket"]}},
            "requirements": [
                {
                    "id": "S3-1",
                    "claim": "no bucket is public",
                    "source": {"system": "buckets", "section": "storage"},
                    "controls": [
                        {
                            "id": "s3-not-public",
                            "params": {"public_bucket_role": public_bucket_role},
                        }
                    ],
                }
            ],
        }
    )


def verdicts(shape: str, public_bucket_role: str = "") -> dict[str, tuple[Verdict, str]]:
    inventory = load_plan(SHAPES / shape / "plan.json")
    found = judge_all(spec(public_bucket_role), [inventory])
    return {s.split(":", 1)[1]: (v, m) for _, s, v, m in found}


@pytest.mark.parametrize(("name", "expected"), CONDITIONS)
def test_a_condition_makes_a_statement_private_only_when_it_confines_it(
    name: str, expected: Verdict
) -> None:
    verdict, message = verdicts("bucket_policies_with_conditions")[f'aws_s3_bucket.b["{name}"]']
    assert verdict is expected, message
    if expected is FAIL:
        assert "statements #0" in message, message


def test_the_failure_names_the_condition_that_does_not_confine() -> None:
    found = verdicts("bucket_policies_with_conditions")
    assert "aws:SecureTransport" in found['aws_s3_bucket.b["tls_only"]'][1]
    assert "NotIpAddress" in found['aws_s3_bucket.b["not_from_private"]'][1]


@pytest.mark.parametrize(("name", "expected"), DOCUMENTS)
def test_a_policy_document_is_judged_on_its_statements_before_apply(
    name: str, expected: Verdict
) -> None:
    """CDN buckets whose public access block leaves policies alone: the policy decides."""
    found = verdicts("bucket_policy_documents_known_after_apply", public_bucket_role="cdn")
    verdict, message = found[f'aws_s3_bucket.b["{name}"]']
    assert verdict is expected, message
