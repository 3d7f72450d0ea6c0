"""Every error/warning code the program can emit is catalogued and documented."""

import re
from pathlib import Path

from jifen_cli.core.diagnostics import CODES

REPO = Path(__file__).resolve().parents[1]
CODE = re.compile(r"""["']([EW]\d{3})["']""")


def _codes_in_source() -> set[str]:
    found = set()
    for path in (REPO / "jifen_cli").rglob("*.py"):
        if path.name == "diagnostics.py":
            continue
        found.update(CODE.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_emitted_code_is_in_the_catalogue():
    missing = sorted(_codes_in_source() - set(CODES))
    assert not missing, f"codes used but not in diagnostics.CODES: {missing}"


def test_every_catalogued_code_is_documented_in_format_md():
    text = (REPO / "docs" / "FORMAT.md").read_text(encoding="utf-8")
    undocumented = sorted(code for code in CODES if code not in text)
    assert not undocumented, f"codes missing from docs/FORMAT.md: {undocumented}"
