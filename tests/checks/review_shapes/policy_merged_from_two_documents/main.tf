resource "aws_s3_bucket" "b" { bucket = "rv-pol8" }
data "aws_iam_policy_document" "read" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b.arn}/*"]
  }
}
data "aws_iam_policy_document" "admin" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" {
  name = "rv-p8"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat(jsondecode(data.aws_iam_policy_document.read.json).Statement, jsondecode(data.aws_iam_policy_document.admin.json).Statement)
  })
}
