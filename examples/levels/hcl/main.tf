terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "us-west-2"
}

module "network" {
  source = "./modules/network"

  name                 = "levels"
  environment          = "production"
  vpc_cidr             = "10.0.0.0/16"
  azs                  = ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"]
  admin_cidr           = "198.51.100.0/24"
  public_subnet_cidrs  = ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]
  private_subnet_cidrs = ["10.0.10.0/24", "10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24"]
  data_subnet_cidrs    = ["10.0.20.0/24", "10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24"]
}

resource "aws_vpc" "nonprod" {
  cidr_block           = "10.1.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name        = "levels-nonprod-vpc"
    Environment = "non-production"
  }
}

resource "aws_default_security_group" "nonprod" {
  vpc_id  = aws_vpc.nonprod.id
  ingress = []
  egress  = []

  tags = {
    Name = "levels-nonprod-default-deny-all"
  }
}

resource "aws_security_group" "lb" {
  name        = "levels-lb"
  description = "API load balancer: HTTPS and HTTP from the internet"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "levels-lb"
  }
}

resource "aws_security_group" "internal_lb" {
  name        = "levels-internal_lb"
  description = "Worker health checks: from inside the VPC only"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "levels-internal_lb"
  }
}

resource "aws_security_group" "bastion" {
  name        = "levels-bastion"
  description = "Bastion: SSH from the allow-list only"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "levels-bastion"
    Role = "bastion"
  }
}

resource "aws_security_group" "app" {
  name        = "levels-app"
  description = "API servers: API port from the load balancer"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "levels-app"
    Role = "app"
  }
}

resource "aws_security_group" "worker" {
  name        = "levels-worker"
  description = "Workers: health port from the internal load balancer"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "levels-worker"
    Role = "worker"
  }
}

resource "aws_security_group" "db" {
  name        = "levels-db"
  description = "Aurora: MySQL from the API servers and workers only"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "levels-db"
  }
}

resource "aws_vpc_security_group_ingress_rule" "lb_https" {
  security_group_id = aws_security_group.lb.id
  description       = "HTTPS from clients"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "lb_http" {
  security_group_id = aws_security_group.lb.id
  description       = "HTTP from clients, redirected"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "lb_to_api" {
  security_group_id = aws_security_group.lb.id
  description       = "To the API"
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8080
  cidr_ipv4         = module.network.vpc_cidr_block
}

resource "aws_vpc_security_group_ingress_rule" "internal_lb_http" {
  security_group_id = aws_security_group.internal_lb.id
  description       = "HTTP from inside the VPC"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = module.network.vpc_cidr_block
}

resource "aws_vpc_security_group_egress_rule" "internal_lb_to_workers" {
  security_group_id = aws_security_group.internal_lb.id
  description       = "To the workers"
  ip_protocol       = "tcp"
  from_port         = 8081
  to_port           = 8081
  cidr_ipv4         = module.network.vpc_cidr_block
}

resource "aws_vpc_security_group_ingress_rule" "bastion_ssh" {
  security_group_id = aws_security_group.bastion.id
  description       = "SSH from the allow-list"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "198.51.100.0/24"
}

resource "aws_vpc_security_group_egress_rule" "bastion_ssh_out" {
  security_group_id = aws_security_group.bastion.id
  description       = "SSH to the servers"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = module.network.vpc_cidr_block
}

resource "aws_vpc_security_group_ingress_rule" "app_from_lb" {
  security_group_id            = aws_security_group.app.id
  description                  = "API traffic"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.lb.id
}

resource "aws_vpc_security_group_ingress_rule" "app_ssh" {
  security_group_id            = aws_security_group.app.id
  description                  = "SSH from bastion"
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = 22
  referenced_security_group_id = aws_security_group.bastion.id
}

resource "aws_vpc_security_group_egress_rule" "app_out" {
  security_group_id = aws_security_group.app.id
  description       = "Out via NAT"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "worker_health" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Health checks"
  ip_protocol                  = "tcp"
  from_port                    = 8081
  to_port                      = 8081
  referenced_security_group_id = aws_security_group.internal_lb.id
}

resource "aws_vpc_security_group_ingress_rule" "worker_ssh" {
  security_group_id            = aws_security_group.worker.id
  description                  = "SSH from bastion"
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = 22
  referenced_security_group_id = aws_security_group.bastion.id
}

resource "aws_vpc_security_group_egress_rule" "worker_out" {
  security_group_id = aws_security_group.worker.id
  description       = "Out via NAT"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "db_from_app" {
  security_group_id            = aws_security_group.db.id
  description                  = "MySQL from the API"
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  referenced_security_group_id = aws_security_group.app.id
}

resource "aws_vpc_security_group_ingress_rule" "db_from_worker" {
  security_group_id            = aws_security_group.db.id
  description                  = "MySQL from the workers"
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  referenced_security_group_id = aws_security_group.worker.id
}

resource "aws_acm_certificate" "api" {
  domain_name       = "api.levels.example"
  validation_method = "DNS"

  tags = {
    Name = "levels-api"
  }
}

resource "aws_acm_certificate_validation" "api" {
  certificate_arn = aws_acm_certificate.api.arn
}

resource "aws_lb" "api" {
  name                       = "levels-api"
  internal                   = false
  load_balancer_type         = "application"
  subnets                    = module.network.public_subnet_ids
  security_groups            = [aws_security_group.lb.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = true

  tags = {
    Name = "levels-api"
  }

  access_logs {
    bucket  = aws_s3_bucket.logs.id
    prefix  = "alb"
    enabled = true
  }

  depends_on = [aws_s3_bucket_policy.logs]
}

resource "aws_lb_target_group" "api" {
  name        = "levels-api"
  port        = 8080
  protocol    = "HTTP"
  target_type = "instance"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "levels-api"
  }

  health_check {
    enabled             = true
    path                = "/healthz"
    protocol            = "HTTP"
    port                = "traffic-port"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 3
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.api.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = aws_acm_certificate_validation.api.certificate_arn

  tags = {
    Name = "levels-https"
  }

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.api.arn
  port              = 80
  protocol          = "HTTP"

  tags = {
    Name = "levels-http"
  }

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb" "workers" {
  name                       = "levels-workers"
  internal                   = true
  load_balancer_type         = "application"
  subnets                    = module.network.private_subnet_ids
  security_groups            = [aws_security_group.internal_lb.id]
  drop_invalid_header_fields = true

  tags = {
    Name = "levels-workers"
  }
}

resource "aws_lb_target_group" "worker" {
  name        = "levels-worker"
  port        = 8081
  protocol    = "HTTP"
  target_type = "instance"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "levels-worker"
  }

  health_check {
    enabled             = true
    path                = "/healthz"
    protocol            = "HTTP"
    port                = "traffic-port"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 3
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "workers" {
  load_balancer_arn = aws_lb.workers.arn
  port              = 80
  protocol          = "HTTP"

  tags = {
    Name = "levels-workers"
  }

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.worker.arn
  }
}

resource "aws_instance" "bastion" {
  ami                         = "ami-0a1b2c3d4e5f60718"
  instance_type               = "t3.micro"
  subnet_id                   = module.network.public_subnet_ids[0]
  vpc_security_group_ids      = [aws_security_group.bastion.id]
  associate_public_ip_address = true

  tags = {
    Name = "levels-bastion"
    Role = "bastion"
  }

  root_block_device {
    encrypted   = true
    volume_type = "gp3"
    volume_size = 20
  }

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }
}

resource "aws_iam_role" "server" {
  name = "levels-server"

  assume_role_policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {
            "Service": "ec2.amazonaws.com"
          },
          "Action": "sts:AssumeRole"
        }
      ]
    }
  EOT

  tags = {
    Name = "levels-server"
  }
}

resource "aws_iam_role_policy" "server" {
  name = "levels-server"
  role = aws_iam_role.server.id

  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "ReadSecrets",
          "Effect": "Allow",
          "Action": [
            "ssm:GetParameter",
            "ssm:GetParametersByPath"
          ],
          "Resource": "arn:aws:ssm:us-west-2:*:parameter/levels/production/*"
        },
        {
          "Sid": "ReadStoredSecrets",
          "Effect": "Allow",
          "Action": [
            "secretsmanager:GetSecretValue"
          ],
          "Resource": "arn:aws:secretsmanager:us-west-2:*:secret:levels/production/*"
        },
        {
          "Sid": "Jobs",
          "Effect": "Allow",
          "Action": [
            "sqs:SendMessage",
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage"
          ],
          "Resource": "arn:aws:sqs:us-west-2:*:levels-production-jobs"
        },
        {
          "Sid": "Assets",
          "Effect": "Allow",
          "Action": [
            "s3:GetObject",
            "s3:PutObject"
          ],
          "Resource": "arn:aws:s3:::levels-production-*/*"
        }
      ]
    }
  EOT
}

resource "aws_iam_instance_profile" "server" {
  name = "levels-server"
  role = aws_iam_role.server.name

  tags = {
    Name = "levels-server"
  }
}

resource "aws_launch_template" "api" {
  name                   = "levels-api"
  image_id               = "ami-0a1b2c3d4e5f60718"
  instance_type          = "m6i.large"
  vpc_security_group_ids = [aws_security_group.app.id]

  tags = {
    Name = "levels-api"
  }

  iam_instance_profile {
    name = aws_iam_instance_profile.server.name
  }

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      encrypted   = true
      volume_type = "gp3"
      volume_size = 30
    }
  }
}

resource "aws_autoscaling_group" "api" {
  name                      = "levels-api"
  min_size                  = 2
  max_size                  = 8
  desired_capacity          = 2
  vpc_zone_identifier       = module.network.private_subnet_ids
  health_check_type         = "ELB"
  health_check_grace_period = 300
  target_group_arns         = [aws_lb_target_group.api.arn]

  launch_template {
    id      = aws_launch_template.api.id
    version = "$Latest"
  }

  tag {
    key                 = "Name"
    value               = "levels-api"
    propagate_at_launch = true
  }

  tag {
    key                 = "Role"
    value               = "app"
    propagate_at_launch = true
  }

  tag {
    key                 = "Environment"
    value               = "production"
    propagate_at_launch = true
  }
}

resource "aws_autoscaling_policy" "api" {
  name                   = "levels-api-cpu"
  autoscaling_group_name = aws_autoscaling_group.api.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    target_value = 60

    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
  }
}

resource "aws_launch_template" "worker" {
  name                   = "levels-worker"
  image_id               = "ami-0a1b2c3d4e5f60718"
  instance_type          = "m6i.large"
  vpc_security_group_ids = [aws_security_group.worker.id]

  tags = {
    Name = "levels-worker"
  }

  iam_instance_profile {
    name = aws_iam_instance_profile.server.name
  }

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      encrypted   = true
      volume_type = "gp3"
      volume_size = 30
    }
  }
}

resource "aws_autoscaling_group" "worker" {
  name                      = "levels-worker"
  min_size                  = 2
  max_size                  = 8
  desired_capacity          = 2
  vpc_zone_identifier       = module.network.private_subnet_ids
  health_check_type         = "ELB"
  health_check_grace_period = 300
  target_group_arns         = [aws_lb_target_group.worker.arn]

  launch_template {
    id      = aws_launch_template.worker.id
    version = "$Latest"
  }

  tag {
    key                 = "Name"
    value               = "levels-worker"
    propagate_at_launch = true
  }

  tag {
    key                 = "Role"
    value               = "worker"
    propagate_at_launch = true
  }

  tag {
    key                 = "Environment"
    value               = "production"
    propagate_at_launch = true
  }
}

resource "aws_autoscaling_policy" "worker" {
  name                   = "levels-worker-cpu"
  autoscaling_group_name = aws_autoscaling_group.worker.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    target_value = 60

    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
  }
}

resource "aws_db_subnet_group" "main" {
  name        = "levels-db"
  description = "Isolated data subnets, one per zone"
  subnet_ids  = module.network.data_subnet_ids

  tags = {
    Name = "levels-db"
  }
}

resource "aws_rds_cluster" "main" {
  cluster_identifier          = "levels-production"
  engine                      = "aurora-mysql"
  engine_version              = "8.0.mysql_aurora.3.05.2"
  database_name               = "levels"
  master_username             = "levels_admin"
  manage_master_user_password = true
  port                        = 3306
  storage_encrypted           = true
  backup_retention_period     = 7
  preferred_backup_window     = "03:00-04:00"
  db_subnet_group_name        = aws_db_subnet_group.main.name
  vpc_security_group_ids      = [aws_security_group.db.id]
  deletion_protection         = true
  skip_final_snapshot         = false
  final_snapshot_identifier   = "levels-production-final"
  copy_tags_to_snapshot       = true

  tags = {
    Name = "levels-production"
  }
}

resource "aws_rds_cluster_instance" "writer" {
  identifier           = "levels-production-writer"
  cluster_identifier   = aws_rds_cluster.main.id
  engine               = aws_rds_cluster.main.engine
  instance_class       = "db.r6g.large"
  availability_zone    = "us-west-2a"
  publicly_accessible  = false
  db_subnet_group_name = aws_db_subnet_group.main.name

  tags = {
    Name = "levels-production-writer"
  }
}

resource "aws_rds_cluster_instance" "reader" {
  identifier           = "levels-production-reader"
  cluster_identifier   = aws_rds_cluster.main.id
  engine               = aws_rds_cluster.main.engine
  instance_class       = "db.r6g.large"
  availability_zone    = "us-west-2b"
  publicly_accessible  = false
  db_subnet_group_name = aws_db_subnet_group.main.name

  tags = {
    Name = "levels-production-reader"
  }
}

resource "aws_sqs_queue" "jobs" {
  name                              = "levels-production-jobs"
  kms_master_key_id                 = "alias/aws/sqs"
  kms_data_key_reuse_period_seconds = 300
  visibility_timeout_seconds        = 300
  message_retention_seconds         = 1209600

  tags = {
    Name = "levels-production-jobs"
  }
}

resource "aws_ssm_parameter" "db_password" {
  name        = "/levels/production/database/password"
  description = "Application database password"
  type        = "SecureString"
  value       = "set-out-of-band"

  tags = {
    Name = "levels-db-password"
  }
}

resource "aws_ssm_parameter" "api_secret_key" {
  name        = "/levels/production/api/secret-key"
  description = "API session signing key"
  type        = "SecureString"
  value       = "set-out-of-band"

  tags = {
    Name = "levels-api-secret-key"
  }
}

resource "aws_ssm_parameter" "db_host" {
  name        = "/levels/production/database/host"
  description = "Aurora writer endpoint (not a secret)"
  type        = "String"
  value       = aws_rds_cluster.main.endpoint

  tags = {
    Name = "levels-db-host"
  }
}

resource "aws_secretsmanager_secret" "third_party" {
  name                    = "levels/production/third-party-api-keys"
  description             = "API keys of third-party services"
  recovery_window_in_days = 30

  tags = {
    Name = "levels-third-party-api-keys"
  }
}

resource "aws_s3_bucket" "uploads" {
  bucket = "levels-production-uploads-usw2"

  tags = {
    Name    = "levels-production-uploads-usw2"
    Purpose = "user uploads"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "uploads" {
  bucket                  = aws_s3_bucket.uploads.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "content" {
  bucket = "levels-production-content-usw2"

  tags = {
    Name    = "levels-production-content-usw2"
    Purpose = "produced content"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "content" {
  bucket = aws_s3_bucket.content.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "content" {
  bucket                  = aws_s3_bucket.content.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "content" {
  bucket = aws_s3_bucket.content.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "web" {
  bucket = "levels-production-web-usw2"

  tags = {
    Name    = "levels-production-web-usw2"
    Purpose = "web assets"
    Served  = "cloudfront"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "web" {
  bucket = aws_s3_bucket.web.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "web" {
  bucket                  = aws_s3_bucket.web.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "web" {
  bucket = aws_s3_bucket.web.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "config" {
  bucket = "levels-production-config-usw2"

  tags = {
    Name    = "levels-production-config-usw2"
    Purpose = "configuration"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "config" {
  bucket = aws_s3_bucket.config.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "config" {
  bucket                  = aws_s3_bucket.config.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "config" {
  bucket = aws_s3_bucket.config.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "deploy" {
  bucket = "levels-production-deploy-usw2"

  tags = {
    Name    = "levels-production-deploy-usw2"
    Purpose = "deployment bundles"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "deploy" {
  bucket = aws_s3_bucket.deploy.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "deploy" {
  bucket                  = aws_s3_bucket.deploy.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "deploy" {
  bucket = aws_s3_bucket.deploy.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "upload_backups" {
  bucket = "levels-production-upload-backups-usw2"

  tags = {
    Name    = "levels-production-upload-backups-usw2"
    Purpose = "copies of uploaded originals"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "upload_backups" {
  bucket = aws_s3_bucket.upload_backups.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "upload_backups" {
  bucket                  = aws_s3_bucket.upload_backups.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "upload_backups" {
  bucket = aws_s3_bucket.upload_backups.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "logs" {
  bucket = "levels-production-logs-usw2"

  tags = {
    Name    = "levels-production-logs-usw2"
    Purpose = "load balancer access logs"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "web" {
  bucket = aws_s3_bucket.web.id

  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "CloudFrontReads",
          "Effect": "Allow",
          "Principal": {
            "Service": "cloudfront.amazonaws.com"
          },
          "Action": "s3:GetObject",
          "Resource": "arn:aws:s3:::levels-production-web-usw2/*",
          "Condition": {
            "StringLike": {
              "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/*"
            }
          }
        }
      ]
    }
  EOT

  depends_on = [aws_s3_bucket_public_access_block.web]
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id

  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "LoadBalancerLogs",
          "Effect": "Allow",
          "Principal": {
            "AWS": "arn:aws:iam::797873946194:root"
          },
          "Action": "s3:PutObject",
          "Resource": "arn:aws:s3:::levels-production-logs-usw2/alb/AWSLogs/123456789012/*"
        }
      ]
    }
  EOT

  depends_on = [aws_s3_bucket_public_access_block.logs]
}

resource "aws_cloudfront_origin_access_control" "web" {
  name                              = "levels-web-assets"
  description                       = "CloudFront signs its requests to the web assets bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_distribution" "web" {
  enabled         = true
  comment         = "levels web assets"
  aliases         = ["assets.levels.example"]
  price_class     = "PriceClass_100"
  http_version    = "http2"
  is_ipv6_enabled = true

  tags = {
    Name = "levels-web-assets"
  }

  origin {
    origin_id                = "web-assets"
    domain_name              = "${aws_s3_bucket.web.bucket}.s3.us-west-2.amazonaws.com"
    origin_access_control_id = aws_cloudfront_origin_access_control.web.id
  }

  default_cache_behavior {
    target_origin_id       = "web-assets"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    compress               = true
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = "arn:aws:acm:us-east-1:123456789012:certificate/7d3c0f5e-2b1a-4c8e-9f60-1a2b3c4d5e6f"
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}
