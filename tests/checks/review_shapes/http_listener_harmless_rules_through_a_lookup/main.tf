# Rules found through a lookup that only redirect to HTTPS or refuse: harmless on any listener.
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
data "aws_lb_listener" "port80" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  depends_on        = [aws_lb_listener.http]
}
resource "aws_lb_listener_rule" "www" {
  listener_arn = data.aws_lb_listener.port80.arn
  priority     = 20
  action {
    type = "redirect"
    redirect {
      host        = "www.example.com"
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
  condition {
    host_header { values = ["example.com"] }
  }
}
resource "aws_lb_listener_rule" "closed" {
  listener_arn = data.aws_lb_listener.port80.arn
  priority     = 30
  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
  condition {
    path_pattern { values = ["/admin/*"] }
  }
}
