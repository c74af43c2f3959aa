resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
  tags = { Tier = "private" }
}
resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "eu-west-1b"
  tags = { Tier = "private" }
}
resource "aws_network_acl" "strict_a" {
  vpc_id     = aws_vpc.main.id
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "10.0.0.0/16"
  }
}
resource "aws_network_acl" "strict_b" {
  vpc_id     = aws_vpc.main.id
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "10.0.0.0/16"
  }
}
locals {
  acls = {
    a = { acl = aws_network_acl.strict_a.id, note = "x" }
    b = { acl = aws_network_acl.strict_b.id, note = "y" }
  }
}
resource "aws_network_acl_association" "a" {
  for_each       = local.acls
  subnet_id      = aws_subnet.private_a.id
  network_acl_id = each.value.acl
}
