"""The ``allas-examples`` command: ``list``, ``run NAME [ARGS]``, ``tour``, ``fake-reset``."""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import subprocess
import sys
from collections.abc import Sequence

from allas_examples import messages, script
from allas_examples.connection import TOKEN_VARIABLES, connect
from allas_examples.course import EXAMPLES, example_path
from allas_examples.errors import EXIT_OK, EXIT_USAGE, ConfigurationError
from allas_examples.messages import say, text


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = script.parser(None, argv)
    parser.prog = "allas-examples"
    parser.set_defaults(fake=None)  # neither --fake nor --real: each command's own default
    parser.add_argument("--version", action="version", version=version(), help=text("help_version"))
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_key in (
        ("list", "help_cmd_list"),
        ("run", "help_cmd_run"),
        ("tour", "help_cmd_tour"),
        ("fake-reset", "help_cmd_fake_reset"),
    ):
        command = commands.add_parser(name, help=text(help_key), description=text(help_key))
        # The common options work after the command too (``allas-examples tour --lang fi``).
        script.add_common_options(command, default=argparse.SUPPRESS)
        if name == "run":
            command.add_argument("name", help=text("help_example_name"))
            command.add_argument("args", nargs=argparse.REMAINDER, help=text("help_example_args"))
        if name == "tour":
            command.add_argument("--step", action="store_true", help=text("course_help_step"))
    args = parser.parse_args(argv)
    messages.set_language(messages.resolve_language(args.lang))
    return {
        "list": list_examples,
        "run": run_example,
        "tour": tour,
        "fake-reset": fake_reset,
    }[args.command](args)


def version() -> str:
    """``allas-examples X.Y.Z``: the version the installed distribution declares."""
    return f"allas-examples {importlib.metadata.version('allas-examples')}"


def list_examples(args: argparse.Namespace) -> int:
    say("list_heading")
    width = max(len(name) for name in EXAMPLES)
    for name in EXAMPLES:
        print(f"  {name:<{width}}  {text('desc_' + name)}")
    return EXIT_OK


def run_example(args: argparse.Namespace) -> int:
    """Run ``examples/NAME.py`` as its own process, exactly as a user would."""
    name = args.name.removesuffix(".py")
    if name not in EXAMPLES:
        messages.warn(text("unknown_example", name=args.name, names=", ".join(EXAMPLES)))
        return EXIT_USAGE
    try:
        path = example_path(name)
    except ConfigurationError as error:
        messages.warn(error.message())
        return error.exit_code
    command = [sys.executable, str(path), *args.args]
    if args.fake is not None:
        command.append("--fake" if args.fake else "--real")
    if args.lang:
        command += ["--lang", args.lang]
    if args.debug:
        command.append("--debug")
    return subprocess.call(command)


def tour(args: argparse.Namespace) -> int:
    """Run the tour on a fresh in-memory fake, or on the real Allas with ``--real``."""
    secrets = [os.environ.get(name, "") for name in script.SECRET_VARIABLES]
    try:
        with script.debug_logging(args.debug, secrets):
            _tour_on_target(args)
    except (Exception, KeyboardInterrupt) as error:
        # connect() prefers a storage URL and token; otherwise it logs in at Keystone.
        given_token = all(os.environ.get(name, "").strip() for name in TOKEN_VARIABLES)
        script.fail(error, args.debug, secrets, by_keystone=not given_token)
    return EXIT_OK


def _tour_on_target(args: argparse.Namespace) -> None:
    from allas_examples.tour import clean_up, run_tour, tour_bucket_name

    if args.fake is False:
        bucket = tour_bucket_name()
        conn = connect()
        say("tour_start", target=text("tour_target_real", bucket=bucket))
        try:
            run_tour(conn, bucket, step=args.step)
        except BaseException:
            clean_up(conn, bucket)
            raise
    else:
        from fake_swift import mock_allas

        with mock_allas() as allas:
            say("tour_start", target=text("tour_target_fake"))
            run_tour(connect(allas.environ()), script.BUCKET, step=args.step)


def fake_reset(args: argparse.Namespace) -> int:
    from fake_swift import reset_state

    state = script.fake_state_dir()
    reset_state(state)
    say("fake_reset_done", path=state)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
