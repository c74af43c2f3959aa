resource "aws_s3_bucket" "b" { bucket = "rv-pol" }
data "aws_iam_policy_document" "admin" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "main" {
  source_policy_documents = [data.aws_iam_policy_document.admin.json]
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b.arn}/*"]
  }
}
resource "aws_iam_policy" "p" {
  name   = "rv-p"
  policy = data.aws_iam_policy_document.main.json
}
resource "aws_iam_role" "r" {
  name = "rv-r"
  assume_role_policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="sts:AssumeRole",Principal={Service="ec2.amazonaws.com"}}]})
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = aws_iam_policy.p.arn
}
