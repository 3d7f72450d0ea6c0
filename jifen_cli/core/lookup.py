"""Finding a member or an entry from what a user typed (an id or a name)."""

from __future__ import annotations

from .diagnostics import EXIT_PROBLEMS, JifenError
from .model import Ledger, Member
from .values import suggest


def describe_member(m: Member) -> str:
    """``M003 李海燕（ordinary，第二党小组，正式）`` — enough to tell namesakes apart."""
    extra = "，".join(x for x in (m.category, m.group, m.status) if x)
    return f"{m.id} {m.name}" + (f"（{extra}）" if extra else "")


def resolve_member(ledger: Ledger, text: str) -> Member:
    """The member whose id (any letter case) or name is ``text``.  An ambiguous name
    lists the candidates and an unknown one suggests the nearest; both raise
    JifenError (exit 1)."""
    key = str(text).strip()
    member = ledger.member(key) or ledger.member(key.upper())
    if member is not None:
        return member
    named = [m for m in ledger.members if m.name == key]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise JifenError(f"姓名“{key}”对应 {len(named)} 名党员，无法确定是哪一位："
                         + "；".join(describe_member(m) for m in named),
                         exit_code=EXIT_PROBLEMS, hint="请改用编号，例如 " + named[0].id)
    options = [describe_member(ledger.member(i)) for i in suggest(key, [m.id for m in ledger.members], 3)]
    for name in suggest(key, [m.name for m in ledger.members], 3):
        for m in ledger.members:
            if m.name == name and describe_member(m) not in options:
                options.append(describe_member(m))
    hint = ("是不是：" + "；".join(options) + "？") if options else "用 jifen members 查看花名册"
    raise JifenError(f"花名册中没有“{key}”", exit_code=EXIT_PROBLEMS, hint=hint)
