"""What a Python shell job's script finds on its path beside the server's Python: this
directory is the subprocess's PYTHONPATH (`job_process.py`), never installed anywhere, so
`from awsglue.utils import getResolvedOptions` works in the script as it does on Glue."""
