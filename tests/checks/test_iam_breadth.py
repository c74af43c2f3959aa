"""no-admin-star-policy on grants of everything that do not read ``"Action": "*"`` on
``"Resource": "*"`` without a condition, and on AWS managed policies as broad as
AdministratorAccess. Every plan is real ``terraform plan`` JSON of the ``main.tf`` beside it
(tests/checks/review_shapes/<shape>/); the comment in main.tf says what each resource does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archproof.sources.plan.load import load_plan
from archproof.spec.model import Spec
from archproof.verdict import Verdict
from support.in_process import judge_all

SHAPES = Path(__file__).parent / "review_shapes"
PASS, FAIL, INCONCLUSIVE = Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE
GRANTS = "admin_grants_in_other_shapes"
ATTACHMENTS = "attachments_of_broad_managed_policies"

CASES = [
    (GRANTS, "aws_iam_policy.star_colon_star", FAIL),
    (GRANTS, "aws_iam_policy.star_over_tls", FAIL),
    (GRANTS, "aws_iam_role_policy.star_any_region", FAIL),
    (GRANTS, "aws_iam_user_policy.star_with_mfa", FAIL),
    (GRANTS, "aws_iam_policy.star_if_exists", FAIL),
    (GRANTS, "aws_iam_policy.star_from_half_the_internet", FAIL),
    (GRANTS, "aws_iam_policy.all_but_iam_nearly_everywhere", FAIL),
    (GRANTS, "aws_iam_user_policy.star_on_every_arn", FAIL),
    (GRANTS, "aws_iam_policy.doc_not_resources", FAIL),
    (GRANTS, "aws_iam_policy.doc_conditioned", FAIL),
    (GRANTS, "aws_iam_policy.star_from_the_office", PASS),
    (GRANTS, "aws_iam_policy.not_everything", PASS),
    (GRANTS, "aws_iam_policy.s3_everywhere", PASS),
    (GRANTS, "aws_iam_policy.star_through_endpoint", INCONCLUSIVE),
    (ATTACHMENTS, "aws_iam_role_policy_attachment.power_user", FAIL),
    (ATTACHMENTS, "aws_iam_user_policy_attachment.iam_full", FAIL),
    (ATTACHMENTS, "aws_iam_group_policy_attachment.amplify_admin", FAIL),
    (ATTACHMENTS, "aws_iam_policy_attachment.power_to_all", FAIL),
    (ATTACHMENTS, "aws_iam_role.legacy", FAIL),
    (ATTACHMENTS, "aws_iam_role_policy_attachments_exclusive.exclusive", FAIL),
    (ATTACHMENTS, "aws_iam_role_policy_attachment.read_only", PASS),
    (ATTACHMENTS, "aws_iam_group_policy_attachment.view_only", PASS),
    (ATTACHMENTS, "aws_iam_role.quiet", PASS),
]


def spec(params: dict[str, Any] | None = None) -> Spec:
    return Spec.model_validate(
        {
            "system": "breadth",
            "cloud": "aws",
            "document": "least privilege",
            "requirements": [
                {
                    "id": "IAM-1",
                    "claim": "no identity may do everything",
                    "source": {"system": "breadth", "section": "iam"},
                    "controls": [{"id": "no-admin-star-policy", "params": params or {}}],
                }
            ],
        }
    )


def verdicts(shape: str, params: dict[str, Any] | None = None) -> dict[str, tuple[Verdict, str]]:
    inventory = load_plan(SHAPES / shape / "plan.json")
    return {s.split(":", 1)[1]: (v, m) for _, s, v, m in judge_all(spec(params), [inventory])}


@pytest.mark.parametrize(("shape", "address", "expected"), CASES)
def test_the_grant_gets_its_verdict(shape: str, address: str, expected: Verdict) -> None:
    verdict, message = verdicts(shape)[address]
    assert verdict is expected, message


def test_roles_that_hold_no_policy_of_their_own_are_not_subjects() -> None:
    found = verdicts(ATTACHMENTS)
    assert "aws_iam_role.r" not in found and "aws_iam_role.exclusive" not in found


def test_the_failure_says_what_made_the_grant_broad() -> None:
    found = verdicts(GRANTS)
    assert "aws:SecureTransport" in found["aws_iam_policy.star_over_tls"][1]
    assert "NotAction" in found["aws_iam_policy.all_but_iam_nearly_everywhere"][1]
    assert "aws:SourceVpce" in found["aws_iam_policy.star_through_endpoint"][1]
    legacy = verdicts(ATTACHMENTS)["aws_iam_role.legacy"][1]
    assert "PowerUserAccess" in legacy and "inline_policy" in legacy


def test_a_network_narrows_a_grant_only_when_the_spec_says_so() -> None:
    """narrowing_condition_keys: [] — no condition makes a grant of everything narrow."""
    strict = verdicts(GRANTS, {"narrowing_condition_keys": []})
    assert strict["aws_iam_policy.star_from_the_office"][0] is FAIL
    assert strict["aws_iam_policy.star_through_endpoint"][0] is FAIL


def test_the_list_of_broad_managed_policies_is_the_specs() -> None:
    only_admin = verdicts(ATTACHMENTS, {"broad_managed_policies": ["AdministratorAccess"]})
    assert only_admin["aws_iam_role_policy_attachment.power_user"][0] is PASS
    extended = verdicts(ATTACHMENTS, {"broad_managed_policies": ["*ReadOnly*", "job-function/*"]})
    assert extended["aws_iam_role_policy_attachment.read_only"][0] is FAIL
    assert extended["aws_iam_group_policy_attachment.view_only"][0] is FAIL
