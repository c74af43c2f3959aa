variable "admin_cidr" {
  type        = string
  description = "The IP allow-list admitted to the bastion."
}

variable "azs" {
  type        = list(string)
  description = "Availability zones, one subnet of each tier per zone."
}

variable "data_subnet_cidrs" {
  type        = list(string)
  description = "Isolated subnets (Aurora), one per zone, no route out."
}

variable "environment" {
  type        = string
  description = "The environment this VPC holds (its Environment tag)."
}

variable "name" {
  type        = string
  description = "Prefix of every Name tag."
}

variable "private_subnet_cidrs" {
  type        = list(string)
  description = "Private subnets (API servers, workers), one per zone."
}

variable "public_subnet_cidrs" {
  type        = list(string)
  description = "Public subnets (load balancer, NAT, bastion), one per zone."
}

variable "vpc_cidr" {
  type        = string
  description = "Address range of the VPC."
}
