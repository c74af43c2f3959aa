# The system's VPC "sys": public subnet in eu-west-1a; private subnet whose zone is chosen at
# apply (no availability_zone). Another VPC "other" is fully tiered in two zones.
resource "aws_vpc" "sys" {
  cidr_block = "10.1.0.0/16"
  tags       = { Name = "sys" }
}
resource "aws_internet_gateway" "sys" { vpc_id = aws_vpc.sys.id }
resource "aws_subnet" "sys_public" {
  vpc_id            = aws_vpc.sys.id
  cidr_block        = "10.1.1.0/24"
  availability_zone = "eu-west-1a"
  tags              = { Name = "sys-public", Tier = "public" }
}
resource "aws_subnet" "sys_private" {
  vpc_id     = aws_vpc.sys.id
  cidr_block = "10.1.11.0/24"
  tags       = { Name = "sys-private", Tier = "private" }
}
resource "aws_eip" "sys" { domain = "vpc" }
resource "aws_nat_gateway" "sys" {
  subnet_id     = aws_subnet.sys_public.id
  allocation_id = aws_eip.sys.id
}
resource "aws_route_table" "sys_public" {
  vpc_id = aws_vpc.sys.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.sys.id
  }
}
resource "aws_route_table" "sys_private" {
  vpc_id = aws_vpc.sys.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.sys.id
  }
}
resource "aws_route_table_association" "sys_public" {
  subnet_id      = aws_subnet.sys_public.id
  route_table_id = aws_route_table.sys_public.id
}
resource "aws_route_table_association" "sys_private" {
  subnet_id      = aws_subnet.sys_private.id
  route_table_id = aws_route_table.sys_private.id
}

locals { zones = { a = "eu-west-1a", b = "eu-west-1b" } }
resource "aws_vpc" "other" {
  cidr_block = "10.2.0.0/16"
  tags       = { Name = "other" }
}
resource "aws_internet_gateway" "other" { vpc_id = aws_vpc.other.id }
resource "aws_subnet" "other_public" {
  for_each          = local.zones
  vpc_id            = aws_vpc.other.id
  cidr_block        = cidrsubnet("10.2.0.0/16", 8, index(keys(local.zones), each.key) + 1)
  availability_zone = each.value
  tags              = { Name = "other-public-${each.key}", Tier = "public" }
}
resource "aws_subnet" "other_private" {
  for_each          = local.zones
  vpc_id            = aws_vpc.other.id
  cidr_block        = cidrsubnet("10.2.0.0/16", 8, index(keys(local.zones), each.key) + 11)
  availability_zone = each.value
  tags              = { Name = "other-private-${each.key}", Tier = "private" }
}
resource "aws_eip" "other" { domain = "vpc" }
resource "aws_nat_gateway" "other" {
  subnet_id     = aws_subnet.other_public["a"].id
  allocation_id = aws_eip.other.id
}
resource "aws_route_table" "other_public" {
  vpc_id = aws_vpc.other.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.other.id
  }
}
resource "aws_route_table" "other_private" {
  vpc_id = aws_vpc.other.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.other.id
  }
}
resource "aws_route_table_association" "other_public" {
  for_each       = local.zones
  subnet_id      = aws_subnet.other_public[each.key].id
  route_table_id = aws_route_table.other_public.id
}
resource "aws_route_table_association" "other_private" {
  for_each       = local.zones
  subnet_id      = aws_subnet.other_private[each.key].id
  route_table_id = aws_route_table.other_private.id
}
