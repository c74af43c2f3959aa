# The system's VPC (System=sys) holds only public subnets; another team's VPC (System=other)
# holds public and private subnets and the account's only AWS Backup plan (the other team's).
resource "aws_vpc" "sys" {
  cidr_block = "10.1.0.0/16"
  tags       = { Name = "sys", System = "sys" }
}
resource "aws_internet_gateway" "sys" { vpc_id = aws_vpc.sys.id }
resource "aws_subnet" "sys_public" {
  for_each          = { a = "eu-west-1a", b = "eu-west-1b" }
  vpc_id            = aws_vpc.sys.id
  cidr_block        = each.key == "a" ? "10.1.1.0/24" : "10.1.2.0/24"
  availability_zone = each.value
  tags              = { Name = "sys-public-${each.key}", Tier = "public", System = "sys" }
}
resource "aws_route_table" "sys_public" {
  vpc_id = aws_vpc.sys.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.sys.id
  }
  tags = { System = "sys" }
}
resource "aws_route_table_association" "sys_public" {
  for_each       = aws_subnet.sys_public
  subnet_id      = each.value.id
  route_table_id = aws_route_table.sys_public.id
}

resource "aws_vpc" "other" {
  cidr_block = "10.2.0.0/16"
  tags       = { Name = "other", System = "other" }
}
resource "aws_internet_gateway" "other" {
  vpc_id = aws_vpc.other.id
  tags   = { System = "other" }
}
resource "aws_subnet" "other_public" {
  vpc_id            = aws_vpc.other.id
  cidr_block        = "10.2.1.0/24"
  availability_zone = "eu-west-1a"
  tags              = { Name = "other-public", Tier = "public", System = "other" }
}
resource "aws_subnet" "other_private" {
  vpc_id            = aws_vpc.other.id
  cidr_block        = "10.2.11.0/24"
  availability_zone = "eu-west-1a"
  tags              = { Name = "other-private", Tier = "private", System = "other" }
}
resource "aws_eip" "other" {
  domain = "vpc"
  tags   = { System = "other" }
}
resource "aws_nat_gateway" "other" {
  subnet_id     = aws_subnet.other_public.id
  allocation_id = aws_eip.other.id
  tags          = { System = "other" }
}
resource "aws_route_table" "other_public" {
  vpc_id = aws_vpc.other.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.other.id
  }
  tags = { System = "other" }
}
resource "aws_route_table" "other_private" {
  vpc_id = aws_vpc.other.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.other.id
  }
  tags = { System = "other" }
}
resource "aws_route_table_association" "other_public" {
  subnet_id      = aws_subnet.other_public.id
  route_table_id = aws_route_table.other_public.id
}
resource "aws_route_table_association" "other_private" {
  subnet_id      = aws_subnet.other_private.id
  route_table_id = aws_route_table.other_private.id
}
resource "aws_backup_vault" "other" {
  name = "other"
  tags = { System = "other" }
}
resource "aws_backup_plan" "other" {
  name = "other"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.other.name
    schedule          = "cron(0 3 * * ? *)"
    lifecycle { delete_after = 35 }
  }
  tags = { System = "other" }
}
