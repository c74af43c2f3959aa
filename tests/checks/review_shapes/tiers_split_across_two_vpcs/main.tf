# Two VPCs, each with a public and a private subnet in one zone: every tier is in two zones
# only when the VPCs are pooled; neither network spans two zones.
locals {
  networks = { a = { cidr = "10.1.0.0/16", zone = "eu-west-1a" }, b = { cidr = "10.2.0.0/16", zone = "eu-west-1b" } }
}

resource "aws_vpc" "net" {
  for_each   = local.networks
  cidr_block = each.value.cidr
  tags       = { Name = "net-${each.key}" }
}

resource "aws_internet_gateway" "gw" {
  for_each = local.networks
  vpc_id   = aws_vpc.net[each.key].id
}

resource "aws_subnet" "public" {
  for_each          = local.networks
  vpc_id            = aws_vpc.net[each.key].id
  cidr_block        = cidrsubnet(each.value.cidr, 8, 1)
  availability_zone = each.value.zone
  tags              = { Name = "public-${each.key}", Tier = "public" }
}

resource "aws_subnet" "private" {
  for_each          = local.networks
  vpc_id            = aws_vpc.net[each.key].id
  cidr_block        = cidrsubnet(each.value.cidr, 8, 11)
  availability_zone = each.value.zone
  tags              = { Name = "private-${each.key}", Tier = "private" }
}

resource "aws_eip" "nat" {
  for_each = local.networks
  domain   = "vpc"
}

resource "aws_nat_gateway" "nat" {
  for_each      = local.networks
  subnet_id     = aws_subnet.public[each.key].id
  allocation_id = aws_eip.nat[each.key].id
}

resource "aws_route_table" "public" {
  for_each = local.networks
  vpc_id   = aws_vpc.net[each.key].id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw[each.key].id
  }
}

resource "aws_route_table" "private" {
  for_each = local.networks
  vpc_id   = aws_vpc.net[each.key].id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat[each.key].id
  }
}

resource "aws_route_table_association" "public" {
  for_each       = local.networks
  subnet_id      = aws_subnet.public[each.key].id
  route_table_id = aws_route_table.public[each.key].id
}

resource "aws_route_table_association" "private" {
  for_each       = local.networks
  subnet_id      = aws_subnet.private[each.key].id
  route_table_id = aws_route_table.private[each.key].id
}
