resource "aws_s3_bucket" "a" { bucket = "rv-a" }
resource "aws_s3_bucket" "b" { bucket = "rv-b" }
resource "aws_s3_bucket_public_access_block" "p" {
  for_each = { x = aws_s3_bucket.a.id, y = aws_s3_bucket.b.id }
  bucket                  = each.value
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}
