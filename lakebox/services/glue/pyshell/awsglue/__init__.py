"""lakebox's small stand-in for the `awsglue` package of Glue's Python shell runtime: only
`awsglue.utils` (getResolvedOptions, GlueArgumentError)."""
