resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_internet_gateway" "igw" { vpc_id = aws_vpc.main.id }
# subnet[0] is public (IGW route), subnet[1] is private (no default route)
resource "aws_subnet" "s" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.${count.index}.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}
resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.s[0].id
  route_table_id = aws_route_table.public.id
}
resource "aws_route_table" "private" { vpc_id = aws_vpc.main.id }
resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.s[1].id
  route_table_id = aws_route_table.private.id
}
locals {
  order = [aws_subnet.s[1].id, aws_subnet.s[0].id]
}
# app[0] lands in s[1] (private), app[1] lands in s[0] (public)... both via offset
resource "aws_instance" "app" {
  count         = 1
  ami           = "ami-12c6146b"
  instance_type = "t3.micro"
  subnet_id     = local.order[count.index + 1]
}
resource "aws_instance" "web" {
  count         = 1
  ami           = "ami-12c6146b"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.s[1 - count.index].id
}
