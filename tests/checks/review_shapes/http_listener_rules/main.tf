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
# serves the API over plain HTTP: the violation
resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
  condition {
    path_pattern { values = ["/api/*"] }
  }
}
# harmless: a redirect of another host to HTTPS, and a refusal
resource "aws_lb_listener_rule" "www" {
  listener_arn = aws_lb_listener.http.arn
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
  listener_arn = aws_lb_listener.http.arn
  priority     = 30
  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "503"
    }
  }
  condition {
    path_pattern { values = ["/admin/*"] }
  }
}
