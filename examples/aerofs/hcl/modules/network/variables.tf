variable "azs" {
  type        = list(string)
  description = "Availability zones, one subnet of each tier per zone."
}

variable "name" {
  type        = string
  description = "Prefix of every Name tag."
}

variable "private_subnet_cidrs" {
  type        = list(string)
  description = "Private subnets (Swarm managers and workers), one per zone."
}

variable "public_subnet_cidrs" {
  type        = list(string)
  description = "Public subnets (bastion, NAT gateways), one per zone."
}

variable "vpc_cidr" {
  type        = string
  description = "Address range of the VPC."
}
