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
# restrictive ACL, exactly on private_a
resource "aws_network_acl" "strict" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.private_a.id]
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "10.0.0.0/16"
  }
}
# wide-open ACL; an association over a map of settings may put private_a on it
resource "aws_network_acl" "open" {
  vpc_id = aws_vpc.main.id
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
}
locals {
  attach = {
    first  = { subnet = aws_subnet.private_a.id, note = "x" }
    second = { subnet = aws_subnet.private_b.id, note = "y" }
  }
}
resource "aws_network_acl_association" "open" {
  for_each       = local.attach
  subnet_id      = each.value.subnet
  network_acl_id = aws_network_acl.open.id
}
