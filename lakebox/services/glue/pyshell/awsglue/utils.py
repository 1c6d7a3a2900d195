"""`getResolvedOptions`, as Glue's utility behaves: it reads the job's arguments out of
`sys.argv`. Names are given without the leading `--`; a name not passed is an error
(GlueArgumentError); arguments not asked for are ignored. Glue's documentation asks for
names with underscores only: a `-` in a name is answered as `_`.

Job bookmarks' arguments are Glue's own, resolved whether asked for or not (as the
`awsglue` library does): `job_bookmark_option` is the run's `--job-bookmark-option`
(one of job-bookmark-enable, -pause, -disable; else GlueArgumentError), or
job-bookmark-disable when none was passed; `job_bookmark_from` and `job_bookmark_to`
are the pause's range (None when not passed). Asking for one of them by name is a
RuntimeError ("Using reserved arguments ...")."""
import argparse

__all__ = ["getResolvedOptions", "GlueArgumentError"]

BOOKMARK_OPTION = "job-bookmark-option"
BOOKMARK_CHOICES = ("job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable")
BOOKMARK_RANGE = ("job-bookmark-from", "job-bookmark-to")


class GlueArgumentError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise GlueArgumentError(message)


def getResolvedOptions(args, options):  # noqa: N802 (Glue's name)
    """A dict of the value of each named option in `args` (usually `sys.argv`)."""
    parser = _Parser(add_help=False, allow_abbrev=False)
    for reserved in (BOOKMARK_OPTION, *BOOKMARK_RANGE):
        if reserved in options:
            shown = reserved if reserved == BOOKMARK_OPTION else f"--{reserved}"
            raise RuntimeError(f"Using reserved arguments {shown}")
    parser.add_argument(f"--{BOOKMARK_OPTION}", choices=BOOKMARK_CHOICES, required=False)
    for reserved in BOOKMARK_RANGE:
        parser.add_argument(f"--{reserved}", required=False)
    for option in options:
        parser.add_argument(f"--{option}", required=True)
    resolved = vars(parser.parse_known_args(list(args[1:]))[0])
    if resolved.get("job_bookmark_option") is None:
        resolved["job_bookmark_option"] = "job-bookmark-disable"
    return resolved
