output "data_subnet_ids" {
  value       = aws_subnet.data[*].id
  description = "The data subnets, in zone order."
}

output "private_subnet_ids" {
  value       = aws_subnet.private[*].id
  description = "The private subnets, in zone order."
}

output "public_subnet_ids" {
  value       = aws_subnet.public[*].id
  description = "The public subnets, in zone order."
}

output "vpc_cidr_block" {
  value       = aws_vpc.main.cidr_block
  description = "Address range of the VPC."
}

output "vpc_id" {
  value       = aws_vpc.main.id
  description = "The VPC."
}
