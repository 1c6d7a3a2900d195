"""`getResolvedOptions`, as Glue's documented utility behaves: it reads the job's arguments
out of `sys.argv`. Names are given without the leading `--`; a name not passed is an
error (GlueArgumentError); arguments not asked for are ignored. Glue's documentation asks
for names with underscores only: a `-` in a name is answered as `_`."""
import argparse

__all__ = ["getResolvedOptions", "GlueArgumentError"]


class GlueArgumentError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise GlueArgumentError(message)


def getResolvedOptions(args, options):  # noqa: N802 (Glue's name)
    """A dict of the value of each named option in `args` (usually `sys.argv`)."""
    parser = _Parser(add_help=False, allow_abbrev=False)
    for option in options:
        parser.add_argument(f"--{option}", required=True)
    resolved, _ = parser.parse_known_args(list(args[1:]))
    return vars(resolved)
