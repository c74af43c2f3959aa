resource "aws_vpc" "prod" { cidr_block = "10.0.0.0/16" }
resource "aws_vpc" "other" { cidr_block = "10.1.0.0/16" }
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.prod.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_subnet" "x" {
  for_each   = { p = aws_vpc.prod.id, o = aws_vpc.other.id }
  vpc_id     = each.value
  cidr_block = each.key == "p" ? "10.0.2.0/24" : "10.1.2.0/24"
}
resource "aws_cloudwatch_log_group" "fl" { name = "fl" }
resource "aws_iam_role" "fl" {
  name = "fl"
  assume_role_policy = jsonencode({Version="2012-10-17",Statement=[{Effect="Allow",Action="sts:AssumeRole",Principal={Service="vpc-flow-logs.amazonaws.com"}}]})
}
resource "aws_flow_log" "a" {
  subnet_id       = aws_subnet.a.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.fl.arn
  iam_role_arn    = aws_iam_role.fl.arn
}
