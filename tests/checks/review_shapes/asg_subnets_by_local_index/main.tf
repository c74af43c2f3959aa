resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "eu-west-1b"
}
locals {
  subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
}
resource "aws_launch_template" "app" {
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
}
resource "aws_autoscaling_group" "app" {
  min_size            = 2
  max_size            = 4
  vpc_zone_identifier = [local.subnet_ids[0]]
  launch_template {
    id = aws_launch_template.app.id
  }
}
