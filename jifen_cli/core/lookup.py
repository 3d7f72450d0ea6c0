"""Finding a member or an entry from what a user typed (an id or a name)."""

from __future__ import annotations

from .diagnostics import EXIT_PROBLEMS, JifenError
from .model import Entry, Ledger, Member
from .values import suggest


def resolve_member(ledger: Ledger, text: str) -> Member:
    """The member whose id or name is ``text``.  An ambiguous name lists the candidates
    and an unknown one suggests the nearest; both raise JifenError (exit 1)."""
    key = str(text).strip()
    member = ledger.member(key)
    if member is not None:
        return member
    named = [m for m in ledger.members if m.name == key]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        options = "、".join(f"{m.id}（{m.group or m.category}）" for m in named)
        raise JifenError(f"有 {len(named)} 名党员叫“{key}”，请改用编号", exit_code=EXIT_PROBLEMS,
                         hint=f"候选：{options}")
    ids = [m.id for m in ledger.members]
    names = {m.name: m.id for m in ledger.members}
    near = [f"{mid} / {ledger.member(mid).name}" for mid in suggest(key, ids, 2)]
    near += [f"{names[n]} / {n}" for n in suggest(key, names, 2) if names[n] not in near]
    raise JifenError(f"花名册中没有“{key}”", exit_code=EXIT_PROBLEMS,
                     hint=("是不是 " + "、".join(dict.fromkeys(near)) + "？") if near else
                     "用 jifen members 或查看 members.yaml 核对编号和姓名")


def resolve_entry(ledger: Ledger, entry_id: str) -> Entry:
    key = str(entry_id).strip()
    for e in ledger.entries:
        if e.id == key:
            return e
    near = suggest(key, [e.id for e in ledger.entries], 3)
    raise JifenError(f"没有编号为“{key}”的积分条目", exit_code=EXIT_PROBLEMS,
                     hint=("是不是 " + "、".join(near) + "？") if near else None)
