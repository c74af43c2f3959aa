resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_internet_gateway" "igw" { vpc_id = aws_vpc.main.id }
resource "aws_subnet" "public_a" {
  vpc_id = aws_vpc.main.id
  cidr_block = "10.0.0.0/24"
  availability_zone = "eu-west-1a"
  tags = { Tier = "public" }
}
resource "aws_subnet" "public_b" {
  vpc_id = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
  availability_zone = "eu-west-1b"
  tags = { Tier = "public" }
}
resource "aws_subnet" "private_a" {
  vpc_id = aws_vpc.main.id
  cidr_block = "10.0.10.0/24"
  availability_zone = "eu-west-1a"
  tags = { Tier = "private" }
}
resource "aws_eip" "nat" { domain = "vpc" }
resource "aws_nat_gateway" "nat" {
  allocation_id = aws_eip.nat.id
  subnet_id = aws_subnet.public_a.id
}
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat.id
  }
}
resource "aws_route_table_association" "pa" {
  subnet_id = aws_subnet.public_a.id
  route_table_id = aws_route_table.public.id
}
# mistake: the second public subnet is wired to the private table
resource "aws_route_table_association" "pb" {
  subnet_id = aws_subnet.public_b.id
  route_table_id = aws_route_table.private.id
}
resource "aws_route_table_association" "xa" {
  subnet_id = aws_subnet.private_a.id
  route_table_id = aws_route_table.private.id
}
