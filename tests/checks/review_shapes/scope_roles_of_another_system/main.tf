# The system (System=sys): a database whose group admits another team's "app" group
# (System=other, guarding the other team's app instance).
resource "aws_vpc" "shared" {
  cidr_block = "10.5.0.0/16"
  tags       = { Name = "shared" }
}
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.shared.id
  cidr_block        = "10.5.1.0/24"
  availability_zone = "eu-west-1a"
  tags              = { Name = "db-a", Tier = "isolated" }
}
resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.shared.id
  cidr_block        = "10.5.2.0/24"
  availability_zone = "eu-west-1b"
  tags              = { Name = "db-b", Tier = "isolated" }
}
resource "aws_db_subnet_group" "db" {
  name       = "sys-db"
  subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
  tags       = { System = "sys" }
}
resource "aws_security_group" "other_app" {
  name   = "other-app"
  vpc_id = aws_vpc.shared.id
  tags   = { Name = "other-app", System = "other" }
}
resource "aws_instance" "other_app" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.other_app.id]
  tags                   = { Name = "other-app", System = "other" }
}
resource "aws_security_group" "db" {
  name   = "sys-db"
  vpc_id = aws_vpc.shared.id
  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.other_app.id]
  }
  tags = { Name = "sys-db", System = "sys" }
}
resource "aws_db_instance" "db" {
  identifier             = "sys-db"
  engine                 = "postgres"
  instance_class         = "db.t3.micro"
  allocated_storage      = 20
  username               = "u"
  password               = "p4ssw0rd-long"
  db_subnet_group_name   = aws_db_subnet_group.db.name
  vpc_security_group_ids = [aws_security_group.db.id]
  skip_final_snapshot    = true
  tags                   = { Name = "sys-db", System = "sys" }
}
