# The compliant side: every kind of data store behind one group that admits the app nodes
# only. Cache nodes of the replication group and the clusters' instances are judged through
# their group and clusters.
resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_security_group" "bastion" {
  name   = "bastion"
  vpc_id = aws_vpc.main.id
  tags   = { Name = "bastion" }
}
resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.main.id
  tags   = { Name = "app" }
}
resource "aws_security_group" "data" {
  name   = "data"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port       = 0
    to_port         = 65535
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }
  tags = { Name = "data" }
}
resource "aws_instance" "bastion" {
  ami                    = "ami-12c6146b"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.bastion.id]
  tags                   = { Name = "bastion", Role = "bastion" }
}
resource "aws_instance" "app" {
  ami                    = "ami-12c6146b"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.app.id]
  tags                   = { Name = "app", Role = "app" }
}
resource "aws_elasticache_cluster" "cache" {
  cluster_id         = "cache"
  engine             = "redis"
  node_type          = "cache.t3.micro"
  num_cache_nodes    = 1
  security_group_ids = [aws_security_group.data.id]
}
resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id = "sessions"
  description          = "sessions"
  node_type            = "cache.t3.micro"
  num_cache_clusters   = 1
  security_group_ids   = [aws_security_group.data.id]
}
resource "aws_elasticache_cluster" "sessions_reader" {
  cluster_id           = "sessions-reader"
  replication_group_id = aws_elasticache_replication_group.sessions.id
}
resource "aws_elasticache_serverless_cache" "serverless" {
  name               = "serverless"
  engine             = "redis"
  security_group_ids = [aws_security_group.data.id]
}
resource "aws_memorydb_cluster" "memory" {
  name               = "memory"
  acl_name           = "open-access"
  node_type          = "db.t4g.small"
  security_group_ids = [aws_security_group.data.id]
}
resource "aws_dax_cluster" "dax" {
  cluster_name       = "dax"
  iam_role_arn       = "arn:aws:iam::123456789012:role/dax"
  node_type          = "dax.t3.small"
  replication_factor = 1
  security_group_ids = [aws_security_group.data.id]
}
resource "aws_redshift_cluster" "warehouse" {
  cluster_identifier     = "warehouse"
  node_type              = "ra3.xlplus"
  master_username        = "warehouse"
  master_password        = "Not-a-secret-1"
  skip_final_snapshot    = true
  vpc_security_group_ids = [aws_security_group.data.id]
}
resource "aws_redshiftserverless_namespace" "lake" { namespace_name = "lake" }
resource "aws_redshiftserverless_workgroup" "lake" {
  namespace_name     = aws_redshiftserverless_namespace.lake.namespace_name
  workgroup_name     = "lake"
  security_group_ids = [aws_security_group.data.id]
}
resource "aws_docdb_cluster" "documents" {
  cluster_identifier     = "documents"
  master_username        = "documents"
  master_password        = "Not-a-secret-1"
  skip_final_snapshot    = true
  vpc_security_group_ids = [aws_security_group.data.id]
}
resource "aws_docdb_cluster_instance" "documents" {
  identifier         = "documents-1"
  cluster_identifier = aws_docdb_cluster.documents.id
  instance_class     = "db.t3.medium"
}
resource "aws_neptune_cluster" "graph" {
  cluster_identifier     = "graph"
  skip_final_snapshot    = true
  vpc_security_group_ids = [aws_security_group.data.id]
}
resource "aws_neptune_cluster_instance" "graph" {
  cluster_identifier = aws_neptune_cluster.graph.id
  instance_class     = "db.t3.medium"
}
