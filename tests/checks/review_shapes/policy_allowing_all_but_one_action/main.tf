resource "aws_iam_policy" "json" {
  name   = "rv-json"
  policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",NotAction="iam:DeleteAccountAlias",Resource="*"}]})
}
resource "aws_s3_bucket" "b" { bucket = "rv-pol7" }
data "aws_iam_policy_document" "doc" {
  statement {
    not_actions = ["iam:DeleteAccountAlias"]
    resources   = ["*"]
  }
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b.arn}/*"]
  }
}
resource "aws_iam_policy" "doc" {
  name   = "rv-doc"
  policy = data.aws_iam_policy_document.doc.json
}
