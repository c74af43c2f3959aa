# Databases tagged daily by a wildcard and a condition; volumes by a wildcard ARN.
resource "aws_db_instance" "orders" {
  identifier          = "rv-orders"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password            = "Pa55word1234"
  skip_final_snapshot = true
  tags                = { Backup = "daily" }
}
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 10
  tags              = { Backup = "weekly" }
}
resource "aws_backup_vault" "main" { name = "rv-vault" }
resource "aws_backup_plan" "daily" {
  name = "rv-daily"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 3 * * ? *)"
    lifecycle { delete_after = 35 }
  }
}

resource "aws_backup_selection" "databases" {
  name         = "rv-databases"
  plan_id      = aws_backup_plan.daily.id
  iam_role_arn = "arn:aws:iam::123456789012:role/rv-backup"
  resources    = ["arn:aws:rds:*:*:db:*"]
  condition {
    string_equals {
      key   = "aws:ResourceTag/Backup"
      value = "daily"
    }
  }
}
resource "aws_backup_selection" "volumes" {
  name         = "rv-volumes"
  plan_id      = aws_backup_plan.daily.id
  iam_role_arn = "arn:aws:iam::123456789012:role/rv-backup"
  resources    = ["arn:aws:ec2:eu-west-1:*:volume/*"]
}
