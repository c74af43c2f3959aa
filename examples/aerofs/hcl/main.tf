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

  name                 = "aerofs"
  vpc_cidr             = "10.30.0.0/16"
  azs                  = ["us-west-2a", "us-west-2b"]
  public_subnet_cidrs  = ["10.30.0.0/24", "10.30.1.0/24"]
  private_subnet_cidrs = ["10.30.10.0/24", "10.30.11.0/24"]
}

resource "aws_security_group" "bastion" {
  name        = "aerofs-bastion"
  description = "Bastion: SSH from the office allow-list only"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "aerofs-bastion"
    Role = "bastion"
  }
}

resource "aws_security_group" "manager" {
  name        = "aerofs-manager"
  description = "Swarm managers: SSH from the bastion, Swarm from the nodes"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "aerofs-manager"
  }
}

resource "aws_security_group" "worker" {
  name        = "aerofs-worker"
  description = "Swarm workers: SSH from the bastion, Swarm from the nodes"
  vpc_id      = module.network.vpc_id

  tags = {
    Name = "aerofs-worker"
  }
}

resource "aws_vpc_security_group_ingress_rule" "bastion_ssh" {
  security_group_id = aws_security_group.bastion.id
  description       = "SSH from the office"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "198.51.100.0/24"
}

resource "aws_vpc_security_group_egress_rule" "bastion_ssh_out" {
  security_group_id = aws_security_group.bastion.id
  description       = "SSH to the nodes"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = module.network.vpc_cidr_block
}

resource "aws_vpc_security_group_ingress_rule" "manager_ssh" {
  security_group_id            = aws_security_group.manager.id
  description                  = "SSH from bastion"
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = 22
  referenced_security_group_id = aws_security_group.bastion.id
}

resource "aws_vpc_security_group_egress_rule" "manager_out" {
  security_group_id = aws_security_group.manager.id
  description       = "Images, APIs via NAT"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "manager_swarm_2377_from_manager" {
  security_group_id            = aws_security_group.manager.id
  description                  = "Swarm 2377/tcp from the managers"
  ip_protocol                  = "tcp"
  from_port                    = 2377
  to_port                      = 2377
  referenced_security_group_id = aws_security_group.manager.id
}

resource "aws_vpc_security_group_ingress_rule" "manager_swarm_7946_from_manager" {
  security_group_id            = aws_security_group.manager.id
  description                  = "Swarm 7946/tcp from the managers"
  ip_protocol                  = "tcp"
  from_port                    = 7946
  to_port                      = 7946
  referenced_security_group_id = aws_security_group.manager.id
}

resource "aws_vpc_security_group_ingress_rule" "manager_swarm_4789_from_manager" {
  security_group_id            = aws_security_group.manager.id
  description                  = "Swarm 4789/udp from the managers"
  ip_protocol                  = "udp"
  from_port                    = 4789
  to_port                      = 4789
  referenced_security_group_id = aws_security_group.manager.id
}

resource "aws_vpc_security_group_ingress_rule" "manager_swarm_2377_from_worker" {
  security_group_id            = aws_security_group.manager.id
  description                  = "Swarm 2377/tcp from the workers"
  ip_protocol                  = "tcp"
  from_port                    = 2377
  to_port                      = 2377
  referenced_security_group_id = aws_security_group.worker.id
}

resource "aws_vpc_security_group_ingress_rule" "manager_swarm_7946_from_worker" {
  security_group_id            = aws_security_group.manager.id
  description                  = "Swarm 7946/tcp from the workers"
  ip_protocol                  = "tcp"
  from_port                    = 7946
  to_port                      = 7946
  referenced_security_group_id = aws_security_group.worker.id
}

resource "aws_vpc_security_group_ingress_rule" "manager_swarm_4789_from_worker" {
  security_group_id            = aws_security_group.manager.id
  description                  = "Swarm 4789/udp from the workers"
  ip_protocol                  = "udp"
  from_port                    = 4789
  to_port                      = 4789
  referenced_security_group_id = aws_security_group.worker.id
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
  description       = "Images, APIs via NAT"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "worker_swarm_2377_from_manager" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Swarm 2377/tcp from the managers"
  ip_protocol                  = "tcp"
  from_port                    = 2377
  to_port                      = 2377
  referenced_security_group_id = aws_security_group.manager.id
}

resource "aws_vpc_security_group_ingress_rule" "worker_swarm_7946_from_manager" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Swarm 7946/tcp from the managers"
  ip_protocol                  = "tcp"
  from_port                    = 7946
  to_port                      = 7946
  referenced_security_group_id = aws_security_group.manager.id
}

resource "aws_vpc_security_group_ingress_rule" "worker_swarm_4789_from_manager" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Swarm 4789/udp from the managers"
  ip_protocol                  = "udp"
  from_port                    = 4789
  to_port                      = 4789
  referenced_security_group_id = aws_security_group.manager.id
}

resource "aws_vpc_security_group_ingress_rule" "worker_swarm_2377_from_worker" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Swarm 2377/tcp from the workers"
  ip_protocol                  = "tcp"
  from_port                    = 2377
  to_port                      = 2377
  referenced_security_group_id = aws_security_group.worker.id
}

resource "aws_vpc_security_group_ingress_rule" "worker_swarm_7946_from_worker" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Swarm 7946/tcp from the workers"
  ip_protocol                  = "tcp"
  from_port                    = 7946
  to_port                      = 7946
  referenced_security_group_id = aws_security_group.worker.id
}

resource "aws_vpc_security_group_ingress_rule" "worker_swarm_4789_from_worker" {
  security_group_id            = aws_security_group.worker.id
  description                  = "Swarm 4789/udp from the workers"
  ip_protocol                  = "udp"
  from_port                    = 4789
  to_port                      = 4789
  referenced_security_group_id = aws_security_group.worker.id
}

resource "aws_instance" "bastion" {
  ami                         = "ami-0a7f3e9c1d2b4e5f6"
  instance_type               = "t3.micro"
  subnet_id                   = module.network.public_subnet_ids[0]
  vpc_security_group_ids      = [aws_security_group.bastion.id]
  associate_public_ip_address = true

  tags = {
    Name = "aerofs-bastion"
    Role = "bastion"
  }

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  root_block_device {
    encrypted   = true
    volume_type = "gp3"
    volume_size = 16
  }
}

resource "aws_iam_role" "manager" {
  name = "aerofs-swarm-manager"

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
    Name = "aerofs-swarm-manager"
  }
}

resource "aws_iam_role_policy" "manager" {
  name = "aerofs-swarm-manager"
  role = aws_iam_role.manager.id

  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DiscoverPeers",
          "Effect": "Allow",
          "Action": [
            "autoscaling:DescribeAutoScalingGroups",
            "ec2:DescribeInstances"
          ],
          "Resource": "*"
        },
        {
          "Sid": "PublishJoinTokens",
          "Effect": "Allow",
          "Action": [
            "ssm:GetParameter",
            "ssm:PutParameter"
          ],
          "Resource": "arn:aws:ssm:us-west-2:*:parameter/aerofs/swarm/*"
        }
      ]
    }
  EOT
}

resource "aws_iam_instance_profile" "manager" {
  name = "aerofs-swarm-manager"
  role = aws_iam_role.manager.name

  tags = {
    Name = "aerofs-swarm-manager"
  }
}

resource "aws_launch_template" "manager" {
  name                   = "aerofs-swarm-manager"
  image_id               = "ami-0a7f3e9c1d2b4e5f6"
  instance_type          = "m5.large"
  vpc_security_group_ids = [aws_security_group.manager.id]
  user_data              = "IyEvYmluL2Jhc2gKc2V0IC1ldW8gcGlwZWZhaWwKSk9JTl9QQVJBTUVURVI9L2Flcm9mcy9zd2FybS9tYW5hZ2VyLWpvaW4tdG9rZW4KUkVHSU9OPXVzLXdlc3QtMgpKT0lOPSQoYXdzIHNzbSBnZXQtcGFyYW1ldGVyIC0td2l0aC1kZWNyeXB0aW9uIC0tcmVnaW9uICIkUkVHSU9OIiAtLW5hbWUgIiRKT0lOX1BBUkFNRVRFUiIgLS1xdWVyeSBQYXJhbWV0ZXIuVmFsdWUgLS1vdXRwdXQgdGV4dCkKL3Vzci9sb2NhbC9iaW4vc3dhcm0tam9pbiAtLXJvbGUgbWFuYWdlciAtLWpvaW4gIiRKT0lOIgo="

  tags = {
    Name = "aerofs-swarm-manager"
  }

  iam_instance_profile {
    name = aws_iam_instance_profile.manager.name
  }

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }
}

resource "aws_autoscaling_group" "manager" {
  name                      = "aerofs-swarm-manager"
  min_size                  = 3
  max_size                  = 5
  desired_capacity          = 3
  vpc_zone_identifier       = module.network.private_subnet_ids
  health_check_type         = "EC2"
  health_check_grace_period = 300

  launch_template {
    id      = aws_launch_template.manager.id
    version = "$Latest"
  }

  tag {
    key                 = "Name"
    value               = "aerofs-swarm-manager"
    propagate_at_launch = true
  }

  tag {
    key                 = "Role"
    value               = "swarm-manager"
    propagate_at_launch = true
  }
}

resource "aws_iam_role" "worker" {
  name = "aerofs-swarm-worker"

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
    Name = "aerofs-swarm-worker"
  }
}

resource "aws_iam_role_policy" "worker" {
  name = "aerofs-swarm-worker"
  role = aws_iam_role.worker.id

  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DiscoverPeers",
          "Effect": "Allow",
          "Action": [
            "autoscaling:DescribeAutoScalingGroups",
            "ec2:DescribeInstances"
          ],
          "Resource": "*"
        },
        {
          "Sid": "ReadWorkerJoinToken",
          "Effect": "Allow",
          "Action": [
            "ssm:GetParameter"
          ],
          "Resource": "arn:aws:ssm:us-west-2:*:parameter/aerofs/swarm/worker-join-token"
        }
      ]
    }
  EOT
}

resource "aws_iam_instance_profile" "worker" {
  name = "aerofs-swarm-worker"
  role = aws_iam_role.worker.name

  tags = {
    Name = "aerofs-swarm-worker"
  }
}

resource "aws_launch_template" "worker" {
  name                   = "aerofs-swarm-worker"
  image_id               = "ami-0a7f3e9c1d2b4e5f6"
  instance_type          = "c5.xlarge"
  vpc_security_group_ids = [aws_security_group.worker.id]
  user_data              = "IyEvYmluL2Jhc2gKc2V0IC1ldW8gcGlwZWZhaWwKSk9JTl9QQVJBTUVURVI9L2Flcm9mcy9zd2FybS93b3JrZXItam9pbi10b2tlbgpSRUdJT049dXMtd2VzdC0yCkpPSU49JChhd3Mgc3NtIGdldC1wYXJhbWV0ZXIgLS13aXRoLWRlY3J5cHRpb24gLS1yZWdpb24gIiRSRUdJT04iIC0tbmFtZSAiJEpPSU5fUEFSQU1FVEVSIiAtLXF1ZXJ5IFBhcmFtZXRlci5WYWx1ZSAtLW91dHB1dCB0ZXh0KQovdXNyL2xvY2FsL2Jpbi9zd2FybS1qb2luIC0tcm9sZSB3b3JrZXIgLS1qb2luICIkSk9JTiIK"

  tags = {
    Name = "aerofs-swarm-worker"
  }

  iam_instance_profile {
    name = aws_iam_instance_profile.worker.name
  }

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }
}

resource "aws_autoscaling_group" "worker" {
  name                      = "aerofs-swarm-worker"
  min_size                  = 2
  max_size                  = 10
  desired_capacity          = 3
  vpc_zone_identifier       = module.network.private_subnet_ids
  health_check_type         = "EC2"
  health_check_grace_period = 300

  launch_template {
    id      = aws_launch_template.worker.id
    version = "$Latest"
  }

  tag {
    key                 = "Name"
    value               = "aerofs-swarm-worker"
    propagate_at_launch = true
  }

  tag {
    key                 = "Role"
    value               = "swarm-worker"
    propagate_at_launch = true
  }
}

resource "aws_autoscaling_policy" "worker_cpu" {
  name                   = "aerofs-swarm-worker-cpu"
  autoscaling_group_name = aws_autoscaling_group.worker.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    target_value = 65

    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
  }
}

resource "aws_iam_user" "alice" {
  name = "aerofs-alice"

  tags = {
    Name = "aerofs-alice"
  }
}

resource "aws_iam_user_login_profile" "alice" {
  user                    = aws_iam_user.alice.name
  password_reset_required = true
}

resource "aws_iam_virtual_mfa_device" "alice" {
  virtual_mfa_device_name = "aerofs-alice"

  tags = {
    User = aws_iam_user.alice.name
  }
}

resource "aws_iam_user_policy" "alice" {
  name = "aerofs-operator"
  user = aws_iam_user.alice.name

  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "SeeTheCluster",
          "Effect": "Allow",
          "Action": [
            "autoscaling:DescribeAutoScalingGroups",
            "ec2:DescribeInstances",
            "cloudtrail:LookupEvents"
          ],
          "Resource": "*"
        },
        {
          "Sid": "ResizeTheWorkers",
          "Effect": "Allow",
          "Action": [
            "autoscaling:SetDesiredCapacity"
          ],
          "Resource": "arn:aws:autoscaling:us-west-2:*:autoScalingGroup:*:autoScalingGroupName/aerofs-swarm-worker"
        },
        {
          "Sid": "ManageOwnMfa",
          "Effect": "Allow",
          "Action": [
            "iam:EnableMFADevice",
            "iam:ListMFADevices",
            "iam:ResyncMFADevice"
          ],
          "Resource": "arn:aws:iam::*:user/$${aws:username}"
        }
      ]
    }
  EOT
}

resource "aws_iam_user" "bob" {
  name = "aerofs-bob"

  tags = {
    Name = "aerofs-bob"
  }
}

resource "aws_iam_user_login_profile" "bob" {
  user                    = aws_iam_user.bob.name
  password_reset_required = true
}

resource "aws_iam_virtual_mfa_device" "bob" {
  virtual_mfa_device_name = "aerofs-bob"

  tags = {
    User = aws_iam_user.bob.name
  }
}

resource "aws_iam_user_policy" "bob" {
  name = "aerofs-operator"
  user = aws_iam_user.bob.name

  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "SeeTheCluster",
          "Effect": "Allow",
          "Action": [
            "autoscaling:DescribeAutoScalingGroups",
            "ec2:DescribeInstances",
            "cloudtrail:LookupEvents"
          ],
          "Resource": "*"
        },
        {
          "Sid": "ResizeTheWorkers",
          "Effect": "Allow",
          "Action": [
            "autoscaling:SetDesiredCapacity"
          ],
          "Resource": "arn:aws:autoscaling:us-west-2:*:autoScalingGroup:*:autoScalingGroupName/aerofs-swarm-worker"
        },
        {
          "Sid": "ManageOwnMfa",
          "Effect": "Allow",
          "Action": [
            "iam:EnableMFADevice",
            "iam:ListMFADevices",
            "iam:ResyncMFADevice"
          ],
          "Resource": "arn:aws:iam::*:user/$${aws:username}"
        }
      ]
    }
  EOT
}

resource "aws_ssm_parameter" "manager_join_token" {
  name        = "/aerofs/swarm/manager-join-token"
  type        = "SecureString"
  value       = "pending"
  description = "Token a new manager joins the swarm with"

  tags = {
    Name = "aerofs-swarm-manager-join-token"
  }
}

resource "aws_ssm_parameter" "worker_join_token" {
  name        = "/aerofs/swarm/worker-join-token"
  type        = "SecureString"
  value       = "pending"
  description = "Token a new worker joins the swarm with"

  tags = {
    Name = "aerofs-swarm-worker-join-token"
  }
}

resource "aws_ssm_parameter" "elasticsearch_password" {
  name        = "/aerofs/elasticsearch/password"
  type        = "SecureString"
  value       = "pending"
  description = "Password the log shippers write to Elasticsearch with"

  tags = {
    Name = "aerofs-elasticsearch-password"
  }
}

resource "aws_ssm_parameter" "cluster_name" {
  name        = "/aerofs/swarm/cluster-name"
  type        = "String"
  value       = "aerofs-prod"
  description = "Name of the swarm (not a secret)"

  tags = {
    Name = "aerofs-swarm-cluster-name"
  }
}

resource "aws_secretsmanager_secret" "kibana_admin" {
  name                    = "aerofs/kibana/admin"
  description             = "Kibana administrator credentials"
  recovery_window_in_days = 7

  tags = {
    Name = "aerofs-kibana-admin"
  }
}

resource "aws_s3_bucket" "logs" {
  bucket = "aerofs-audit-usw2"

  tags = {
    Name = "aerofs-audit-usw2"
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
          "Resource": "arn:aws:s3:::aerofs-audit-usw2"
        },
        {
          "Sid": "CloudTrailWrites",
          "Effect": "Allow",
          "Principal": {
            "Service": "cloudtrail.amazonaws.com"
          },
          "Action": "s3:PutObject",
          "Resource": "arn:aws:s3:::aerofs-audit-usw2/cloudtrail/AWSLogs/123456789012/*",
          "Condition": {
            "StringEquals": {
              "s3:x-amz-acl": "bucket-owner-full-control"
            }
          }
        }
      ]
    }
  EOT

  depends_on = [aws_s3_bucket_public_access_block.logs]
}

resource "aws_cloudtrail" "main" {
  name                          = "aerofs-trail"
  s3_bucket_name                = aws_s3_bucket.logs.id
  s3_key_prefix                 = "cloudtrail"
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  enable_logging                = true

  tags = {
    Name = "aerofs-trail"
  }

  depends_on = [aws_s3_bucket_policy.logs]
}

resource "aws_s3_bucket" "artifacts" {
  bucket = "aerofs-artifacts-usw2"

  tags = {
    Name = "aerofs-artifacts-usw2"
  }
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  bucket                  = aws_s3_bucket.artifacts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_object" "ingest" {
  bucket         = aws_s3_bucket.artifacts.id
  key            = "lambda/ingest.zip"
  content_base64 = "UEsDBBQAAAAAAAAAIVB5J6g2cQAAAHEAAAAKAAAAaGFuZGxlci5weWltcG9ydCBqc29uCgoKZGVmIGhhbmRsZShldmVudCwgY29udGV4dCk6CiAgICByZXR1cm4geyJzdGF0dXNDb2RlIjogMjAyLCAiYm9keSI6IGpzb24uZHVtcHMoeyJhY2NlcHRlZCI6IFRydWV9KX0KUEsBAhQDFAAAAAAAAAAhUHknqDZxAAAAcQAAAAoAAAAAAAAAAAAAAIABAAAAAGhhbmRsZXIucHlQSwUGAAAAAAEAAQA4AAAAmQAAAAAA"
  content_type   = "application/zip"
}

resource "aws_iam_role" "ingest" {
  name = "aerofs-ingest"

  assume_role_policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {
            "Service": "lambda.amazonaws.com"
          },
          "Action": "sts:AssumeRole"
        }
      ]
    }
  EOT

  tags = {
    Name = "aerofs-ingest"
  }
}

resource "aws_iam_role_policy" "ingest" {
  name = "aerofs-ingest"
  role = aws_iam_role.ingest.id

  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "WriteOwnLogs",
          "Effect": "Allow",
          "Action": [
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents"
          ],
          "Resource": "arn:aws:logs:us-west-2:*:log-group:/aws/lambda/aerofs-ingest:*"
        },
        {
          "Sid": "ReadStorePassword",
          "Effect": "Allow",
          "Action": [
            "ssm:GetParameter"
          ],
          "Resource": "arn:aws:ssm:us-west-2:*:parameter/aerofs/elasticsearch/password"
        }
      ]
    }
  EOT
}

resource "aws_lambda_function" "ingest" {
  function_name = "aerofs-ingest"
  role          = aws_iam_role.ingest.arn
  runtime       = "python3.12"
  handler       = "handler.handle"
  s3_bucket     = aws_s3_object.ingest.bucket
  s3_key        = aws_s3_object.ingest.key
  timeout       = 10

  tags = {
    Name = "aerofs-ingest"
  }

  environment {
    variables = {
      STORE_PASSWORD_PARAMETER = "/aerofs/elasticsearch/password"
      STORE_INDEX              = "events"
    }
  }
}

resource "aws_apigatewayv2_api" "ingest" {
  name          = "aerofs-ingest"
  protocol_type = "HTTP"

  tags = {
    Name = "aerofs-ingest"
  }
}

resource "aws_apigatewayv2_integration" "ingest" {
  api_id                 = aws_apigatewayv2_api.ingest.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.ingest.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "ingest" {
  api_id    = aws_apigatewayv2_api.ingest.id
  route_key = "POST /events"
  target    = "integrations/${aws_apigatewayv2_integration.ingest.id}"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.ingest.id
  name        = "$default"
  auto_deploy = true
}

resource "aws_lambda_permission" "gateway" {
  statement_id  = "AllowApiGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.ingest.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.ingest.execution_arn}/*/*"
}
