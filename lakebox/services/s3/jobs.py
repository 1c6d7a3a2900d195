"""S3's scheduled work: lifecycle expiration, run at each midnight UTC and whenever the
clock moves or a configuration changes; restores completing when their time comes."""
from lakebox.services.s3 import lifecycle, replication, restores

JOBS = {"lifecycle": lifecycle.expire_due, "restores": restores.complete_due,
        "replication": replication.replicate_due}
