output "cdn_domain_name" {
  value       = aws_cloudfront_distribution.app.domain_name
  description = "Where users connect."
}

output "lb_dns_name" {
  value       = aws_lb.app.dns_name
  description = "Public name of the load balancer."
}

output "vpc_id" {
  value       = module.network.vpc_id
  description = "The VPC."
}
