# AWS managed policies that grant (nearly) everything, attached in each way Terraform can.
resource "aws_iam_role" "r" {
  name               = "bm-r"
  assume_role_policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="sts:AssumeRole",Principal={Service="ec2.amazonaws.com"}}]})
}
resource "aws_iam_user" "u" { name = "bm-u" }
resource "aws_iam_group" "g" { name = "bm-g" }

# every action but IAM, Organizations and Account ones, on everything
resource "aws_iam_role_policy_attachment" "power_user" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}
# iam:* on everything: grants itself anything
resource "aws_iam_user_policy_attachment" "iam_full" {
  user       = aws_iam_user.u.name
  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"
}
# "as powerful as AdministratorAccess" (AWS Amplify's own words), in the China partition
resource "aws_iam_group_policy_attachment" "amplify_admin" {
  group      = aws_iam_group.g.name
  policy_arn = "arn:aws-cn:iam::aws:policy/AdministratorAccess-Amplify"
}
# PowerUserAccess in GovCloud, to a role, a user and a group at once
resource "aws_iam_policy_attachment" "power_to_all" {
  name       = "bm-power-to-all"
  roles      = [aws_iam_role.r.name]
  users      = [aws_iam_user.u.name]
  groups     = [aws_iam_group.g.name]
  policy_arn = "arn:aws-us-gov:iam::aws:policy/PowerUserAccess"
}

# --- the compliant side ---------------------------------------------------------------
resource "aws_iam_role_policy_attachment" "read_only" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
resource "aws_iam_group_policy_attachment" "view_only" {
  group      = aws_iam_group.g.name
  policy_arn = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
}

# the role's own managed_policy_arns and inline_policy blocks
resource "aws_iam_role" "legacy" {
  name                = "bm-legacy"
  assume_role_policy  = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="sts:AssumeRole",Principal={Service="ec2.amazonaws.com"}}]})
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/PowerUserAccess"]
  inline_policy {
    name   = "bm-inline-over-tls"
    policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="*",Resource="*",Condition={Bool={"aws:SecureTransport"="true"}}}]})
  }
}
# the exclusive set of a role's managed policies
resource "aws_iam_role" "exclusive" {
  name               = "bm-exclusive"
  assume_role_policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="sts:AssumeRole",Principal={Service="ec2.amazonaws.com"}}]})
}
resource "aws_iam_role_policy_attachments_exclusive" "exclusive" {
  role_name   = aws_iam_role.exclusive.name
  policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/IAMFullAccess"]
}
# a role with only read-only ones
resource "aws_iam_role" "quiet" {
  name                = "bm-quiet"
  assume_role_policy  = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="sts:AssumeRole",Principal={Service="ec2.amazonaws.com"}}]})
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}
