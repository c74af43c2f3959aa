resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
  tags = { Name = "private-a" }
}
resource "aws_route_table" "private" { vpc_id = aws_vpc.main.id }
resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}
resource "aws_network_interface" "app" { subnet_id = aws_subnet.private.id }
resource "aws_instance" "app" {
  ami           = "ami-12c6146b"
  instance_type = "t3.micro"
  network_interface {
    network_interface_id = aws_network_interface.app.id
    device_index         = 0
  }
  metadata_options { http_tokens = "required" }
}
resource "aws_eip" "app" {
  domain            = "vpc"
  network_interface = aws_network_interface.app.id
}
