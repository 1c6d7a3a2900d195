"""Where botocore's S3 Control model differs from S3 Control: `S3ResourceArn`'s pattern
asks for a region, which a general purpose bucket's ARN (`arn:aws:s3:::name`) has not,
yet S3 Control tags such buckets (recorded: stackd's abac_controls_replay.json)."""
PATTERN_ERRATA = ("S3ResourceArn",)
