output "api_dns_name" {
  value       = aws_lb.api.dns_name
  description = "Public name of the API."
}

output "assets_domain_name" {
  value       = aws_cloudfront_distribution.web.domain_name
  description = "Where web assets are served."
}

output "vpc_id" {
  value       = module.network.vpc_id
  description = "The production VPC."
}
