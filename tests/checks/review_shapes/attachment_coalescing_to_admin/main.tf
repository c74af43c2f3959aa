variable "policy_arn_override" {
  type    = string
  default = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_policy" "p" {
  name   = "rv-p9"
  policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="s3:GetObject",Resource="*"}]})
}
resource "aws_iam_role" "r" {
  name = "rv-r9"
  assume_role_policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="sts:AssumeRole",Principal={Service="ec2.amazonaws.com"}}]})
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = coalesce(var.policy_arn_override, aws_iam_policy.p.arn)
}
