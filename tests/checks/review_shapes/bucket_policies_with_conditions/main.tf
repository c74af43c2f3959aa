# Bucket policies that allow everyone under a condition, one bucket each. No public access
# block here: S3's default (all four settings on) applies, so only the policy decides.
locals {
  policies = {
    # only over TLS: anyone on the internet can use TLS
    tls_only = [{Effect="Allow",Principal="*",Action="s3:GetObject",Resource="arn:aws:s3:::bp-tls-only/*",Condition={Bool={"aws:SecureTransport"="true"}}}]
    # any AWS account, as long as the request is in one region
    any_account_one_region = [{Effect="Allow",Principal={AWS="*"},Action="s3:GetObject",Resource="arn:aws:s3:::bp-any-account-one-region/*",Condition={StringEquals={"aws:RequestedRegion"="eu-west-1"}}}]
    # AWS's own example of a public policy: a VPC id with a wildcard
    any_vpc = [{Effect="Allow",Principal="*",Action="s3:PutObject",Resource="arn:aws:s3:::bp-any-vpc/*",Condition={StringLike={"aws:SourceVpc"="vpc-*"}}}]
    # half the internet is not a set of addresses
    half_the_internet = [{Effect="Allow",Principal="*",Action="s3:GetObject",Resource="arn:aws:s3:::bp-half-the-internet/*",Condition={IpAddress={"aws:SourceIp"="0.0.0.0/1"}}}]
    # every address but one private range
    not_from_private = [{Effect="Allow",Principal="*",Action="s3:GetObject",Resource="arn:aws:s3:::bp-not-from-private/*",Condition={NotIpAddress={"aws:SourceIp"="10.0.0.0/8"}}}]
    # through the endpoint "if there is one": a request from the internet has none
    endpoint_if_exists = [{Effect="Allow",Principal="*",Action="s3:GetObject",Resource="arn:aws:s3:::bp-endpoint-if-exists/*",Condition={StringEqualsIfExists={"aws:SourceVpce"="vpce-1a2b3c4d"}}}]
    # everyone but one account
    not_principal = [{Effect="Allow",NotPrincipal={AWS="arn:aws:iam::111122223333:root"},Action="s3:GetObject",Resource="arn:aws:s3:::bp-not-principal/*",Condition={Bool={"aws:SecureTransport"="true"}}}]
    # an open read beside the usual deny of plain HTTP: the deny narrows nobody
    open_with_tls_deny = [
      {Effect="Allow",Principal="*",Action="s3:GetObject",Resource="arn:aws:s3:::bp-open-with-tls-deny/*"},
      {Effect="Deny",Principal="*",Action="s3:*",Resource=["arn:aws:s3:::bp-open-with-tls-deny","arn:aws:s3:::bp-open-with-tls-deny/*"],Condition={Bool={"aws:SecureTransport"="false"}}},
    ]
    # an open read beside a deny of one endpoint only: everyone else still reads
    open_with_endpoint_deny = [
      {Effect="Allow",Principal="*",Action="s3:GetObject",Resource="arn:aws:s3:::bp-open-with-endpoint-deny/*"},
      {Effect="Deny",Principal="*",Action="s3:*",Resource="arn:aws:s3:::bp-open-with-endpoint-deny/*",Condition={StringEquals={"aws:SourceVpce"="vpce-0bad"}}},
    ]
    # anyone Facebook signs in (AWS's own example of a public policy)
    federated = [{Effect="Allow",Principal={Federated="graph.facebook.com"},Action="s3:PutObject",Resource="arn:aws:s3:::bp-federated/*"}]
    # --- not public ---
    # only through one VPC endpoint
    one_endpoint = [{Effect="Allow",Principal="*",Action="s3:GetObject",Resource="arn:aws:s3:::bp-one-endpoint/*",Condition={StringEquals={"aws:SourceVpce"="vpce-1a2b3c4d"}}}]
    # only principals of one organization, over TLS
    one_organization = [{Effect="Allow",Principal={AWS="*"},Action="s3:GetObject",Resource="arn:aws:s3:::bp-one-organization/*",Condition={StringEquals={"aws:PrincipalOrgID"="o-a1b2c3d4e5"},Bool={"aws:SecureTransport"="true"}}}]
    # only from an office range
    office_range = [{Effect="Allow",Principal="*",Action="s3:GetObject",Resource="arn:aws:s3:::bp-office-range/*",Condition={IpAddress={"aws:SourceIp"=["203.0.113.0/24","2001:db8::/48"]}}}]
    # a named account
    named_account = [{Effect="Allow",Principal={AWS="arn:aws:iam::111122223333:root"},Action="s3:GetObject",Resource="arn:aws:s3:::bp-named-account/*"}]
    # open as written, but every request not through one endpoint is denied
    denied_outside_endpoint = [
      {Effect="Allow",Principal="*",Action="s3:GetObject",Resource="arn:aws:s3:::bp-denied-outside-endpoint/*"},
      {Effect="Deny",Principal="*",Action="s3:*",Resource=["arn:aws:s3:::bp-denied-outside-endpoint","arn:aws:s3:::bp-denied-outside-endpoint/*"],Condition={StringNotEquals={"aws:SourceVpce"="vpce-1a2b3c4d"}}},
    ]
  }
}
resource "aws_s3_bucket" "b" {
  for_each = local.policies
  bucket   = "bp-${replace(each.key, "_", "-")}"
}
resource "aws_s3_bucket_policy" "p" {
  for_each = local.policies
  bucket   = aws_s3_bucket.b[each.key].id
  policy   = jsonencode({Version="2012-10-17",Statement=each.value})
}
