"""集中诉求预警 figures (issue 14). Run: `.venv/bin/python bench/hotspots.py [--days 3] [--districts 3]`.

Needs no database: it replays traffic through the production detector (dispatch.hotspot_detection.detect,
the function the beat's pass calls) with the same bookkeeping as dispatch.services.hotspots (a pass every
5 minutes, like the beat; new tickets joining a live hotspot attach to it; quiet hotspots close).

Traffic: the real streets and communities of the first `--districts` districts of Zhengzhou
(fixtures/zhengzhou_divisions.csv), `--per-day` tickets per district and day (Zhengzhou's ~10,000 a day
over 16 districts is ~600) with the demo's hours (few at night) and a skewed choice of communities (some
always busier), texts and categories drawn from the shipped raw complaints (fixtures/complaints_train.csv),
four weeks of history before the measured days (the spike baseline). Injected surges, each day:
  - building: 8-15 calls in one community within 40-90 minutes (停水, 停电, 电梯, 暖气 …),
  - street: 10-20 calls from several communities of one street within 2 hours (道路积水, 停电 …),
  - city: 20-40 calls from every district within 3 hours about one item (燃气缴费, 公交 …),
with caller texts composed from varied phrases (callers do not repeat one another). Then the same days
with no surge at all.

Prints, per shape: recall, the delay from the surge's start and from its fifth call to the first alert,
extra alerts for a surge already raised; and false alarms per district and day (alerts that are no
injected surge), with and without surges. Targets: every surge within 15 minutes of its fifth call;
under one false alarm per district per day.
"""

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import datetime  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from dispatch import hotspot_detection as hd  # noqa: E402

TZ = datetime.timezone(datetime.timedelta(hours=8))
PASS = datetime.timedelta(minutes=5)
# The demo's day: few calls at night, a morning and an afternoon peak.
HOURS = [1, 0.5, 0.3, 0.3, 0.3, 0.6, 1.5, 4, 8, 10, 10, 9, 7, 7, 9, 10, 9, 8, 6, 5, 4, 3, 2, 1.5]

SURGES = {
    "building": [
        (
            "城乡建设",
            ["{place}{bld}", "我们{place}", "{place}这边", "家里"],
            ["停水了", "突然停水", "一直没水", "水龙头没有水", "又停水了"],
            ["从早上开始", "已经三个小时了", "一上午了", "也没有提前通知", "楼上楼下都一样"],
            ["什么时候恢复供水", "请供水公司尽快抢修", "老人孩子没法做饭", "请尽快处理"],
        ),
        (
            "城乡建设",
            ["{place}{bld}", "{place}", "我们小区{bld}"],
            ["电梯坏了", "电梯停运", "电梯困人", "电梯又不能用了"],
            ["好几个小时没人修", "老人上不了楼", "物业不管", "已经报修了"],
            ["请尽快维修电梯", "希望督促物业处理", "太危险了"],
        ),
        (
            "城乡建设",
            ["{place}{bld}", "我家在{place}", "{place}小区"],
            ["暖气不热", "暖气片冰凉", "供暖温度不达标", "家里暖气不热"],
            ["屋里只有十几度", "孩子都冻感冒了", "交了暖气费"],
            ["请热力公司尽快处理", "希望尽快解决供暖问题", "请派人来看看"],
        ),
    ],
    "street": [
        (
            "交通运输",
            ["{street}{road}", "{road}{place}附近", "{street}辖区{road}", "{road}"],
            ["积水很深", "路面积水严重", "下雨后积水", "积水没过膝盖"],
            ["车辆无法通行", "行人过不去", "排水口堵了", "好几个小时没退"],
            ["请尽快排涝", "请市政部门处理", "太危险了"],
        ),
        (
            "城乡建设",
            ["{street}{road}一带", "{road}两边的小区", "{place}和附近小区", "{road}沿线"],
            ["大面积停电", "突然停电", "一直没来电", "停电了"],
            ["冰箱里的东西都坏了", "已经两个小时了", "没有任何通知"],
            ["请供电公司尽快抢修", "什么时候恢复供电", "请尽快处理"],
        ),
    ],
    "city": [
        (
            "商贸旅游",
            ["燃气公司", "燃气缴费", "我家的燃气表", "燃气公众号"],
            ["缴费系统进不去", "缴费后燃气表没到账", "充值失败", "网上缴费一直失败"],
            ["家里没法做饭", "营业厅排长队", "客服电话打不通"],
            ["请燃气公司尽快修复", "希望尽快解决", "请相关部门督促"],
        ),
        (
            "交通运输",
            ["今天{road}的公交", "公交车", "我坐的公交线路", "早上的公交"],
            ["突然停运", "线路调整没有通知", "等了一个小时也不来", "大面积晚点"],
            ["上班迟到了", "站台上很多人在等", "电话也查不到"],
            ["请公交公司说明情况", "希望尽快恢复", "请交通部门督促"],
        ),
    ],
}
ROADS = ["文化路", "花园路", "经三路", "农业路", "金水路", "东风路", "丰产路", "纬五路", "中原路", "建设路"]
SIZES = {"building": (8, 15, 40, 90), "street": (10, 20, 60, 120), "city": (20, 40, 90, 180)}


@dataclass
class Surge:
    shape: str
    start: datetime.datetime
    ids: set = field(default_factory=set)
    stamps: list = field(default_factory=list)
    alert_at: datetime.datetime | None = None
    extra_alerts: int = 0
    alerts: list = field(default_factory=list)

    @property
    def fifth(self) -> datetime.datetime:
        return sorted(self.stamps)[4]


def _regions(n_districts: int):
    with open(ROOT / "fixtures" / "zhengzhou_divisions.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names = {r["code"]: r["name"] for r in rows}
    children = defaultdict(list)
    for r in rows:
        children[r["parent_code"]].append(r["code"])
    districts = sorted(r["code"] for r in rows if r["level"] == "district")[:n_districts]
    tree = {d: {s: sorted(children[s]) for s in sorted(children[d]) if children[s]} for d in districts}
    return tree, names


def _texts():
    with open(ROOT / "fixtures" / "complaints_train.csv", encoding="utf-8") as fh:
        return [(r["text"], r["label"]) for r in csv.DictReader(fh) if r.get("form") == "raw" and r["text"]]


def _stamp(rng, day: datetime.datetime) -> datetime.datetime:
    hour = rng.choices(range(24), weights=HOURS)[0]
    return day + datetime.timedelta(hours=hour, seconds=rng.uniform(0, 3600))


def _compose(rng, template, **names) -> str:
    _, *parts = template
    chosen = [rng.choice(p) for p in parts if rng.random() < 0.9 or p is parts[0]]
    return "，".join(chosen).format(**names) + rng.choice(["。", "！", "", "，谢谢。"])


class World:
    def __init__(self, rng, n_districts, per_day):
        self.rng = rng
        self.tree, self.names = _regions(n_districts)
        self.texts = _texts()
        self.per_day = per_day
        self.places = []  # (district, street, community, weight)
        for d, streets in self.tree.items():
            for s, communities in streets.items():
                for c in communities:
                    self.places.append((d, s, c, rng.paretovariate(1.5)))
        self.next_id = 1

    def row(self, at, text, category, d, s, c) -> hd.Row:
        self.next_id += 1
        return hd.Row(self.next_id, at, text, category, d, s, c)

    def background(self, start: datetime.datetime, days: int) -> list[hd.Row]:
        rows = []
        for k in range(days):
            day = start + datetime.timedelta(days=k)
            for d in self.tree:
                local = [p for p in self.places if p[0] == d]
                lw = [p[3] for p in local]
                for _ in range(max(0, round(self.rng.gauss(self.per_day, self.per_day**0.5)))):
                    text, label = self.rng.choice(self.texts)
                    _, s, c, _ = self.rng.choices(local, weights=lw)[0]
                    rows.append(self.row(_stamp(self.rng, day), text, label, d, s, c))
        return rows

    def surge(self, shape: str, day: datetime.datetime, k: int = 0) -> tuple[Surge, list[hd.Row]]:
        rng = self.rng
        # The k-th surge of a shape in a day is about another matter (a second city-wide gas failure the
        # same afternoon would be the same matter, and rightly join the first hotspot).
        template = SURGES[shape][(k + day.day) % len(SURGES[shape])]
        lo, hi, span_lo, span_hi = SIZES[shape]
        n, span = rng.randint(lo, hi), rng.uniform(span_lo, span_hi)
        start = day + datetime.timedelta(hours=rng.uniform(8, 19))
        d, s, c, _ = rng.choice(self.places)
        road = rng.choice(ROADS)
        surge = Surge(shape, start)
        rows = []
        for _ in range(n):
            at = start + datetime.timedelta(minutes=span * rng.random() ** 1.3)
            if shape == "street":
                c = rng.choice(self.tree[d][s])
            elif shape == "city":
                d = rng.choice(list(self.tree))
                s = rng.choice(list(self.tree[d]))
                c = rng.choice(self.tree[d][s])
            names = {"place": self.names.get(c, ""), "street": self.names.get(s, ""), "road": road}
            names["bld"] = f"{rng.randint(1, 12)}号楼"
            text = _compose(rng, template, **names)
            category = template[0] if rng.random() < 0.85 else rng.choice(self.texts)[1]  # the AI errs
            row = self.row(at, text, category, d, s, c)
            rows.append(row)
            surge.ids.add(row.id)
            surge.stamps.append(at)
        surge.start = min(surge.stamps)
        return surge, rows


def replay(rows: list[hd.Row], start, end, params: hd.Params):
    """The pass every 5 minutes over [start, end): returns the alerts (time, candidate)."""
    rows = sorted(rows, key=lambda r: r.created_at)
    stamps = [r.created_at for r in rows]
    import bisect

    live: dict[int, hd.OpenHotspot] = {}
    last_at: dict[int, datetime.datetime] = {}
    alerts = []
    owner: dict[int, int] = {}
    next_id = 1
    oldest = stamps[0]
    t = start
    while t < end:
        for hid in [h for h, at in last_at.items() if at < t - params.quiet_close]:
            live.pop(hid)
            last_at.pop(hid)
        lo = bisect.bisect_right(stamps, t - params.fetch_window)
        hi = bisect.bisect_right(stamps, t)
        window = rows[lo:hi]
        baseline: Counter = Counter()
        weeks = 0
        for b_start, b_end in hd.baseline_windows(t, params):
            if oldest > b_start:
                continue
            weeks += 1
            for r in rows[bisect.bisect_right(stamps, b_start) : bisect.bisect_right(stamps, b_end)]:
                if r.street and r.category:
                    baseline[(r.street, r.category)] += 1
        for c in hd.detect(window, list(live.values()), now=t, baseline=baseline, weeks=weeks, params=params):
            for r in c.rows:
                owner[r.id] = c.hotspot_id or next_id
            if c.hotspot_id is not None:
                live[c.hotspot_id].members.extend(c.rows)
                if hd.LEVELS.index(c.level) > hd.LEVELS.index(live[c.hotspot_id].level):  # as the service widens
                    live[c.hotspot_id].level, live[c.hotspot_id].region = c.level, c.region
                last_at[c.hotspot_id] = max(last_at[c.hotspot_id], c.last_at)
            else:
                live[next_id] = hd.OpenHotspot(next_id, c.kind, c.region, c.category, list(c.rows), c.level)
                last_at[next_id] = c.last_at
                alerts.append((t, c, next_id))
                next_id += 1
        t += PASS
    return alerts, owner


def run(args, with_surges: bool, params: hd.Params):
    rng = random.Random(args.seed)
    world = World(rng, args.districts, args.per_day)
    today = datetime.datetime(2026, 11, 2, tzinfo=TZ)  # a Monday
    history_start = today - datetime.timedelta(weeks=4)
    rows = world.background(history_start, 28 + args.days)
    surges = []
    if with_surges:
        for k in range(args.days):
            day = today + datetime.timedelta(days=k)
            for shape in SURGES:
                for n in range(args.per_shape):
                    surge, extra = world.surge(shape, day, n)
                    surges.append(surge)
                    rows += extra
    t0 = time.perf_counter()
    alerts, owner = replay(rows, today, today + datetime.timedelta(days=args.days), params)
    elapsed = time.perf_counter() - t0
    by_id = {i: s for s in surges for i in s.ids}
    false = []
    for t, c, _ in alerts:
        owners = Counter(id(by_id[r.id]) for r in c.rows if r.id in by_id)
        surge = next((s for s in surges if owners and id(s) == owners.most_common(1)[0][0]), None)
        if surge is None or owners.most_common(1)[0][1] * 2 < len(c.rows):
            false.append((t, c))
        elif surge.alert_at is None:
            surge.alert_at = t
            surge.alerts.append((t, c))
        else:
            surge.extra_alerts += 1
            surge.alerts.append((t, c))
    return surges, false, alerts, elapsed, len(rows), owner


def _minutes(deltas):
    if not deltas:
        return "—"
    mins = sorted(d.total_seconds() / 60 for d in deltas)
    return f"median {statistics.median(mins):.0f}, max {mins[-1]:.0f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=3, help="measured days (after four weeks of history)")
    parser.add_argument("--districts", type=int, default=3)
    parser.add_argument("--per-day", type=int, default=600, help="tickets per district and day")
    parser.add_argument("--per-shape", type=int, default=2, help="surges of each shape per day")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--verbose", action="store_true", help="one line per surge")
    args = parser.parse_args()
    params = hd.DEFAULT
    print(
        f"{args.districts} districts × {args.per_day} tickets/day, {args.days} measured days after 4 weeks, "
        f"a pass every {PASS.seconds // 60} min; params: min_tickets={params.min_tickets} "
        f"similarity={params.similarity} link_window={params.link_window} spike_alpha={params.spike_alpha}"
    )
    surges, false, alerts, elapsed, n, owner = run(args, True, params)
    passes = args.days * 24 * 12
    print(
        f"\nwith surges: {n} tickets, {len(alerts)} alerts, replay {elapsed:.1f} s ({1000 * elapsed / passes:.0f} ms/pass)"
    )
    print(
        f"{'shape':<10}{'surges':>7}{'found':>7}{'≤15min of 5th':>15}  {'delay from start (min)':<26}{'from 5th call (min)':<24}extra alerts"
    )
    for shape in SURGES:
        group = [s for s in surges if s.shape == shape]
        found = [s for s in group if s.alert_at is not None]
        in_time = [s for s in found if s.alert_at - s.fifth <= datetime.timedelta(minutes=15)]
        print(
            f"{shape:<10}{len(group):>7}{len(found):>7}{len(in_time):>15}  "
            f"{_minutes([s.alert_at - s.start for s in found]):<26}"
            f"{_minutes([s.alert_at - s.fifth for s in found]):<24}{sum(s.extra_alerts for s in group)}"
        )
    if args.verbose:
        for s in surges:
            alert = f"alert {s.alert_at:%H:%M}" if s.alert_at else "MISSED"
            print(f"  {s.shape:<9}{s.start:%m-%d %H:%M} {len(s.ids):>3} calls, 5th {s.fifth:%H:%M}  {alert}")
            if s.alert_at is None:
                print(f"      its tickets went to hotspots {Counter(owner.get(i) for i in s.ids)}")
            for t, c in s.alerts:
                print(f"      {t:%H:%M} {c.kind} {c.level} {c.region} {len(c.rows)} tickets {c.keywords}")
    recall = sum(s.alert_at is not None for s in surges) / max(len(surges), 1)
    print(
        f"recall {recall:.1%}; false alarms {len(false)} = {len(false) / (args.days * args.districts):.2f} per district per day"
    )
    for t, c in false[:5]:
        print(f"  false: {t:%m-%d %H:%M} {c.kind} {c.level} {len(c.rows)} tickets {c.category} {c.keywords}")
    _, false0, alerts0, elapsed0, n0, _ = run(args, False, params)
    print(
        f"\nno surge: {n0} tickets, {len(alerts0)} alerts = {len(false0) / (args.days * args.districts):.2f} false alarms "
        f"per district per day (replay {elapsed0:.1f} s)"
    )
    for t, c in false0[:5]:
        print(f"  false: {t:%m-%d %H:%M} {c.kind} {c.level} {len(c.rows)} tickets {c.category} {c.keywords}")


if __name__ == "__main__":
    main()
