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
  region = "us-east-1"
}

module "network" {
  source = "./modules/network"

  name                 = "videoconf"
  vpc_cidr             = "10.30.0.0/16"
  azs                  = ["us-east-1a", "us-east-1b"]
  admin_cidr           = "203.0.113.0/24"
  public_subnet_cidrs  = ["10.30.0.0/24", "10.30.1.0/24"]
  private_subnet_cidrs = ["10.30.10.0/24", "10.30.11.0/24"]
  data_subnet_cidrs    = ["10.30.20.0/24", "10.30.21.0/24"]
}

resource "aws_security_group" "lb" {
  name        = "videoconf-lb"
  description = "Load balancer: HTTPS and HTTP from the internet"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "videoconf-lb"
  }
}

resource "aws_security_group" "bastion" {
  name        = "videoconf-bastion"
  description = "Bastion: SSH from the administrators' range only"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "videoconf-bastion"
    Role = "bastion"
  }
}

resource "aws_security_group" "app" {
  name        = "videoconf-app"
  description = "EKS worker nodes: application port from the load balancer only"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "videoconf-app"
  }
}

resource "aws_security_group" "db" {
  name        = "videoconf-db"
  description = "Database: MySQL from the worker nodes only"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "videoconf-db"
  }
}

resource "aws_security_group" "cache" {
  name        = "videoconf-cache"
  description = "Redis: from the worker nodes only"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "videoconf-cache"
  }
}

resource "aws_security_group" "warehouse" {
  name        = "videoconf-warehouse"
  description = "Redshift: no inbound rule; reached through the console and APIs"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "videoconf-warehouse"
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
  description       = "HTTP from clients, redirected to HTTPS"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "lb_to_nodes" {
  security_group_id = aws_security_group.lb.id
  description       = "To the nodes"
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8080
  cidr_ipv4         = module.network.vpc_cidr_block
}

resource "aws_vpc_security_group_ingress_rule" "bastion_ssh" {
  security_group_id = aws_security_group.bastion.id
  description       = "SSH from administrators"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "203.0.113.0/24"
}

resource "aws_vpc_security_group_egress_rule" "bastion_ssh_out" {
  security_group_id = aws_security_group.bastion.id
  description       = "SSH to the nodes"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = module.network.vpc_cidr_block
}

resource "aws_vpc_security_group_ingress_rule" "app_from_lb" {
  security_group_id            = aws_security_group.app.id
  description                  = "Application traffic from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.lb.id
}

resource "aws_vpc_security_group_ingress_rule" "app_ssh" {
  security_group_id            = aws_security_group.app.id
  description                  = "SSH from the bastion"
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = 22
  referenced_security_group_id = aws_security_group.bastion.id
}

resource "aws_vpc_security_group_egress_rule" "app_out" {
  security_group_id = aws_security_group.app.id
  description       = "Updates and APIs via NAT"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "db_mysql" {
  security_group_id            = aws_security_group.db.id
  description                  = "MySQL from the nodes"
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  referenced_security_group_id = aws_security_group.app.id
}

resource "aws_vpc_security_group_ingress_rule" "cache_redis" {
  security_group_id            = aws_security_group.cache.id
  description                  = "Redis from the nodes"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.app.id
}

resource "aws_acm_certificate" "app" {
  domain_name       = "app.videoconf.example"
  validation_method = "DNS"

  tags = {
    Name = "videoconf-app"
  }
}

resource "aws_acm_certificate_validation" "app" {
  certificate_arn = aws_acm_certificate.app.arn
}

resource "aws_lb" "app" {
  name                       = "videoconf-alb"
  internal                   = false
  load_balancer_type         = "application"
  subnets                    = module.network.public_subnet_ids
  security_groups            = [aws_security_group.lb.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = true

  tags = {
    Name = "videoconf-alb"
  }

  access_logs {
    bucket  = aws_s3_bucket.logs.id
    prefix  = "alb"
    enabled = true
  }

  depends_on = [aws_s3_bucket_policy.logs]
}

resource "aws_lb_target_group" "app" {
  name        = "videoconf-nodes"
  port        = 8080
  protocol    = "HTTP"
  target_type = "instance"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "videoconf-nodes"
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
  load_balancer_arn = aws_lb.app.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = aws_acm_certificate_validation.app.certificate_arn

  tags = {
    Name = "videoconf-https"
  }

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.app.arn
  port              = 80
  protocol          = "HTTP"

  tags = {
    Name = "videoconf-http"
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

resource "aws_cloudfront_distribution" "app" {
  enabled         = true
  comment         = "videoconf: the application behind its load balancer"
  aliases         = ["meet.videoconf.example"]
  price_class     = "PriceClass_100"
  http_version    = "http2"
  is_ipv6_enabled = true

  tags = {
    Name = "videoconf-app"
  }

  origin {
    origin_id   = "application"
    domain_name = aws_lb.app.dns_name

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id       = "application"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods         = ["GET", "HEAD"]
    compress               = true
    cache_policy_id        = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = "arn:aws:acm:us-east-1:123456789012:certificate/3c9e1f2a-8b7d-4e6f-a5c4-0d1e2f3a4b5c"
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}

resource "aws_instance" "bastion" {
  ami                         = "ami-0c1a2b3c4d5e6f708"
  instance_type               = "t3.micro"
  subnet_id                   = module.network.public_subnet_ids[0]
  vpc_security_group_ids      = [aws_security_group.bastion.id]
  associate_public_ip_address = true
  monitoring                  = true

  tags = {
    Name = "videoconf-bastion"
    Role = "bastion"
  }

  root_block_device {
    encrypted   = true
    kms_key_id  = aws_kms_key.main.arn
    volume_type = "gp3"
    volume_size = 20
  }

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }
}

resource "aws_iam_role" "node" {
  name = "videoconf-eks-node"

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
    Name = "videoconf-eks-node"
  }
}

resource "aws_iam_role_policy" "node" {
  name = "videoconf-eks-node"
  role = aws_iam_role.node.id

  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DiscoverPeersAndCapacity",
          "Effect": "Allow",
          "Action": [
            "autoscaling:DescribeAutoScalingGroups",
            "ec2:DescribeInstances",
            "ec2:DescribeTags",
            "elasticloadbalancing:DescribeTargetHealth"
          ],
          "Resource": "*"
        },
        {
          "Sid": "ApplicationData",
          "Effect": "Allow",
          "Action": [
            "s3:GetObject",
            "s3:PutObject"
          ],
          "Resource": "arn:aws:s3:::videoconf-data-use1/*"
        },
        {
          "Sid": "ListApplicationData",
          "Effect": "Allow",
          "Action": [
            "s3:ListBucket"
          ],
          "Resource": "arn:aws:s3:::videoconf-data-use1"
        }
      ]
    }
  EOT
}

resource "aws_iam_instance_profile" "node" {
  name = "videoconf-eks-node"
  role = aws_iam_role.node.name

  tags = {
    Name = "videoconf-eks-node"
  }
}

resource "aws_launch_template" "node" {
  name                   = "videoconf-eks-node"
  image_id               = "ami-0c1a2b3c4d5e6f708"
  instance_type          = "m6i.large"
  vpc_security_group_ids = [aws_security_group.app.id]

  tags = {
    Name = "videoconf-eks-node"
  }

  iam_instance_profile {
    name = aws_iam_instance_profile.node.name
  }

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      encrypted   = true
      kms_key_id  = aws_kms_key.main.arn
      volume_type = "gp3"
      volume_size = 50
    }
  }
}

resource "aws_autoscaling_group" "nodes" {
  name                      = "videoconf-eks-nodes"
  min_size                  = 2
  max_size                  = 6
  desired_capacity          = 2
  vpc_zone_identifier       = module.network.private_subnet_ids
  health_check_type         = "ELB"
  health_check_grace_period = 300
  target_group_arns         = [aws_lb_target_group.app.arn]

  launch_template {
    id      = aws_launch_template.node.id
    version = "$Latest"
  }

  tag {
    key                 = "Name"
    value               = "videoconf-eks-node"
    propagate_at_launch = true
  }

  tag {
    key                 = "Role"
    value               = "eks-node"
    propagate_at_launch = true
  }
}

resource "aws_autoscaling_policy" "cpu" {
  name                   = "videoconf-eks-nodes-cpu"
  autoscaling_group_name = aws_autoscaling_group.nodes.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    target_value = 60

    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
  }
}

resource "aws_iam_role" "cluster" {
  name = "videoconf-eks-cluster"

  assume_role_policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {
            "Service": "eks.amazonaws.com"
          },
          "Action": "sts:AssumeRole"
        }
      ]
    }
  EOT

  tags = {
    Name = "videoconf-eks-cluster"
  }
}

resource "aws_eks_cluster" "main" {
  name                      = "videoconf-eks"
  role_arn                  = aws_iam_role.cluster.arn
  version                   = "1.30"
  enabled_cluster_log_types = ["api", "audit", "authenticator"]

  tags = {
    Name = "videoconf-eks"
  }

  vpc_config {
    subnet_ids              = module.network.private_subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = false
  }

  encryption_config {
    resources = ["secrets"]

    provider {
      key_arn = aws_kms_key.main.arn
    }
  }
}

resource "aws_eks_node_group" "workers" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "videoconf-eks-workers"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = module.network.private_subnet_ids

  tags = {
    Name = "videoconf-eks-workers"
  }

  scaling_config {
    min_size     = 2
    max_size     = 6
    desired_size = 2
  }
}

resource "aws_kms_key" "main" {
  description             = "videoconf: data at rest (database, volumes, buckets, logs, alerts)"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AccountAdministersKey",
          "Effect": "Allow",
          "Principal": {
            "AWS": "arn:aws:iam::123456789012:root"
          },
          "Action": "kms:*",
          "Resource": "*"
        },
        {
          "Sid": "CloudTrailEncryptsLogs",
          "Effect": "Allow",
          "Principal": {
            "Service": "cloudtrail.amazonaws.com"
          },
          "Action": [
            "kms:GenerateDataKey*",
            "kms:DescribeKey"
          ],
          "Resource": "*"
        },
        {
          "Sid": "CloudWatchPublishesAlarms",
          "Effect": "Allow",
          "Principal": {
            "Service": "cloudwatch.amazonaws.com"
          },
          "Action": [
            "kms:GenerateDataKey*",
            "kms:Decrypt"
          ],
          "Resource": "*"
        }
      ]
    }
  EOT

  tags = {
    Name = "videoconf-data"
  }
}

resource "aws_kms_alias" "main" {
  name          = "alias/videoconf-data"
  target_key_id = aws_kms_key.main.key_id
}

resource "aws_s3_bucket" "data" {
  bucket = "videoconf-data-use1"

  tags = {
    Name    = "videoconf-data-use1"
    Purpose = "application data"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.main.arn
    }
  }
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket" "logs" {
  bucket = "videoconf-logs-use1"

  tags = {
    Name    = "videoconf-logs-use1"
    Purpose = "audit and access logs"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.main.arn
    }
  }
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id

  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "CloudTrailChecksAcl",
          "Effect": "Allow",
          "Principal": {
            "Service": "cloudtrail.amazonaws.com"
          },
          "Action": "s3:GetBucketAcl",
          "Resource": "arn:aws:s3:::videoconf-logs-use1"
        },
        {
          "Sid": "CloudTrailWrites",
          "Effect": "Allow",
          "Principal": {
            "Service": "cloudtrail.amazonaws.com"
          },
          "Action": "s3:PutObject",
          "Resource": "arn:aws:s3:::videoconf-logs-use1/cloudtrail/AWSLogs/123456789012/*",
          "Condition": {
            "StringEquals": {
              "s3:x-amz-acl": "bucket-owner-full-control"
            }
          }
        },
        {
          "Sid": "LoadBalancerWrites",
          "Effect": "Allow",
          "Principal": {
            "AWS": "arn:aws:iam::127311923021:root"
          },
          "Action": "s3:PutObject",
          "Resource": "arn:aws:s3:::videoconf-logs-use1/alb/AWSLogs/123456789012/*"
        },
        {
          "Sid": "DenyInsecureTransport",
          "Effect": "Deny",
          "Principal": "*",
          "Action": "s3:*",
          "Resource": [
            "arn:aws:s3:::videoconf-logs-use1",
            "arn:aws:s3:::videoconf-logs-use1/*"
          ],
          "Condition": {
            "Bool": {
              "aws:SecureTransport": "false"
            }
          }
        }
      ]
    }
  EOT

  depends_on = [aws_s3_bucket_public_access_block.logs]
}

resource "aws_s3_account_public_access_block" "this" {
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_ebs_encryption_by_default" "this" {
  enabled = true
}

resource "aws_db_subnet_group" "main" {
  name        = "videoconf-db"
  description = "Isolated data subnets, one per zone"
  subnet_ids  = module.network.data_subnet_ids

  tags = {
    Name = "videoconf-db"
  }
}

resource "aws_db_instance" "main" {
  identifier                          = "videoconf-db"
  engine                              = "mysql"
  engine_version                      = "8.0.39"
  instance_class                      = "db.m6g.large"
  allocated_storage                   = 100
  storage_type                        = "gp3"
  db_name                             = "videoconf"
  username                            = "videoconf_admin"
  manage_master_user_password         = true
  port                                = 3306
  multi_az                            = true
  storage_encrypted                   = true
  kms_key_id                          = aws_kms_key.main.arn
  backup_retention_period             = 7
  backup_window                       = "03:00-04:00"
  publicly_accessible                 = false
  db_subnet_group_name                = aws_db_subnet_group.main.name
  vpc_security_group_ids              = [aws_security_group.db.id]
  deletion_protection                 = true
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "videoconf-db-final"
  copy_tags_to_snapshot               = true
  auto_minor_version_upgrade          = true
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["error", "slowquery"]

  tags = {
    Name = "videoconf-db"
  }
}

resource "aws_db_instance_automated_backups_replication" "main" {
  source_db_instance_arn = aws_db_instance.main.arn
  retention_period       = 7
  kms_key_id             = "arn:aws:kms:us-west-2:123456789012:key/5e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b"
}

resource "aws_elasticache_subnet_group" "cache" {
  name        = "videoconf-cache"
  description = "Redis in the isolated subnets"
  subnet_ids  = module.network.data_subnet_ids

  tags = {
    Name = "videoconf-cache"
  }
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "videoconf-cache"
  description                = "Sessions and hot data of the application"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = "cache.r6g.large"
  num_cache_clusters         = 2
  port                       = 6379
  automatic_failover_enabled = true
  multi_az_enabled           = true
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  kms_key_id                 = aws_kms_key.main.arn
  subnet_group_name          = aws_elasticache_subnet_group.cache.name
  security_group_ids         = [aws_security_group.cache.id]
  snapshot_retention_limit   = 7

  tags = {
    Name = "videoconf-cache"
  }
}

resource "aws_dynamodb_table" "meetings" {
  name                        = "videoconf-meetings"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "meeting_id"
  deletion_protection_enabled = true

  tags = {
    Name = "videoconf-meetings"
  }

  attribute {
    name = "meeting_id"
    type = "S"
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.main.arn
  }

  point_in_time_recovery {
    enabled = true
  }
}

resource "aws_redshift_subnet_group" "warehouse" {
  name        = "videoconf-warehouse"
  description = "Redshift in the isolated subnets"
  subnet_ids  = module.network.data_subnet_ids

  tags = {
    Name = "videoconf-warehouse"
  }
}

resource "aws_redshift_cluster" "warehouse" {
  cluster_identifier                  = "videoconf-warehouse"
  database_name                       = "analytics"
  master_username                     = "warehouse_admin"
  manage_master_password              = true
  node_type                           = "ra3.xlplus"
  cluster_type                        = "multi-node"
  number_of_nodes                     = 2
  port                                = 5439
  encrypted                           = true
  kms_key_id                          = aws_kms_key.main.arn
  publicly_accessible                 = false
  cluster_subnet_group_name           = aws_redshift_subnet_group.warehouse.name
  vpc_security_group_ids              = [aws_security_group.warehouse.id]
  automated_snapshot_retention_period = 7
  skip_final_snapshot                 = true

  tags = {
    Name = "videoconf-warehouse"
  }
}

resource "aws_cloudtrail" "main" {
  name                          = "videoconf-trail"
  s3_bucket_name                = aws_s3_bucket.logs.id
  s3_key_prefix                 = "cloudtrail"
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  enable_logging                = true
  kms_key_id                    = aws_kms_key.main.arn

  tags = {
    Name = "videoconf-trail"
  }

  depends_on = [aws_s3_bucket_policy.logs]
}

resource "aws_sns_topic" "alerts" {
  name              = "videoconf-alerts"
  kms_master_key_id = aws_kms_key.main.id

  tags = {
    Name = "videoconf-alerts"
  }
}

resource "aws_cloudwatch_metric_alarm" "nodes_cpu_high" {
  alarm_name          = "videoconf-nodes-cpu-high"
  alarm_description   = "Cluster nodes run hot: CPU above 80% for 10 minutes"
  namespace           = "AWS/EC2"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]

  dimensions = {
    AutoScalingGroupName = aws_autoscaling_group.nodes.name
  }

  tags = {
    Name = "videoconf-nodes-cpu-high"
  }
}

resource "aws_cloudwatch_metric_alarm" "unhealthy_hosts" {
  alarm_name          = "videoconf-unhealthy-hosts"
  alarm_description   = "A node fails the load balancer's health check"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]

  dimensions = {
    LoadBalancer = aws_lb.app.arn_suffix
    TargetGroup  = aws_lb_target_group.app.arn_suffix
  }

  tags = {
    Name = "videoconf-unhealthy-hosts"
  }
}

resource "aws_cloudwatch_metric_alarm" "lb_5xx" {
  alarm_name          = "videoconf-lb-5xx"
  alarm_description   = "The load balancer answers with server errors"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_ELB_5XX_Count"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 2
  threshold           = 10
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]

  dimensions = {
    LoadBalancer = aws_lb.app.arn_suffix
  }

  tags = {
    Name = "videoconf-lb-5xx"
  }
}
