"""IAM (global, collected once): roles, users, groups, their inline and attached policies,
customer-managed policies, and the account summary.

One paginated GetAccountAuthorizationDetails call returns the principals with
their policies; per user, the login profile and MFA devices are read.
"""

from __future__ import annotations

from typing import Any

from archproof.inventory.model import Unknown
from archproof.sources.aws.base import Scan, iso, policy_text, tag_dict

PRINCIPALS = ("role", "user", "group")
KINDS = (
    *(
        f"aws_iam_{p}{suffix}"
        for p in PRINCIPALS
        for suffix in ("", "_policy", "_policy_attachment")
    ),
    "aws_iam_policy",
    "aws_iam_account_summary",
)
_DETAIL_KINDS = tuple(k for k in KINDS if k != "aws_iam_account_summary")


def collect(scan: Scan) -> None:
    iam = scan.client("iam")
    answer = _details(scan, iam)
    if answer is not None:
        for role in answer["RoleDetailList"]:
            _principal(scan, "role", role)
        for group in answer["GroupDetailList"]:
            _principal(scan, "group", group)
        for user in answer["UserDetailList"]:
            _principal(scan, "user", user, _user_extras(scan, iam, user["UserName"]))
        for policy in answer["Policies"]:
            _policy(scan, policy)
    summary = scan.call(iam, "get_account_summary", ("aws_iam_account_summary",))
    if summary is not None:
        values = summary.get("SummaryMap", {})
        address = f"iam-account-summary:{scan.account}"
        attrs = {
            "account_mfa_enabled": values.get("AccountMFAEnabled") == 1,
            "account_access_keys_present": values.get("AccountAccessKeysPresent") == 1,
            "summary_map": dict(values),
        }
        scan.add("aws_iam_account_summary", address, attrs, ids=(address,), region="")


def _details(scan: Scan, iam: Any) -> dict[str, list[Any]] | None:
    lists = ("RoleDetailList", "GroupDetailList", "UserDetailList", "Policies")
    wanted = ["Role", "Group", "User", "LocalManagedPolicy"]
    pages = scan.pages(iam, "get_account_authorization_details", _DETAIL_KINDS, Filter=wanted)
    if pages is None:
        return None
    return {name: [item for page in pages for item in page.get(name, ())] for name in lists}


def _user_extras(scan: Scan, iam: Any, user: str) -> dict[str, Any]:
    kinds = ("aws_iam_user",)
    login = scan.call(iam, "get_login_profile", kinds, absent=("NoSuchEntity",), UserName=user)
    devices = scan.items(iam, "list_mfa_devices", "MFADevices[]", kinds, UserName=user)
    return {
        "password_enabled": Unknown("the login profile could not be read")
        if login is None
        else bool(login),
        "mfa_devices": Unknown("the MFA devices could not be read")
        if devices is None
        else [d["SerialNumber"] for d in devices],
    }


def _principal(
    scan: Scan, kind: str, item: dict[str, Any], extras: dict[str, Any] | None = None
) -> None:
    key = kind.capitalize()
    name, arn = item[f"{key}Name"], item.get("Arn")
    attrs: dict[str, Any] = {
        "name": name,
        "id": name,
        "arn": arn,
        "unique_id": item.get(f"{key}Id"),
        "path": item.get("Path"),
        "create_date": iso(item.get("CreateDate")),
        **(extras or {}),
    }
    if kind == "role":
        attrs["assume_role_policy"] = policy_text(item.get("AssumeRolePolicyDocument"))
        attrs["max_session_duration"] = item.get("MaxSessionDuration")
        attrs["last_used"] = iso((item.get("RoleLastUsed") or {}).get("LastUsedDate"))
    if kind in ("role", "user"):
        boundary = item.get("PermissionsBoundary") or {}
        attrs["permissions_boundary"] = boundary.get("PermissionsBoundaryArn")
    if kind == "user":
        attrs["groups"] = list(item.get("GroupList", ()))
    scan.add(
        f"aws_iam_{kind}",
        name,
        attrs,
        ids=(name, arn, item.get(f"{key}Id")),
        tags=tag_dict(item.get("Tags")),
        region="",
    )
    for inline in item.get(f"{key}PolicyList", ()):
        address = f"{name}:{inline['PolicyName']}"
        attrs = {
            kind: name,
            "name": inline["PolicyName"],
            "policy": policy_text(inline.get("PolicyDocument")),
        }
        scan.add(f"aws_iam_{kind}_policy", address, attrs, ids=(address,), region="")
    for attached in item.get("AttachedManagedPolicies", ()):
        address = f"{name}/{attached['PolicyArn']}"
        attrs = {
            kind: name,
            "policy_arn": attached["PolicyArn"],
            "policy_name": attached.get("PolicyName"),
        }
        scan.add(f"aws_iam_{kind}_policy_attachment", address, attrs, ids=(address,), region="")


def _policy(scan: Scan, policy: dict[str, Any]) -> None:
    arn = policy["Arn"]
    default = policy.get("DefaultVersionId")
    versions = policy.get("PolicyVersionList", ())
    document = next(
        (
            v.get("Document")
            for v in versions
            if v.get("IsDefaultVersion") or v.get("VersionId") == default
        ),
        None,
    )
    scan.add(
        "aws_iam_policy",
        arn,
        {
            "arn": arn,
            "id": arn,
            "name": policy.get("PolicyName") or arn.rsplit("/", 1)[-1],
            "path": policy.get("Path"),
            "description": policy.get("Description"),
            "policy_id": policy.get("PolicyId"),
            "policy": policy_text(document),
            "default_version_id": default,
            "attachment_count": policy.get("AttachmentCount"),
        },
        ids=(arn,),
        tags=tag_dict(policy.get("Tags")),
        region="",
    )
