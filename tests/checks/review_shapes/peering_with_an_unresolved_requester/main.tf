# dev accepts a peering from each VPC of a map holding prod and a shared VPC: the plan cannot
# say which instance's requester is prod, so either may peer prod with dev
resource "aws_vpc" "prod" {
  cidr_block = "10.0.0.0/16"
  tags       = { Name = "prod" }
}
resource "aws_vpc" "dev" {
  cidr_block = "10.1.0.0/16"
  tags       = { Name = "dev" }
}
resource "aws_vpc" "shared" {
  cidr_block = "10.2.0.0/16"
  tags       = { Name = "shared" }
}
resource "aws_vpc_peering_connection" "to_dev" {
  for_each    = { a = aws_vpc.prod.id, b = aws_vpc.shared.id }
  vpc_id      = each.value
  peer_vpc_id = aws_vpc.dev.id
}
