"""Synthetic branches and multi-branch trees for the benchmark kit (and the perf tests).

Every branch uses the xingshi preset (jifen_cli/core/presets/xingshi.yaml) and passes
``jifen check``: members of every class and status (a few exempt, a few under
investigation, some probationary members who joined during the period), a month file per
month with deductions and vanguard bonuses at per-member rates (about 20 events per
member-year), Chinese notes, and a democratic evaluation (votes) per year.

    python -m bench.generate SIZE [--out DIR] [--seed N]

SIZE (written to bench/data/SIZE unless --out):
  branch       one branch, 200 members x 5 years (~20,000 events)
  township     100 branches x 50 members, 1 year (~100,000 events) — for `jifen org`
  township1    one branch of township size: 5,000 members, 1 year (~100,000 events) —
               for `jifen check` / `jifen year` (they work on one branch)
  county       2,000 branches x 25 members, 1 year (~1,000,000 events)
  small        5 branches x 12 members, 1 year (tests)

Output is deterministic for a given seed.  Files are written as YAML text directly (not
through a YAML library) so that a county takes seconds to generate.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

PRESET = Path(__file__).resolve().parent.parent / "jifen_cli" / "core" / "presets" / "xingshi.yaml"
DATA = Path(__file__).resolve().parent / "data"

#: (branches, members per branch, years, events per member-year); branches=0 = one branch
SIZES = {
    "branch": (0, 200, 5, 20),
    "township": (100, 50, 1, 20),
    "township1": (0, 5000, 1, 20),
    "county": (2000, 25, 1, 20),
    "small": (5, 12, 1, 20),
}
LAST_YEAR = 2024

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国建军建华志强志明海燕"
         "晓东晓明春梅秋菊文华文杰德明德华国强国华永红永明丽娟丽华宏伟宏亮卫东卫国小红小平新民新华")
GROUPS = ("第一党小组", "第二党小组", "第三党小组", "第四党小组")
UNITS = ("集团机关", "城投公司", "水务公司", "建设公司", "物业公司", "旅游公司", "供销社", "社区", "村", "学校")

#: class code → weight
CLASSES = (("ordinary", 70), ("leader", 6), ("retired", 12), ("mobile", 7), ("old", 5))
LEVELS_LOW = (("支部", 60), ("集团", 25), ("都江堰市级", 10), ("成都市级", 4), ("省级", 1))

# item, weight, kind; notes are chosen from NOTES[item]
ITEMS = (
    ("leave", 25), ("study_missing", 6), ("absent", 3), ("theme_day", 3), ("dues_late", 2),
    ("other_deduct", 1), ("duty_poor", 0.5), ("conduct", 0.1),
    ("volunteer", 45), ("honour", 10), ("emergency", 3), ("bravery", 0.4),
)
NOTES = {
    "leave": ["因出差请假，未参加{m}月支部党员大会", "因病请假，未参加{m}月主题党日活动",
              "家中有事请假，未参加党小组会", "外出学习请假，已补学会议精神", "值班请假，未参加{m}月组织生活会"],
    "study_missing": ["未按要求完成“学习强国”{m}月学习任务", "未按时提交{m}月学习心得体会",
                      "未参加集中学习，未补学", "专题学习笔记未按要求完成"],
    "absent": ["无故缺席{m}月支部党员大会", "无故缺席党小组会", "无故缺席党课"],
    "theme_day": ["无故不参加{m}月固定党日活动", "未参加主题党日志愿服务，事先未请假"],
    "dues_late": ["{m}月党费未按时交纳", "党费未足额交纳，经提醒后补交"],
    "other_deduct": ["会议期间多次接打电话，影响会场纪律", "组织生活发言准备不充分", "未按时报送个人事项材料"],
    "duty_poor": ["分管工作推进不力，经支委会认定", "联系群众工作不到位，经支部认定"],
    "conduct": ["在工作群发表不当言论，造成不良影响"],
    "volunteer": ["参加社区“双报到”志愿服务{h}小时", "参加文明城市创建志愿服务", "参加无偿献血",
                  "参加关爱留守儿童志愿活动", "参加防汛值守志愿服务", "参加垃圾分类宣传志愿服务"],
    "honour": ["获评{y}年度优秀共产党员", "获评先进工作者", "获“岗位能手”称号", "所在项目获表彰，本人为主要完成人"],
    "emergency": ["参加抗洪抢险，表现突出", "参加森林防火应急值守", "参与处置突发事件，反应迅速"],
    "bravery": ["见义勇为，救助落水群众", "协助民警制止违法行为"],
}
OPEN_POINTS = {"other_deduct": (1, 10)}
LEVEL_ITEMS = {"volunteer", "honour", "emergency", "bravery"}


@dataclass
class Member:
    id: str
    name: str
    category: str
    status: str
    joined: date
    exempt: bool = False
    investigation: bool = False
    rate: float = 1.0  # events per member-year, relative
    diligence: float = 1.0  # bonus share, relative


def _weighted(rng: random.Random, pairs):
    names = [p[0] for p in pairs]
    weights = [p[1] for p in pairs]
    return rng.choices(names, weights)[0]


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _members(rng: random.Random, n: int, first_year: int) -> list[Member]:
    out = []
    for i in range(n):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        category = _weighted(rng, CLASSES)
        r = rng.random()
        if r < 0.06:
            status = "预备"
            joined = date(first_year, rng.randint(1, 6), rng.randint(1, 28))
        elif r < 0.08:
            status = "积极分子"
            joined = date(first_year - 1, rng.randint(1, 12), rng.randint(1, 28))
        else:
            status = "正式"
            joined = date(rng.randint(1965, first_year - 1), rng.randint(1, 12), rng.randint(1, 28))
        m = Member(id=f"M{i + 1:04d}", name=name, category=category, status=status, joined=joined)
        m.exempt = category == "old" and status == "正式" and rng.random() < 0.7
        m.investigation = status == "正式" and not m.exempt and rng.random() < 0.003
        m.rate = rng.lognormvariate(0, 0.45)
        m.diligence = rng.lognormvariate(0, 0.5)
        out.append(m)
    return out


def _members_yaml(members: list[Member], first_year: int) -> str:
    lines = ["# 党员花名册（合成数据，由 bench/generate.py 生成）", "members:"]
    for m in members:
        lines += [f"  - id: {m.id}", f"    name: {m.name}", f"    category: {m.category}",
                  f"    status: {m.status}"]
        if m.id == "M0001":
            lines.append("    posts: [支部书记]")
        elif m.id == "M0002":
            lines.append("    posts: [组织委员]")
        lines += [f"    group: {GROUPS[int(m.id[1:]) % len(GROUPS)]}", f"    joined: {m.joined.isoformat()}"]
        if m.exempt:
            lines += ["    exempt:", f"      approved: {first_year - 1}-12-20",
                      "      reason: 年老体弱，经支部委员会研究、党员大会通过，不纳入积分考核"]
        if m.investigation:
            lines += ["    investigation:", f"      start: {first_year}-03-01",
                      "      reason: 涉嫌违纪正在接受调查"]
        lines += ["    private:", f"      phone: \"13{int(m.id[1:]) * 7919 % 1000000000:09d}\""]
    return "\n".join(lines) + "\n"


def _branch_yaml(name: str, first_year: int) -> str:
    return (f"# 支部设置（合成数据）\nformat: 1\nname: {_q(name)}\nupper: 某某县委组织部\n"
            f"secretary: 王书记\nrecorders: [李记录]\nobjection_days: 5\nrules:\n"
            f"  - from: {first_year}-01-01\n    file: rules/xingshi.yaml\nnotice:\n"
            f"  show_empty_members: true\n  hide_sanction_notes: true\n")


def _month_yaml(rng: random.Random, members: list[Member], year: int, month: int,
                per_member_month: float) -> tuple[str, int]:
    days = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    events = []
    for m in members:
        if m.exempt:
            continue
        lam = per_member_month * m.rate
        # Poisson by inversion (small means)
        k, p, u = 0, pow(2.718281828459045, -lam), rng.random()
        s = p
        while u > s and k < 40:
            k += 1
            p *= lam / k
            s += p
        for _ in range(k):
            d = date(year, month, rng.randint(1, days))
            if d < m.joined:
                continue
            events.append((d, m))
    events.sort(key=lambda e: (e[0], e[1].id))
    lines = ["entries:"] if events else ["entries: []"]
    for n, (d, m) in enumerate(events, 1):
        item = _weighted(rng, ITEMS)
        if item in LEVEL_ITEMS and rng.random() > min(0.9, 0.5 * m.diligence):
            item = "leave"  # bonuses go to the diligent, absences to the rest
        note = rng.choice(NOTES[item]).format(m=month, y=year, h=rng.randint(2, 8))
        lines += [f"  - id: {year}-{month:02d}-{n:04d}", f"    date: {d.isoformat()}",
                  f"    member: {m.id}", f"    item: {item}"]
        if item in LEVEL_ITEMS:
            lines.append(f"    level: {_weighted(rng, LEVELS_LOW)}")
            lines.append(f"    subject: {_q(note[:12])}")
        if item in OPEN_POINTS:
            lo, hi = OPEN_POINTS[item]
            lines.append(f"    points: {rng.randint(lo, min(hi, 5))}")
        lines += [f"    note: {_q(note)}", "    by: 李记录"]
    return "\n".join(lines) + "\n", len(events)


def _evaluation_yaml(rng: random.Random, members: list[Member], year: int) -> str:
    lines = [f"# {year} 年度民主评议结果", "results:"]
    size = len(members)
    for m in members:
        if m.status == "积极分子" or m.joined > date(year, 12, 31):
            continue
        good = min(0.95, 0.55 * m.diligence / m.rate)
        groups = {"群众": rng.randint(8, 30), "党员": max(3, size - 1), "支委": 5}
        lines.append(f"  - member: {m.id}")
        lines.append("    votes:")
        for g, total in groups.items():
            a = int(total * good * rng.uniform(0.8, 1.0))
            c = int((total - a) * rng.uniform(0, 0.2))
            d = int((total - a - c) * rng.uniform(0, 0.1))
            b = total - a - c - d
            lines.append(f"      {g}: {{优秀: {a}, 合格: {b}, 基本合格: {c}, 不合格: {d}}}")
    return "\n".join(lines) + "\n"


def generate_branch(root: Path, members: int = 200, years: int = 5, rate: float = 20,
                    seed: int = 1, name: str = "合成第一党支部", last_year: int = LAST_YEAR) -> int:
    """Write one branch; returns the number of events."""
    rng = random.Random(seed)
    root = Path(root)
    first = last_year - years + 1
    ms = _members(rng, members, first)
    (root / "rules").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PRESET, root / "rules" / "xingshi.yaml")
    (root / "branch.yaml").write_text(_branch_yaml(name, first), encoding="utf-8")
    (root / "members.yaml").write_text(_members_yaml(ms, first), encoding="utf-8")
    (root / ".gitignore").write_text(".jifen-cache/\n.jifen.lock\n", encoding="utf-8")
    (root / "evaluations").mkdir(exist_ok=True)
    total = 0
    for year in range(first, last_year + 1):
        ydir = root / "events" / str(year)
        ydir.mkdir(parents=True, exist_ok=True)
        for month in range(1, 13):
            text, n = _month_yaml(rng, ms, year, month, rate / 12)
            (ydir / f"{year}-{month:02d}.yaml").write_text(text, encoding="utf-8")
            total += n
        (root / "evaluations" / f"{year}.yaml").write_text(_evaluation_yaml(rng, ms, year),
                                                           encoding="utf-8")
    return total


def generate_tree(root: Path, branches: int, members: int, years: int = 1, rate: float = 20,
                  seed: int = 1, last_year: int = LAST_YEAR) -> tuple[list[Path], int]:
    """Write ``branches`` branch directories under ``root``; returns (dirs, events)."""
    root = Path(root)
    dirs, total = [], 0
    for b in range(branches):
        rng = random.Random(seed * 100003 + b)
        unit = rng.choice(UNITS)
        d = root / f"b{b + 1:04d}"
        size = max(3, int(members * rng.uniform(0.6, 1.4)))
        total += generate_branch(d, size, years, rate, seed * 100003 + b,
                                 name=f"{unit}第{b + 1}党支部", last_year=last_year)
        dirs.append(d)
    return dirs, total


def generate(size: str, out: Path | None = None, seed: int = 1, force: bool = False) -> dict:
    """Generate a named size (see module doc) and write a manifest.json beside it."""
    branches, members, years, rate = SIZES[size]
    out = Path(out) if out else DATA / size
    manifest = out / "manifest.json"
    if manifest.exists() and not force:
        return json.loads(manifest.read_text(encoding="utf-8"))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    t0 = time.perf_counter()
    if branches:
        dirs, events = generate_tree(out, branches, members, years, rate, seed)
        rels = [d.name for d in dirs]
    else:
        events = generate_branch(out, members, years, rate, seed)
        rels = ["."]
    info = {"size": size, "branches": rels, "events": events, "seed": seed,
            "members_per_branch": members, "years": years, "last_year": LAST_YEAR,
            "seconds": round(time.perf_counter() - t0, 1)}
    manifest.write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return info


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", choices=sorted(SIZES))
    ap.add_argument("--out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--force", action="store_true", help="regenerate even if present")
    a = ap.parse_args(argv)
    info = generate(a.size, a.out, a.seed, a.force)
    print(f"{a.size}: {len(info['branches'])} branch(es), {info['events']} events → "
          f"{a.out or DATA / a.size}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
