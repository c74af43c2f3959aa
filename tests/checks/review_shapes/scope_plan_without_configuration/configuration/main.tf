# The system (tag System=sys): a public ALB, an app security group, an app role.
# Their untagged attachments name them through locals (as module code does).
resource "aws_vpc" "sys" {
  cidr_block = "10.1.0.0/16"
  tags       = { Name = "sys", System = "sys" }
}
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.sys.id
  cidr_block        = "10.1.1.0/24"
  availability_zone = "eu-west-1a"
  tags              = { System = "sys" }
}
resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.sys.id
  cidr_block        = "10.1.2.0/24"
  availability_zone = "eu-west-1b"
  tags              = { System = "sys" }
}
resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  internal           = false
  subnets            = [aws_subnet.a.id, aws_subnet.b.id]
  tags               = { System = "sys" }
}
resource "aws_lb_target_group" "web" {
  name     = "web"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.sys.id
  tags     = { System = "sys" }
}
locals {
  lb_arn    = aws_lb.web.arn
  sg_id     = aws_security_group.app.id
  role_name = aws_iam_role.app.name
  role_id   = aws_iam_role.app.id
}
resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.sys.id
  tags   = { System = "sys" }
}
resource "aws_security_group_rule" "ssh_world" {
  type              = "ingress"
  security_group_id = local.sg_id
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  tags = { System = "sys" }
}
resource "aws_iam_role_policy" "admin" {
  name   = "admin"
  role   = local.role_id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}

resource "aws_lb_listener" "redirect" {
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
resource "aws_lb_listener" "plain_8080" {
  load_balancer_arn = local.lb_arn
  port              = 8080
  protocol          = "HTTP"
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "200"
    }
  }
}
resource "aws_iam_role_policy_attachment" "admin" {
  role       = local.role_id
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role_policy" "clean" {
  name   = "clean"
  role   = aws_iam_role.app.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::sys-bucket/*" }] })
}
