"""Preset rules files, one per scheme label (package data ``*.yaml``).

Each preset starts with comment lines naming the scheme and its seed file and clause;
``list_presets`` reads them from there.
"""

from __future__ import annotations

import re
from importlib import resources

_SEED = re.compile(r"种子\s*0*(\d+)")


def _files():
    return sorted((f for f in resources.files(__name__).iterdir() if f.name.endswith(".yaml")),
                  key=lambda f: f.name)


def preset_text(label: str) -> str:
    """The rules YAML of preset ``label``; KeyError (Chinese message) when unknown."""
    for f in _files():
        if f.name == f"{label}.yaml":
            return f.read_text(encoding="utf-8")
    raise KeyError(f"没有名为“{label}”的预置方案（可用：{'、'.join(labels())}）")


def labels() -> list[str]:
    return [f.name[:-5] for f in _files()]


def list_presets() -> list[tuple[str, str, str]]:
    """``[(label, title, seed)]``: title from the first comment line (after “——”),
    seed from the first “种子 NNN” mention (as ``"000"``), sorted by label."""
    out = []
    for f in _files():
        head = [line[1:].strip() for line in f.read_text(encoding="utf-8").splitlines()[:12]
                if line.startswith("#")]
        first = head[0] if head else f.name
        title = first.split("——", 1)[1].strip() if "——" in first else first
        seed = ""
        for line in head:
            m = _SEED.search(line)
            if m:
                seed = f"{int(m.group(1)):03d}"
                break
        out.append((f.name[:-5], title, seed))
    return out


def preset_data(label: str):
    """The preset parsed the way the loader parses rules files (dates/decimals as
    strings, ints as int)."""
    return load_rules_text(preset_text(label))


def load_rules_text(text: str):
    """Parse rules YAML into plain data like ``yamlio.read_data`` does: floats and
    timestamps stay strings, ints are ints, booleans are booleans."""
    import yaml

    return yaml.load(text, Loader=_plain_loader())


def _plain_loader():
    import yaml

    global _LOADER
    if _LOADER is None:
        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        class PlainLoader(base):  # type: ignore[misc,valid-type]
            pass

        PlainLoader.yaml_implicit_resolvers = {
            key: [(tag, rx) for tag, rx in value
                  if tag not in ("tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")]
            for key, value in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }
        _LOADER = PlainLoader
    return _LOADER


_LOADER = None
