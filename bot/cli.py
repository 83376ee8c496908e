"""The `oocps` command: run the bot and look after its database."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import admin_cli, collector, return_cli
from bot.account import TelegramUnreachable
from bot.console import console_actor, run_console, stdin_ask
from bot.runner import make_storage, run
from bot.settings import Settings, SettingsError, load_settings
from conversations.access import ROLES
from conversations.assistant import Assistant
from conversations.enrolment import InviteError, InviteSpec
from conversations.i18n import review_markdown
from conversations.monitoring.outputs import FORMATS
from state_machine.diagram import lifecycle_markdown
from state_machine.periods import Period
from storage import migrate
from storage.crypto import FieldCipher
from storage.database import create_engine


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oocps", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start the bot (polling, or webhook when WEBHOOK_URL is set)")
    db = sub.add_parser("db", help="database migrations")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="create or upgrade the database to the latest schema")
    db_sub.add_parser("current", help="show the schema revision the database is at")
    sub.add_parser("keygen", help="print a new OOCPS_ENCRYPTION_KEY")
    diagram = sub.add_parser("diagram", help="write docs/lifecycle.md from the lifecycle data")
    diagram.add_argument("--output", type=Path, default=Path("docs/lifecycle.md"))
    words = sub.add_parser("translations", help="write docs/translations.md (Welsh to review)")
    words.add_argument("--output", type=Path, default=Path("docs/translations.md"))

    invite = sub.add_parser("invite", help="print a single-use enrolment link")
    _scope_arguments(invite)
    invite.add_argument("--name", help="the person's name as colleagues will see it")
    invite.add_argument("--expires", default="72h", help="e.g. 30m, 72h, 7d (default 72h)")
    invite.add_argument(
        "--bot-username", help="the bot's @username, if `oocps run` has not learnt it here"
    )

    users = sub.add_parser("users", help="list or revoke users")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    users_sub.add_parser("list", help="everyone enrolled, with role, scope and state")
    revoke = users_sub.add_parser("revoke", help="stop a user's access at once")
    revoke.add_argument("who", help="their Telegram id or (part of) their name")

    ret = sub.add_parser(
        "return", help="the six-monthly monitoring return (docs/monitoring-return.md)"
    )
    ret.add_argument(
        "--period", required=True, type=Period.parse, help="e.g. 2026-H1 (April-September)"
    )
    ret.add_argument(
        "--la",
        dest="las",
        action="append",
        default=[],
        metavar="CODE",
        help="only this local authority (repeat for several; default all 22)",
    )
    ret.add_argument("--format", choices=FORMATS, default="xlsx")
    ret.add_argument(
        "--out", type=Path, help="the file to write (default oocps-return-PERIOD.FORMAT)"
    )
    ret.add_argument(
        "--publish",
        action="store_true",
        help="round to the nearest 5 and suppress 1-4, for publication",
    )
    ret.add_argument("--lang", choices=["en", "cy"], default="en", help="headings' language")

    entry = sub.add_parser("return-entry", help="set what a manager enters for the return")
    entry.add_argument("--period", required=True, type=Period.parse)
    entry.add_argument("--la", required=True, metavar="CODE")
    entry.add_argument(
        "--physical-punishment-not-police",
        metavar="N",
        help="count 10: supported for physical punishment, not referred by police",
    )
    entry.add_argument(
        "--not-physical-punishment",
        metavar="N",
        help="count 11: supported, not related to physical punishment",
    )
    entry.add_argument("--fte", help="parenting workers, full-time equivalent (e.g. 1.5)")
    entry.add_argument("--staff", metavar="N", help="people working on it using the grant")
    entry.add_argument("--universal", metavar="yes|no", help="staff support universal parenting")
    entry.add_argument("--training", help="training delivered with the grant, and to whom")
    entry.add_argument("--other-activity", help="other activity funded by the grant")

    console = sub.add_parser("console", help="use the service in this terminal, without Telegram")
    console.add_argument("--as", dest="role", required=True, choices=ROLES)
    console.add_argument("--la", dest="las", action="append", default=[], metavar="CODE")
    console.add_argument("--force", metavar="CODE")
    console.add_argument("--national", action="store_true")
    console.add_argument("--lang", choices=["en", "cy"], default="en")
    console.add_argument("--name", help="who is at this console (default: your login name)")
    return parser


def _scope_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument(
        "--la",
        dest="las",
        action="append",
        default=[],
        metavar="CODE",
        help="a local authority (repeat for several), e.g. cardiff",
    )
    parser.add_argument("--force", metavar="CODE", help="police force, e.g. south-wales")
    parser.add_argument("--national", action="store_true", help="a manager for all of Wales")


async def _db_upgrade(settings: Settings) -> str:
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        return f"database at revision {await migrate.current(engine)} (head)"
    finally:
        await engine.dispose()


async def _db_current(settings: Settings) -> str:
    engine = create_engine(settings.database_url)
    try:
        rev = await migrate.current(engine)
    finally:
        await engine.dispose()
    head = migrate.head()
    if rev is None:
        return "database is empty: run `oocps db upgrade`"
    return f"{rev} (head)" if rev == head else f"{rev} (head is {head}: run `oocps db upgrade`)"


async def _with_storage(settings: Settings, args: argparse.Namespace) -> int:
    """Commands that work on the database: it is upgraded first, as `make run` would."""
    storage = make_storage(settings)
    try:
        await migrate.upgrade(storage.db.engine)
        if args.command == "return":
            path = await return_cli.write_return(
                storage, args.period, args.format, la_codes=args.las, out=args.out,
                publish=args.publish, language=args.lang,
            )  # fmt: skip
            print(f"wrote {path}")
            return 0
        if args.command == "return-entry":
            print(await return_cli.enter(storage, args.period, args.la,
                                         return_cli.entered_values(args)))  # fmt: skip
            return 0
        if args.command == "users":
            if args.users_command == "list":
                print(await admin_cli.list_users(storage))
                return 0
            done, message = await admin_cli.revoke(storage, args.who)
            print(message, file=sys.stdout if done else sys.stderr)
            return 0 if done else 1
        spec = InviteSpec(
            role=args.role,
            display_name=getattr(args, "name", None) or _default_name(args),
            force_code=args.force,
            la_codes=tuple(args.las),
            national=args.national,
            expires_in=admin_cli.parse_duration(getattr(args, "expires", "72h")),
        )
        if args.command == "invite":
            username = await admin_cli.bot_username(settings, args.bot_username)
            print(await admin_cli.invite(storage, spec, username))
            return 0
        actor = await console_actor(storage, spec, args.lang)
        await run_console(Assistant(storage, "console"), actor, stdin_ask, print)
        return 0
    except (InviteError, ValueError) as exc:
        print(f"oocps: {exc}", file=sys.stderr)
        return 2
    finally:
        await storage.db.dispose()


def _default_name(args: argparse.Namespace) -> str:
    if args.command == "console":
        return getpass.getuser()
    scope = args.force or ("all of Wales" if args.national else ", ".join(args.las))
    return f"{args.role} ({scope})" if scope else args.role


# The settings each command cannot do without, checked with the rest at load.
_NEEDS = {
    "run": ("telegram_bot_token", "encryption_key"),
    "invite": ("encryption_key",),
    "users": ("encryption_key",),
    "console": ("encryption_key",),
    "return": ("encryption_key",),
    "return-entry": ("encryption_key",),
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    collector.tune()
    try:
        if args.command == "keygen":
            print(FieldCipher.generate_key())
            return 0
        if args.command == "diagram":
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(lifecycle_markdown(), encoding="utf-8")
            print(f"wrote {args.output}")
            return 0
        if args.command == "translations":
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(review_markdown(), encoding="utf-8")
            print(f"wrote {args.output}")
            return 0
        settings = load_settings(*_NEEDS.get(args.command, ()))
        if args.command == "db":
            action = _db_upgrade if args.db_command == "upgrade" else _db_current
            print(asyncio.run(action(settings)))
            return 0
        if args.command in ("invite", "users", "console", "return", "return-entry"):
            return asyncio.run(_with_storage(settings, args))
        if args.command == "run":
            return run(settings)
    except SettingsError as exc:
        print(f"oocps: {exc}", file=sys.stderr)
        return 2
    except TelegramUnreachable as exc:
        print(f"oocps: {exc}.", file=sys.stderr)
        return 1
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
