terraform {
  required_version = ">= 1.5"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
}

provider "azurerm" {
  subscription_id = "3f6c2a9e-5b1d-4c7a-9e8f-1a2b3c4d5e6f"

  features {}
}

resource "azurerm_resource_group" "main" {
  name     = "rg-libertum-prod"
  location = "westeurope"

  tags = {
    system      = "libertum"
    environment = "prod"
  }
}

resource "azurerm_virtual_network" "main" {
  name                = "vnet-libertum-prod"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  address_space       = ["10.40.0.0/16"]

  tags = {
    system      = "libertum"
    environment = "prod"
  }
}

resource "azurerm_subnet" "public" {
  name                            = "snet-public"
  resource_group_name             = azurerm_resource_group.main.name
  virtual_network_name            = azurerm_virtual_network.main.name
  address_prefixes                = ["10.40.0.0/22"]
  default_outbound_access_enabled = true
}

resource "azurerm_subnet" "private" {
  name                            = "snet-private"
  resource_group_name             = azurerm_resource_group.main.name
  virtual_network_name            = azurerm_virtual_network.main.name
  address_prefixes                = ["10.40.8.0/22"]
  default_outbound_access_enabled = false
  service_endpoints               = ["Microsoft.Storage"]
}

resource "azurerm_network_security_group" "public" {
  name                = "nsg-public"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location

  tags = {
    system      = "libertum"
    environment = "prod"
  }

  security_rule {
    name                       = "allow-http-from-internet"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "80"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-https-from-internet"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "deny-all-inbound"
    priority                   = 4096
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_group" "private" {
  name                = "nsg-private"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location

  tags = {
    system      = "libertum"
    environment = "prod"
  }
}

resource "azurerm_network_security_rule" "allow_vnet_inbound" {
  name                        = "allow-vnet-inbound"
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.private.name
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "*"
  source_address_prefix       = "VirtualNetwork"
  destination_address_prefix  = "VirtualNetwork"
}

resource "azurerm_network_security_rule" "allow_lb_probes" {
  name                        = "allow-lb-probes"
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.private.name
  priority                    = 110
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "*"
  source_address_prefix       = "AzureLoadBalancer"
  destination_address_prefix  = "VirtualNetwork"
}

resource "azurerm_network_security_rule" "deny_internet_inbound" {
  name                        = "deny-internet-inbound"
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.private.name
  priority                    = 4000
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "*"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "VirtualNetwork"
}

resource "azurerm_network_security_rule" "deny_all_inbound" {
  name                        = "deny-all-inbound"
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.private.name
  priority                    = 4096
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "*"
  source_address_prefix       = "*"
  destination_address_prefix  = "VirtualNetwork"
}

resource "azurerm_subnet_network_security_group_association" "public" {
  subnet_id                 = azurerm_subnet.public.id
  network_security_group_id = azurerm_network_security_group.public.id
}

resource "azurerm_subnet_network_security_group_association" "private" {
  subnet_id                 = azurerm_subnet.private.id
  network_security_group_id = azurerm_network_security_group.private.id
}

resource "azurerm_public_ip" "nat" {
  name                = "pip-nat"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  allocation_method   = "Static"
  sku                 = "Standard"

  tags = {
    system      = "libertum"
    environment = "prod"
  }
}

resource "azurerm_nat_gateway" "main" {
  name                    = "ng-libertum-prod"
  resource_group_name     = azurerm_resource_group.main.name
  location                = azurerm_resource_group.main.location
  sku_name                = "Standard"
  idle_timeout_in_minutes = 10

  tags = {
    system      = "libertum"
    environment = "prod"
  }
}

resource "azurerm_nat_gateway_public_ip_association" "main" {
  nat_gateway_id       = azurerm_nat_gateway.main.id
  public_ip_address_id = azurerm_public_ip.nat.id
}

resource "azurerm_subnet_nat_gateway_association" "private" {
  subnet_id      = azurerm_subnet.private.id
  nat_gateway_id = azurerm_nat_gateway.main.id
}

resource "azurerm_network_interface" "backend" {
  name                = "nic-backend"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location

  tags = {
    system      = "libertum"
    environment = "prod"
  }

  ip_configuration {
    name                          = "internal"
    subnet_id                     = azurerm_subnet.private.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.40.8.10"
  }
}

resource "azurerm_linux_virtual_machine" "backend" {
  name                            = "prod-kafka-redis-libertum"
  resource_group_name             = azurerm_resource_group.main.name
  location                        = azurerm_resource_group.main.location
  size                            = "Standard_B2s"
  zone                            = "1"
  admin_username                  = "libertum"
  disable_password_authentication = true
  encryption_at_host_enabled      = true
  network_interface_ids           = [azurerm_network_interface.backend.id]

  tags = {
    system      = "libertum"
    environment = "prod"
  }

  admin_ssh_key {
    username   = "libertum"
    public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHh4YXJjaHByb29mLWxpYmVydHVtLWJhY2tlbmQtdm0 ops"
  }

  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
    disk_size_gb         = 30
  }

  source_image_reference {
    publisher = "Canonical"
    offer     = "0001-com-ubuntu-server-jammy"
    sku       = "22_04-lts-gen2"
    version   = "latest"
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_managed_disk" "backend_data" {
  name                          = "disk-backend-data"
  resource_group_name           = azurerm_resource_group.main.name
  location                      = azurerm_resource_group.main.location
  storage_account_type          = "Premium_LRS"
  create_option                 = "Empty"
  disk_size_gb                  = 128
  zone                          = "1"
  public_network_access_enabled = false
  network_access_policy         = "DenyAll"

  tags = {
    system      = "libertum"
    environment = "prod"
  }
}

resource "azurerm_virtual_machine_data_disk_attachment" "backend_data" {
  managed_disk_id    = azurerm_managed_disk.backend_data.id
  virtual_machine_id = azurerm_linux_virtual_machine.backend.id
  lun                = 0
  caching            = "ReadOnly"
}

resource "azurerm_log_analytics_workspace" "main" {
  name                = "log-libertum-prod"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  sku                 = "PerGB2018"
  retention_in_days   = 90

  tags = {
    system      = "libertum"
    environment = "prod"
  }
}

resource "azurerm_key_vault" "main" {
  name                       = "kv-libertum-prod"
  resource_group_name        = azurerm_resource_group.main.name
  location                   = azurerm_resource_group.main.location
  tenant_id                  = "7d1e4b2c-8a3f-4e6d-b5c9-0f1e2d3c4b5a"
  sku_name                   = "standard"
  enable_rbac_authorization  = true
  purge_protection_enabled   = true
  soft_delete_retention_days = 90

  tags = {
    system      = "libertum"
    environment = "prod"
  }
}

resource "azurerm_key_vault_key" "etcd" {
  name         = "aks-etcd"
  key_vault_id = azurerm_key_vault.main.id
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["decrypt", "encrypt", "unwrapKey", "wrapKey"]

  tags = {
    system      = "libertum"
    environment = "prod"
  }

  rotation_policy {
    expire_after = "P1Y"

    automatic {
      time_before_expiry = "P30D"
    }
  }
}

resource "azurerm_kubernetes_cluster" "main" {
  name                      = "aks-libertum-prod"
  resource_group_name       = azurerm_resource_group.main.name
  location                  = azurerm_resource_group.main.location
  dns_prefix                = "libertum"
  kubernetes_version        = "1.30"
  sku_tier                  = "Standard"
  automatic_upgrade_channel = "patch"
  azure_policy_enabled      = true
  oidc_issuer_enabled       = true
  workload_identity_enabled = true

  tags = {
    system      = "libertum"
    environment = "prod"
  }

  default_node_pool {
    name                        = "system"
    vm_size                     = "Standard_D2s_v5"
    zones                       = ["1", "2", "3"]
    auto_scaling_enabled        = true
    min_count                   = 3
    max_count                   = 6
    max_pods                    = 50
    os_disk_size_gb             = 64
    host_encryption_enabled     = true
    vnet_subnet_id              = azurerm_subnet.public.id
    temporary_name_for_rotation = "systemtmp"

    upgrade_settings {
      max_surge = "33%"
    }
  }

  identity {
    type = "SystemAssigned"
  }

  api_server_access_profile {
    authorized_ip_ranges = ["203.0.113.0/24"]
  }

  key_management_service {
    key_vault_key_id         = azurerm_key_vault_key.etcd.id
    key_vault_network_access = "Public"
  }

  network_profile {
    network_plugin    = "azure"
    network_policy    = "calico"
    load_balancer_sku = "standard"
    outbound_type     = "loadBalancer"
    service_cidr      = "10.41.0.0/16"
    dns_service_ip    = "10.41.0.10"
  }

  oms_agent {
    log_analytics_workspace_id = azurerm_log_analytics_workspace.main.id
  }

  microsoft_defender {
    log_analytics_workspace_id = azurerm_log_analytics_workspace.main.id
  }

  auto_scaler_profile {
    balance_similar_node_groups = true
    expander                    = "least-waste"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "apps" {
  name                    = "apps"
  vm_size                 = "Standard_D2s_v5"
  zones                   = ["1", "2", "3"]
  auto_scaling_enabled    = true
  min_count               = 3
  max_count               = 9
  max_pods                = 50
  os_disk_size_gb         = 64
  host_encryption_enabled = true
  vnet_subnet_id          = azurerm_subnet.private.id
  kubernetes_cluster_id   = azurerm_kubernetes_cluster.main.id
  mode                    = "User"

  tags = {
    system      = "libertum"
    environment = "prod"
  }

  upgrade_settings {
    max_surge = "33%"
  }
}

resource "azurerm_monitor_diagnostic_setting" "aks" {
  name                           = "diag-aks-control-plane"
  target_resource_id             = azurerm_kubernetes_cluster.main.id
  log_analytics_workspace_id     = azurerm_log_analytics_workspace.main.id
  log_analytics_destination_type = "Dedicated"

  enabled_log {
    category = "kube-apiserver"
  }

  enabled_log {
    category = "kube-audit"
  }

  enabled_log {
    category = "kube-controller-manager"
  }

  enabled_log {
    category = "cluster-autoscaler"
  }
}

resource "azurerm_container_registry" "main" {
  name                   = "libertumacr"
  resource_group_name    = azurerm_resource_group.main.name
  location               = azurerm_resource_group.main.location
  sku                    = "Standard"
  admin_enabled          = false
  anonymous_pull_enabled = false

  tags = {
    system      = "libertum"
    environment = "prod"
  }
}

resource "azurerm_security_center_subscription_pricing" "containers" {
  tier          = "Standard"
  resource_type = "Containers"
}

resource "azurerm_storage_account" "main" {
  name                              = "stlibertumprod"
  resource_group_name               = azurerm_resource_group.main.name
  location                          = azurerm_resource_group.main.location
  account_tier                      = "Standard"
  account_replication_type          = "GZRS"
  account_kind                      = "StorageV2"
  https_traffic_only_enabled        = true
  min_tls_version                   = "TLS1_2"
  allow_nested_items_to_be_public   = false
  infrastructure_encryption_enabled = true

  tags = {
    system      = "libertum"
    environment = "prod"
  }

  network_rules {
    default_action             = "Deny"
    bypass                     = ["AzureServices"]
    virtual_network_subnet_ids = [azurerm_subnet.private.id]
  }

  blob_properties {
    versioning_enabled = true

    delete_retention_policy {
      days = 30
    }

    container_delete_retention_policy {
      days = 30
    }
  }
}

resource "azurerm_storage_container" "backups" {
  name                  = "mongodb-backups"
  storage_account_id    = azurerm_storage_account.main.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "assets" {
  name                  = "assets"
  storage_account_id    = azurerm_storage_account.main.id
  container_access_type = "private"
}

resource "azurerm_public_ip" "ingress" {
  name                = "pip-ingress"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = ["1", "2", "3"]

  tags = {
    system      = "libertum"
    environment = "prod"
  }
}

resource "azurerm_lb" "ingress" {
  name                = "lb-ingress"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  sku                 = "Standard"

  tags = {
    system      = "libertum"
    environment = "prod"
  }

  frontend_ip_configuration {
    name                 = "ingress"
    public_ip_address_id = azurerm_public_ip.ingress.id
  }
}

resource "azurerm_lb_backend_address_pool" "ingress" {
  name            = "ingress"
  loadbalancer_id = azurerm_lb.ingress.id
}

resource "azurerm_lb_probe" "ingress" {
  name            = "ingress-https"
  loadbalancer_id = azurerm_lb.ingress.id
  protocol        = "Tcp"
  port            = 443
}

resource "azurerm_lb_rule" "http" {
  name                           = "http"
  loadbalancer_id                = azurerm_lb.ingress.id
  protocol                       = "Tcp"
  frontend_port                  = 80
  backend_port                   = 80
  frontend_ip_configuration_name = "ingress"
  backend_address_pool_ids       = [azurerm_lb_backend_address_pool.ingress.id]
  probe_id                       = azurerm_lb_probe.ingress.id
  disable_outbound_snat          = true
}

resource "azurerm_lb_rule" "https" {
  name                           = "https"
  loadbalancer_id                = azurerm_lb.ingress.id
  protocol                       = "Tcp"
  frontend_port                  = 443
  backend_port                   = 443
  frontend_ip_configuration_name = "ingress"
  backend_address_pool_ids       = [azurerm_lb_backend_address_pool.ingress.id]
  probe_id                       = azurerm_lb_probe.ingress.id
  disable_outbound_snat          = true
}
