# Grants of everything that do not read "Action": "*" on "Resource": "*" without a condition.
resource "aws_iam_role" "r" {
  name               = "bt-r"
  assume_role_policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="sts:AssumeRole",Principal={Service="ec2.amazonaws.com"}}]})
}
resource "aws_iam_user" "u" { name = "bt-u" }

# "*:*": every action of every service
resource "aws_iam_policy" "star_colon_star" {
  name   = "bt-star-colon-star"
  policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="*:*",Resource="*"}]})
}
# only over TLS: every request can be made over TLS
resource "aws_iam_policy" "star_over_tls" {
  name   = "bt-star-over-tls"
  policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="*",Resource="*",Condition={Bool={"aws:SecureTransport"="true"}}}]})
}
# in any region
resource "aws_iam_role_policy" "star_any_region" {
  role   = aws_iam_role.r.id
  name   = "bt-any-region"
  policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action=["*:*"],Resource=["*"],Condition={StringLike={"aws:RequestedRegion"="*"}}}]})
}
# signed in with MFA, and only for this very user: still everything, for them
resource "aws_iam_user_policy" "star_with_mfa" {
  user   = aws_iam_user.u.name
  name   = "bt-mfa"
  policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="*",Resource="*",Condition={Bool={"aws:MultiFactorAuthPresent"="true"},ArnEquals={"aws:PrincipalArn"="arn:aws:iam::123456789012:user/bt-u"}}}]})
}
# through a VPC endpoint "if there is one": a caller outside any VPC has none
resource "aws_iam_policy" "star_if_exists" {
  name   = "bt-star-if-exists"
  policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="*",Resource="*",Condition={StringEqualsIfExists={"aws:SourceVpce"="vpce-1a2b3c4d"}}}]})
}
# from an address range that is half the internet
resource "aws_iam_policy" "star_from_half_the_internet" {
  name   = "bt-star-half"
  policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="*",Resource="*",Condition={IpAddress={"aws:SourceIp"=["0.0.0.0/1","128.0.0.0/1"]}}}]})
}
# every action but IAM's, on every resource but one bucket
resource "aws_iam_policy" "all_but_iam_nearly_everywhere" {
  name   = "bt-not-resource"
  policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",NotAction=["iam:*"],NotResource="arn:aws:s3:::vault/*"}]})
}
# every action on every ARN
resource "aws_iam_user_policy" "star_on_every_arn" {
  user   = aws_iam_user.u.name
  name   = "bt-every-arn"
  policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="*",Resource="arn:aws:*:*:*:*"}]})
}
# a document: every action but Organizations', everywhere but one bucket
data "aws_iam_policy_document" "not_resources" {
  statement {
    not_actions   = ["organizations:*"]
    not_resources = ["arn:aws:s3:::vault"]
  }
}
resource "aws_iam_policy" "doc_not_resources" {
  name   = "bt-doc-not-resources"
  policy = data.aws_iam_policy_document.not_resources.json
}
# a document: * on * over TLS, every action but IAM's under a region condition
data "aws_iam_policy_document" "conditioned" {
  statement {
    actions   = ["*"]
    resources = ["*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["true"]
    }
  }
  statement {
    not_actions = ["iam:*"]
    resources   = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = ["eu-west-1"]
    }
  }
}
resource "aws_iam_policy" "doc_conditioned" {
  name   = "bt-doc-conditioned"
  policy = data.aws_iam_policy_document.conditioned.json
}

# --- the compliant side ---------------------------------------------------------------
# * on * only from one office range: confined to a network
resource "aws_iam_policy" "star_from_the_office" {
  name   = "bt-star-office"
  policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="*",Resource="*",Condition={IpAddress={"aws:SourceIp"="203.0.113.0/24"}}}]})
}
# nothing but what NotAction "*" leaves: nothing
resource "aws_iam_policy" "not_everything" {
  name   = "bt-not-everything"
  policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",NotAction="*",Resource="*"}]})
}
# every S3 action on every ARN of S3
resource "aws_iam_policy" "s3_everywhere" {
  name   = "bt-s3"
  policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="s3:*",Resource="arn:aws:s3:::*"}]})
}

# --- what the plan cannot say ------------------------------------------------------------
# * on * only through a VPC endpoint the plan creates: its id is known after apply
resource "aws_vpc" "v" { cidr_block = "10.9.0.0/16" }
resource "aws_vpc_endpoint" "s3" {
  vpc_id       = aws_vpc.v.id
  service_name = "com.amazonaws.eu-west-1.s3"
}
data "aws_iam_policy_document" "through_endpoint" {
  statement {
    actions   = ["*"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceVpce"
      values   = [aws_vpc_endpoint.s3.id]
    }
  }
}
resource "aws_iam_policy" "star_through_endpoint" {
  name   = "bt-star-endpoint"
  policy = data.aws_iam_policy_document.through_endpoint.json
}
