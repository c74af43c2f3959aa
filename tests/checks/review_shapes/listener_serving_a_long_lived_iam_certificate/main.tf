resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "eu-west-1b"
}
resource "aws_lb" "web" {
  name    = "rv-web"
  subnets = [aws_subnet.a.id, aws_subnet.b.id]
}
resource "aws_acm_certificate" "site" {
  domain_name       = "www.example.com"
  validation_method = "DNS"
}
resource "aws_acm_certificate_validation" "site" {
  certificate_arn = aws_acm_certificate.site.arn
}
# the listener really serves this IAM certificate (is good for another five years)
resource "aws_iam_server_certificate" "legacy" {
  name             = "rv-legacy23"
  certificate_body = file("${path.module}/cert.pem")
  private_key      = file("${path.module}/key.pem")
}
locals {
  listener_cert = aws_iam_server_certificate.legacy.arn
}
resource "aws_lb_target_group" "web" {
  name     = "rv-web23"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = local.listener_cert
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
