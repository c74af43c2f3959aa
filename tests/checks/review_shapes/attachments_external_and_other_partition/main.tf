resource "aws_iam_role" "r" {
  name = "rv-r18"
  assume_role_policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="sts:AssumeRole",Principal={Service="ec2.amazonaws.com"}}]})
}
# a customer-managed policy that is not in this plan (could be Allow * on *)
resource "aws_iam_role_policy_attachment" "external" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::123456789012:policy/platform-break-glass"
}
# AdministratorAccess in another partition
resource "aws_iam_role_policy_attachment" "gov" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"
}
