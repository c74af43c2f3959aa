# dev accepts a peering from each VPC of a map of two shared VPCs: whichever instance is
# which, no peering touches prod
resource "aws_vpc" "prod" {
  cidr_block = "10.0.0.0/16"
  tags       = { Name = "prod" }
}
resource "aws_vpc" "dev" {
  cidr_block = "10.1.0.0/16"
  tags       = { Name = "dev" }
}
module "shared" {
  source = "./shared"
}
resource "aws_vpc_peering_connection" "to_dev" {
  for_each    = module.shared.vpc_ids
  vpc_id      = each.value
  peer_vpc_id = aws_vpc.dev.id
}
