variable "name" {
  type = string
}

variable "azs" {
  type = list(string)
}

locals {
  vpc_id = try(aws_vpc.this[0].id, "")
}

resource "aws_vpc" "this" {
  count      = 1
  cidr_block = "10.0.0.0/16"
  tags       = { Name = var.name }
}

resource "aws_subnet" "database" {
  for_each          = toset(var.azs)
  vpc_id            = local.vpc_id
  availability_zone = each.key
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, index(var.azs, each.key) + 10)
  tags              = { Name = "${var.name}-db-${each.key}" }
}

output "vpc_id" {
  value = local.vpc_id
}

output "vpc_cidr" {
  value = one(aws_vpc.this[*].cidr_block)
}

output "database_subnets" {
  value = [for subnet in aws_subnet.database : subnet.id]
}
