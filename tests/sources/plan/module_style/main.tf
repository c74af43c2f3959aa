# A configuration written the way registry modules are: relations pass through locals,
# module outputs built from expressions, for_each maps and dynamic blocks. Planned with
# terraform 1.11 and the AWS provider 5.100 against a local control plane (plan.json).
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

locals {
  name = "shop"
  azs  = ["eu-west-1a", "eu-west-1b"]
}

module "network" {
  source = "./modules/network"
  name   = local.name
  azs    = local.azs
}

module "db_sg" {
  source = "./modules/sg"
  name   = "${local.name}-db"
  vpc_id = module.network.vpc_id
  rules = {
    mysql = { port = 3306, cidr = module.network.vpc_cidr }
  }
}

module "app_sg" {
  source = "./modules/sg"
  name   = "${local.name}-app"
  vpc_id = module.network.vpc_id
  rules  = {}
}

resource "aws_security_group" "bastion" {
  name   = "${local.name}-bastion"
  vpc_id = module.network.vpc_id
}

resource "aws_security_group" "web" {
  name   = "${local.name}-web"
  vpc_id = module.network.vpc_id

  ingress {
    from_port       = 22
    to_port         = 22
    protocol        = "tcp"
    security_groups = [aws_security_group.bastion.id]
  }
  ingress {
    from_port       = 80
    to_port         = 80
    protocol        = "tcp"
    security_groups = [module.app_sg.id]
  }
}

resource "aws_db_subnet_group" "db" {
  name       = "${local.name}-db"
  subnet_ids = module.network.database_subnets
}

resource "aws_db_instance" "db" {
  identifier             = "${local.name}-db"
  engine                 = "mysql"
  instance_class         = "db.t3.micro"
  allocated_storage      = 20
  username               = "admin"
  password               = "not-a-real-password"
  skip_final_snapshot    = true
  multi_az               = true
  storage_encrypted      = true
  db_subnet_group_name   = aws_db_subnet_group.db.name
  vpc_security_group_ids = [module.db_sg.id]
}
