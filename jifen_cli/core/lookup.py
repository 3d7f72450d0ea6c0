"""Finding a member or an entry from what a user typed (an id or a name)."""

from __future__ import annotations

from .diagnostics import EXIT_PROBLEMS, JifenError
from .model import Ledger, Member
from .values import suggest


def describe_member(m: Member, classes: dict[str, str] | None = None) -> str:
    """``M003 李海燕（普通党员，第二党小组，正式）`` — enough to tell namesakes apart.  The
    category is named by ``classes`` ({code: Chinese name}, :func:`class_names`); a code
    the rules do not name is shown as written."""
    category = (classes or {}).get(m.category) or m.category
    extra = "，".join(x for x in (category, m.group, m.status) if x)
    return f"{m.id} {m.name}" + (f"（{extra}）" if extra else "")


def class_names(ledger: Ledger) -> dict[str, str]:
    """{class code: Chinese name} of the rules in force today (or, before the first rules
    version, of the earliest one); {} when the rules declare no classes or do not compile."""
    from .periods import today
    from .rules import compile_rules

    refs = ledger.settings.rules if ledger.settings is not None else []
    if not refs:
        return {}
    ref = ledger.rules_file_for(today()) or min(refs, key=lambda r: r.start)
    if ref.file not in ledger.rules:
        return {}
    scheme, _ = compile_rules(ledger.rules[ref.file], ref.file)  # never raises: E5xx are check's
    return {code: c.name for code, c in scheme.classes.items() if c.name} if scheme else {}


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
    classes = class_names(ledger)
    if len(named) > 1:
        raise JifenError(f"姓名“{key}”对应 {len(named)} 名党员，无法确定是哪一位："
                         + "；".join(describe_member(m, classes) for m in named),
                         exit_code=EXIT_PROBLEMS, hint="请改用编号，例如 " + named[0].id)
    options = [describe_member(ledger.member(i), classes)
               for i in suggest(key, [m.id for m in ledger.members], 3)]
    for name in suggest(key, [m.name for m in ledger.members], 3):
        for m in ledger.members:
            if m.name == name and describe_member(m, classes) not in options:
                options.append(describe_member(m, classes))
    hint = ("是不是：" + "；".join(options) + "？") if options else "用 jifen members 查看花名册"
    raise JifenError(f"花名册中没有“{key}”", exit_code=EXIT_PROBLEMS, hint=hint)
