"""The list of command modules (one per command family).

Registering every module costs a run ~25 ms (importing seven modules, then Typer
converting the parameters of ~30 commands), so a run that names a command registers
only the module that provides it (:func:`register`); ``jifen --help``, a mistyped
command and the tests (``app._register_all()``) get them all.
"""

import importlib

MODULES = ("check", "init", "roster", "recording", "scoring", "notices", "org")

#: the commands (and command groups) each module registers — keep in step with the
#: modules' ``register``; tests/perf/test_startup.py checks it against the real app
COMMANDS = {
    "check": ("check",),
    "init": ("init", "presets"),
    "roster": ("members", "items"),
    "recording": ("add", "declare", "confirm", "reject", "void", "correct", "pending", "object",
                  "resolve", "log", "publish", "verify"),
    "scoring": ("score", "rank", "year", "explain"),
    "notices": ("month", "quarter", "half", "week", "card", "form"),
    "org": ("org",),
}

#: the root options (app.py's callback) that take a value: their value is not a command
_ROOT_OPTIONS_WITH_VALUE = ("-C", "--branch")


def modules():
    return [importlib.import_module(f"jifen_cli.cli.{name}") for name in MODULES]


def module_for(args) -> str | None:
    """The module providing the command that the command line ``args`` runs, or None
    when it names none of them (``--help``, ``--version``, a mistyped command: then all
    are needed, for the command list and the "did you mean" suggestions)."""
    args = list(args)
    i = 0
    while i < len(args):
        arg = str(args[i])
        if arg == "--":
            return None
        if arg in _ROOT_OPTIONS_WITH_VALUE:
            i += 2
            continue
        if arg.startswith("-"):
            i += 1
            continue
        for name in MODULES:
            if arg in COMMANDS.get(name, ()):
                return name
        return None
    return None


def register(app, args=None) -> bool:
    """Register the commands on ``app``: with the command line ``args`` of a run, only the
    module providing the command it names; otherwise (or when it names none) all of
    them.  True when all were registered.  Registering is appending to the app's lists,
    so the caller clears them first if it may call this more than once."""
    only = module_for(args) if args is not None else None
    if only is not None:
        importlib.import_module(f"jifen_cli.cli.{only}").register(app)
        return False
    for module in modules():
        module.register(app)
    return True
