"""`lakebox serve | reset | info`: the command line, turned into a Config."""
import argparse
import json
import shutil
import sys

from lakebox import __version__
from lakebox.config import from_env


def main(argv=None):
    args = _parser().parse_args(argv)
    return args.run(args) or 0


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
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    serve.set_defaults(run=_serve)

    reset = commands.add_parser("reset", help="delete all state in a data dir")
    reset.add_argument("--data-dir", default=None)
    reset.set_defaults(run=_reset)

    info = commands.add_parser("info", help="version, data dir and implemented operations")
    info.add_argument("--data-dir", default=None)
    info.set_defaults(run=_info)
    return parser


def _serve(args):
    from lakebox.server import serve

    config = from_env(host=args.host, port=args.port, data_dir=args.data_dir,
                      limits=args.limits, log_level=args.log_level, transition_delay=args.transition_delay,
                      fsync=args.fsync)
    if args.in_memory:
        config = config.__class__(**{**config.__dict__, "data_dir": None})
    serve(config)


def _reset(args):
    config = from_env(data_dir=args.data_dir)
    shutil.rmtree(config.data_dir, ignore_errors=True)
    print(f"lakebox: removed {config.data_dir}")


def _info(args):
    from lakebox.services import implemented_operations

    config = from_env(data_dir=args.data_dir)
    report = {
        "version": __version__,
        "data_dir": config.data_dir,
        "services": {name: f"{len(done)}/{total}" for name, (done, total) in implemented_operations().items()},
    }
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    sys.exit(main())
