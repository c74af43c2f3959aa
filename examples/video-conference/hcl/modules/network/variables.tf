variable "admin_cidr" {
  type        = string
  description = "Range administrators reach the bastion from."
}

variable "azs" {
  type        = list(string)
  description = "Availability zones, one subnet of each tier per zone."
}

variable "data_subnet_cidrs" {
  type        = list(string)
  description = "Isolated subnets (database), one per zone, no route out."
}

variable "name" {
  type        = string
  description = "Prefix of every Name tag."
}

variable "private_subnet_cidrs" {
  type        = list(string)
  description = "Private subnets (cluster nodes), one per zone."
}

variable "public_subnet_cidrs" {
  type        = list(string)
  description = "Public subnets (load balancer, NAT, bastion), one per zone."
}

variable "vpc_cidr" {
  type        = string
  description = "Address range of the VPC."
}
