resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
  tags = { Tier = "private" }
}
resource "aws_vpn_gateway" "vgw" { vpc_id = aws_vpc.main.id }
# the VPC's internet gateway, created by another stack, looked up here
data "aws_internet_gateway" "default" {
  filter {
    name   = "attachment.vpc-id"
    values = [aws_vpc.main.id]
  }
}
resource "aws_route_table" "rt" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = data.aws_internet_gateway.default.id
  }
  route {
    cidr_block = "192.168.0.0/16"
    gateway_id = aws_vpn_gateway.vgw.id
  }
}
resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.private_a.id
  route_table_id = aws_route_table.rt.id
}
