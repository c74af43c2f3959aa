# The API rule finds its listener by a lookup at apply: the plan cannot say it is the HTTP one.
# An internet-facing ALB whose plain-HTTP listener redirects by default, with rules beside it.
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
resource "aws_lb_target_group" "api" {
  name     = "rv-api"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}
# the rule finds its listener through a lookup: the plan cannot say which listener it is
data "aws_lb_listener" "port80" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  depends_on        = [aws_lb_listener.http]
}
resource "aws_lb_listener_rule" "api" {
  listener_arn = data.aws_lb_listener.port80.arn
  priority     = 10
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
  condition {
    path_pattern { values = ["/api/*"] }
  }
}
