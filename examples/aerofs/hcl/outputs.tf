output "bastion_public_ip" {
  value       = aws_instance.bastion.public_ip
  description = "Where operators SSH to."
}

output "vpc_id" {
  value       = module.network.vpc_id
  description = "The VPC."
}
