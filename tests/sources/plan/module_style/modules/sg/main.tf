variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "rules" {
  type = map(object({ port = number, cidr = string }))
}

variable "create" {
  type    = bool
  default = true
}

locals {
  this_sg_id = var.create ? concat(aws_security_group.this[*].id, [""])[0] : ""
}

resource "aws_security_group" "this" {
  count  = var.create ? 1 : 0
  name   = var.name
  vpc_id = var.vpc_id
}

# A second group in the same module: a plan alone cannot tell which one local.this_sg_id is.
resource "aws_security_group" "endpoints" {
  name   = "${var.name}-endpoints"
  vpc_id = var.vpc_id

  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ["192.168.0.0/24"]
    }
  }
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each          = var.rules
  security_group_id = local.this_sg_id
  cidr_ipv4         = each.value.cidr
  from_port         = each.value.port
  to_port           = each.value.port
  ip_protocol       = "tcp"
}

output "id" {
  value = local.this_sg_id
}
