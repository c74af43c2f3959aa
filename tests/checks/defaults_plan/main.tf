# What a configuration leaves to AWS, the kinds module code uses, and tiers named by address.
# Planned with terraform 1.11 and the AWS provider 5.100 against a local control plane.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "unlogged" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_flow_log" "main" {
  vpc_id               = aws_vpc.main.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = aws_s3_bucket.plain.arn
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_subnet" "database" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.3.0/24"
  availability_zone = "eu-west-1a"
}

# Named private, routed to the internet gateway.
resource "aws_subnet" "private_misrouted" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.4.0/24"
  availability_zone = "eu-west-1b"
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.main.id
  }
}

resource "aws_route_table" "isolated" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

resource "aws_route_table_association" "database" {
  subnet_id      = aws_subnet.database.id
  route_table_id = aws_route_table.isolated.id
}

resource "aws_route_table_association" "private_misrouted" {
  subnet_id      = aws_subnet.private_misrouted.id
  route_table_id = aws_route_table.public.id
}

resource "aws_s3_bucket" "plain" {
  bucket = "archproof-defaults-plain"
}

resource "aws_sqs_queue" "plain" {
  name = "archproof-defaults-plain"
}

resource "aws_db_subnet_group" "db" {
  name       = "defaults-db"
  subnet_ids = [aws_subnet.database.id, aws_subnet.private.id]
}

resource "aws_db_instance" "plain" {
  identifier           = "defaults-plain"
  engine               = "postgres"
  instance_class       = "db.t3.micro"
  allocated_storage    = 20
  username             = "app"
  password             = "not-a-real-password"
  skip_final_snapshot  = true
  db_subnet_group_name = aws_db_subnet_group.db.name
}

resource "aws_lb" "web" {
  name    = "defaults-web"
  subnets = [aws_subnet.public.id, aws_subnet.private_misrouted.id]
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}

# A rule on the plain-HTTP listener that answers instead of redirecting.
resource "aws_lb_listener_rule" "health" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10
  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "200"
    }
  }
  condition {
    path_pattern {
      values = ["/health"]
    }
  }
}

resource "aws_lb_target_group" "web" {
  name     = "defaults-web"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}

resource "aws_launch_template" "bare" {
  name          = "defaults-bare"
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
}

resource "aws_launch_template" "hardened" {
  name          = "defaults-hardened"
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      encrypted = true
    }
  }
}

resource "aws_launch_template" "lenient" {
  name          = "defaults-lenient"
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "optional"
  }
}

resource "aws_autoscaling_group" "web" {
  name                = "defaults-web"
  min_size            = 2
  max_size            = 4
  vpc_zone_identifier = [aws_subnet.private.id]
  launch_template {
    id      = aws_launch_template.hardened.id
    version = "$Latest"
  }
}

resource "aws_autoscaling_traffic_source_attachment" "web" {
  autoscaling_group_name = aws_autoscaling_group.web.name
  traffic_source {
    identifier = aws_lb_target_group.web.arn
    type       = "elbv2"
  }
}

resource "aws_network_interface" "worker" {
  subnet_id = aws_subnet.private.id
}

resource "aws_instance" "worker" {
  ami           = "ami-12c6146b"
  instance_type = "t3.micro"
  network_interface {
    network_interface_id = aws_network_interface.worker.id
    device_index         = 0
  }
}

# A Classic Load Balancer: plain HTTP only, no access logs, no web ACL possible.
resource "aws_elb" "classic" {
  name    = "defaults-classic"
  subnets = [aws_subnet.public.id, aws_subnet.private_misrouted.id]
  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 8080
    instance_protocol = "http"
  }
}
