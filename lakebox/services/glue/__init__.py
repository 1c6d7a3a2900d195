"""AWS Glue: the Data Catalog (databases, tables, partitions), classifiers and crawlers
that read the lake's files to write tables."""
