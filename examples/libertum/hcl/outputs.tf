output "ingress_ip" {
  value       = azurerm_public_ip.ingress.ip_address
  description = "Where users connect."
}

output "nat_ip" {
  value       = azurerm_public_ip.nat.ip_address
  description = "The private subnet's egress address."
}

output "registry" {
  value       = azurerm_container_registry.main.login_server
  description = "Where images are pushed."
}
