"""The list of command modules (one per command family)."""

import importlib

MODULES = ("check", "init", "roster", "recording", "scoring", "notices", "org")


def modules():
    return [importlib.import_module(f"jifen_cli.cli.{name}") for name in MODULES]
