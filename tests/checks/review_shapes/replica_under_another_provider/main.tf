provider "aws" {
  alias  = "dr"
  region = "us-east-1"
}
resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "eu-west-1b"
}
resource "aws_db_subnet_group" "db" {
  name       = "rv-db"
  subnet_ids = [aws_subnet.private_a.id, aws_subnet.private_b.id]
}
resource "aws_db_instance" "src" {
  identifier              = "rv-src"
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  allocated_storage       = 20
  username                = "u"
  password                = "p12345678"
  db_subnet_group_name    = aws_db_subnet_group.db.name
  backup_retention_period = 7
  skip_final_snapshot     = true
}
# cross-region read replica: no db_subnet_group_name -> default VPC of us-east-1
resource "aws_db_instance" "replica" {
  provider            = aws.dr
  identifier          = "rv-replica"
  instance_class      = "db.t3.micro"
  replicate_source_db = aws_db_instance.src.arn
  skip_final_snapshot = true
}
