# prod sends 10.0.0.0/8 (dev's range included) to a transit gateway the plan does not hold:
# what that gateway joins cannot be read
resource "aws_vpc" "prod" {
  cidr_block = "10.0.0.0/16"
  tags       = { Name = "prod" }
}
resource "aws_vpc" "dev" {
  cidr_block = "10.1.0.0/16"
  tags       = { Name = "dev" }
}
resource "aws_subnet" "prod" {
  vpc_id            = aws_vpc.prod.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_subnet" "dev" {
  vpc_id            = aws_vpc.dev.id
  cidr_block        = "10.1.1.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_route_table" "prod" { vpc_id = aws_vpc.prod.id }
resource "aws_route" "summary" {
  route_table_id         = aws_route_table.prod.id
  destination_cidr_block = "10.0.0.0/8"
  transit_gateway_id     = "tgw-0123456789abcdef0"
}
