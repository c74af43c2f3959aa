resource "aws_vpc" "a" {
  cidr_block = "10.2.0.0/16"
  tags       = { Name = "shared-a" }
}
resource "aws_vpc" "b" {
  cidr_block = "10.3.0.0/16"
  tags       = { Name = "shared-b" }
}
output "vpc_ids" { value = { a = aws_vpc.a.id, b = aws_vpc.b.id } }
