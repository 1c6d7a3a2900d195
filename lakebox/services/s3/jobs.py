"""S3's scheduled work: lifecycle expiration, run at each midnight UTC and whenever the
clock moves or a configuration changes."""
from lakebox.services.s3 import lifecycle

JOBS = {"lifecycle": lifecycle.expire_due}
