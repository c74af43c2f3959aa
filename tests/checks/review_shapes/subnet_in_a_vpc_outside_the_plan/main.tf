# a subnet in a VPC the plan does not hold, with no association: it uses that VPC's main route
# table, whose routes cannot be read
resource "aws_subnet" "app" {
  vpc_id            = "vpc-0123456789abcdef0"
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_instance" "app" {
  ami           = "ami-12c6146b"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.app.id
}
