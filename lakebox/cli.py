"""`lakebox serve | reset | info`: the command line, turned into a Config."""
import argparse
import json
import logging
import os
import shutil
import sys
import textwrap

from lakebox import __version__
from lakebox import credentials
from lakebox.config import BadSetting, from_env
from lakebox.storage import lock


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except BadSetting as bad:
        return _refuse(str(bad))


def _parser():
    parser = argparse.ArgumentParser(prog="lakebox", description="The AWS data-analytics stack on one machine.")
    parser.add_argument("--version", action="version", version=f"lakebox {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="start the server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default 4566, or LAKEBOX_PORT")
    where = serve.add_mutually_exclusive_group()
    where.add_argument("--data-dir", default=None, help="default ./.lakebox, or LAKEBOX_DATA_DIR")
    where.add_argument("--in-memory", action="store_true", help="keep nothing after the server stops")
    serve.add_argument("--limits", choices=["aws", "off"], default=None, help="enforce AWS rate limits (default aws)")
    serve.add_argument("--transition-delay", type=float, default=None, metavar="SECONDS",
                       help="how long streams stay CREATING/UPDATING (default 0, or LAKEBOX_TRANSITION_DELAY)")
    serve.add_argument("--fsync", choices=["background", "always"], default=None,
                       help="background (default, or LAKEBOX_FSYNC): writes survive a kill at once and a "
                            "power cut after about a second; always: on disk before each answer")
    serve.add_argument("--credentials", default=None, metavar="FILE",
                       help="access keys whose signatures are checked: a JSON list of "
                            "{AccessKeyId, SecretAccessKey, Account} (or LAKEBOX_CREDENTIALS)")
    serve.add_argument("--functions", default=None, metavar="DIR",
                       help="Lambda functions as Python files (<name>.py with lambda_handler), which Firehose "
                            "processors call by ARN (or LAKEBOX_FUNCTIONS)")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    serve.add_argument("--quiet", action="store_true", help="no log line per request")
    serve.set_defaults(run=_serve)

    reset = commands.add_parser("reset", help="delete all state in a data dir")
    reset.add_argument("--data-dir", default=None)
    reset.set_defaults(run=_reset)

    info = commands.add_parser("info", help="version, data dir, and the operations served and not served")
    info.add_argument("--data-dir", default=None)
    info.add_argument("--json", action="store_true", help="the same as one JSON document")
    info.set_defaults(run=_info)
    return parser


def _serve(args):
    from lakebox.server import CannotListen, serve

    if args.quiet:
        logging.getLogger("lakebox.requests").setLevel(logging.WARNING)

    config = from_env(host=args.host, port=args.port, data_dir=args.data_dir,
                      limits=args.limits, log_level=args.log_level, transition_delay=args.transition_delay,
                      fsync=args.fsync, credentials=args.credentials, functions_dir=args.functions)
    try:
        credentials.load(config.credentials)
    except credentials.BadCredentialsFile as bad:
        return _refuse(str(bad))
    if args.in_memory:
        config = config.__class__(**{**config.__dict__, "data_dir": None})
    try:
        serve(config)
    except lock.DataDirInUse as in_use:
        return _refuse(f"{in_use}; stop it or use --data-dir")
    except lock.DataDirUnusable as unusable:
        return _refuse(f"{unusable}; use --data-dir")
    except CannotListen as refused:
        return _refuse(str(refused))


def _reset(args):
    config = from_env(data_dir=args.data_dir)
    if not os.path.isdir(config.data_dir):
        print(f"lakebox: nothing to remove at {config.data_dir}")
        return
    try:
        held = lock.hold(config.data_dir)
    except lock.DataDirInUse as in_use:
        return _refuse(f"{in_use}; stop it first, or wipe it while it runs with POST /_lakebox/reset")
    except lock.DataDirUnusable as unusable:
        return _refuse(str(unusable))
    with held:
        _remove_data_dir(config.data_dir)
    print(f"lakebox: removed {config.data_dir}")


def _remove_data_dir(path: str):
    """Everything but the lock file first, so that a server starting meanwhile is refused."""
    for entry in os.scandir(path):
        if entry.name != lock.LOCK_FILE:
            shutil.rmtree(entry.path) if entry.is_dir(follow_symlinks=False) else os.unlink(entry.path)
    shutil.rmtree(path, ignore_errors=True)


def _refuse(message: str) -> int:
    """A start or reset refused: one line on stderr, no traceback, a non-zero exit."""
    print(f"lakebox: {message}", file=sys.stderr)
    return 1


def _info(args):
    import botocore

    from lakebox.services import operations_served

    config = from_env(data_dir=args.data_dir)
    services = operations_served()
    if args.json:
        report = {"version": __version__, "botocore": botocore.__version__, "data_dir": config.data_dir,
                  "services": services}
        json.dump(report, sys.stdout, indent=2)
        print()
        return
    print(f"lakebox {__version__}, models of botocore {botocore.__version__}, data dir {config.data_dir}")
    print("Operations not served answer HTTP 501 naming the service and operation.")
    for name, ops in services.items():
        print(_served_summary(name, ops))


def _served_summary(name: str, ops: dict) -> str:
    served, not_served = ops["served"], ops["not_served"]
    total = len(served) + len(not_served)
    if not served:
        return f"\n{name}: none of {total} operations served yet"
    lines = [f"\n{name}: {len(served)} of {total} operations served", _wrapped("served", served)]
    if not_served:
        lines.append(_wrapped("not served", not_served))
    return "\n".join(lines)


def _wrapped(label: str, names: list) -> str:
    return textwrap.fill(", ".join(names), width=100, initial_indent=f"  {label}: ",
                         subsequent_indent=" " * (len(label) + 4), break_on_hyphens=False)


if __name__ == "__main__":
    sys.exit(main())
