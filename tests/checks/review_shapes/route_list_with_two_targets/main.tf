resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_vpn_gateway" "vgw" { vpc_id = aws_vpc.main.id }
resource "aws_internet_gateway" "igw" { vpc_id = aws_vpc.main.id }
locals {
  r = {
    carrier_gateway_id = null, core_network_arn = null, destination_prefix_list_id = null,
    egress_only_gateway_id = null, ipv6_cidr_block = null, local_gateway_id = null,
    nat_gateway_id = null, network_interface_id = null, transit_gateway_id = null,
    vpc_endpoint_id = null, vpc_peering_connection_id = null
  }
}
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route = [
    merge(local.r, { cidr_block = "10.9.0.0/16", gateway_id = aws_vpn_gateway.vgw.id }),
    merge(local.r, { cidr_block = "0.0.0.0/0", gateway_id = aws_internet_gateway.igw.id }),
  ]
}
resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}
resource "aws_instance" "app" {
  ami           = "ami-12c6146b"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.private.id
}
