# Every resource of this configuration is the system's: the provider's default_tags put
# System=sys on all of them. Two buckets: "assets" (no tags of its own, versioned) and
# "uploads" (a Name tag of its own, versioning off).
provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  endpoints {
    acm = "http://127.0.0.1:5620"
    apigateway = "http://127.0.0.1:5620"
    autoscaling = "http://127.0.0.1:5620"
    backup = "http://127.0.0.1:5620"
    cloudformation = "http://127.0.0.1:5620"
    cloudfront = "http://127.0.0.1:5620"
    cloudtrail = "http://127.0.0.1:5620"
    cloudwatch = "http://127.0.0.1:5620"
    cognitoidp = "http://127.0.0.1:5620"
    dynamodb = "http://127.0.0.1:5620"
    ec2 = "http://127.0.0.1:5620"
    ecr = "http://127.0.0.1:5620"
    ecs = "http://127.0.0.1:5620"
    eks = "http://127.0.0.1:5620"
    elasticache = "http://127.0.0.1:5620"
    elb = "http://127.0.0.1:5620"
    elbv2 = "http://127.0.0.1:5620"
    events = "http://127.0.0.1:5620"
    iam = "http://127.0.0.1:5620"
    kms = "http://127.0.0.1:5620"
    lambda = "http://127.0.0.1:5620"
    logs = "http://127.0.0.1:5620"
    rds = "http://127.0.0.1:5620"
    redshift = "http://127.0.0.1:5620"
    route53 = "http://127.0.0.1:5620"
    s3 = "http://127.0.0.1:5620"
    secretsmanager = "http://127.0.0.1:5620"
    sns = "http://127.0.0.1:5620"
    sqs = "http://127.0.0.1:5620"
    ssm = "http://127.0.0.1:5620"
    sts = "http://127.0.0.1:5620"
    wafv2 = "http://127.0.0.1:5620"
  }
  default_tags {
    tags = { System = "sys" }
  }
}
resource "aws_s3_bucket" "assets" {
  bucket = "sys-assets"
}
resource "aws_s3_bucket_versioning" "assets" {
  bucket = aws_s3_bucket.assets.id
  versioning_configuration { status = "Enabled" }
}
resource "aws_s3_bucket" "uploads" {
  bucket = "sys-uploads"
  tags   = { Name = "uploads" }
}
