# Bucket policies rendered from policy documents that name the bucket (or a distribution):
# their JSON is known only after apply, their statements are in the plan. Each bucket's
# public access block leaves policies to the policy, so only the policy decides.
locals {
  buckets = toset(["open-over-tls", "open-to-a-distribution", "service-only"])
}
resource "aws_s3_bucket" "b" {
  for_each = local.buckets
  bucket   = "pd-${each.key}"
}
resource "aws_s3_bucket_public_access_block" "b" {
  for_each                = local.buckets
  bucket                  = aws_s3_bucket.b[each.key].id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = false
  restrict_public_buckets = false
}
resource "aws_cloudfront_origin_access_control" "oac" {
  name                              = "pd-oac"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}
resource "aws_cloudfront_distribution" "d" {
  enabled = true
  dynamic "origin" {
    for_each = local.buckets
    content {
      origin_id                = origin.key
      domain_name              = aws_s3_bucket.b[origin.key].bucket_regional_domain_name
      origin_access_control_id = aws_cloudfront_origin_access_control.oac.id
    }
  }
  default_cache_behavior {
    target_origin_id       = "service-only"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    forwarded_values {
      query_string = false
      cookies { forward = "none" }
    }
  }
  restrictions {
    geo_restriction { restriction_type = "none" }
  }
  viewer_certificate { cloudfront_default_certificate = true }
}
# everyone, over TLS: public
data "aws_iam_policy_document" "open_over_tls" {
  statement {
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b["open-over-tls"].arn}/*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["true"]
    }
  }
}
# everyone, from the distribution's ARN: confined, but to a value known only after apply
data "aws_iam_policy_document" "open_to_a_distribution" {
  statement {
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b["open-to-a-distribution"].arn}/*"]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudfront_distribution.d.arn]
    }
  }
}
# CloudFront's service principal only (the usual origin access control policy)
data "aws_iam_policy_document" "service_only" {
  statement {
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b["service-only"].arn}/*"]
    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.d.arn]
    }
  }
}
resource "aws_s3_bucket_policy" "open_over_tls" {
  bucket = aws_s3_bucket.b["open-over-tls"].id
  policy = data.aws_iam_policy_document.open_over_tls.json
}
resource "aws_s3_bucket_policy" "open_to_a_distribution" {
  bucket = aws_s3_bucket.b["open-to-a-distribution"].id
  policy = data.aws_iam_policy_document.open_to_a_distribution.json
}
resource "aws_s3_bucket_policy" "service_only" {
  bucket = aws_s3_bucket.b["service-only"].id
  policy = data.aws_iam_policy_document.service_only.json
}
