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
# the listener really serves this IAM certificate (expires in 2 days)
resource "aws_lb_target_group" "web" {
  name     = "rv-web19"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = aws_acm_certificate_validation.site.certificate_arn
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
# an SNI certificate this plan does not hold (imported elsewhere, expiry unknown)
resource "aws_lb_listener_certificate" "legacy" {
  listener_arn    = aws_lb_listener.https.arn
  certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/0b1e2c3d-legacy"
}
