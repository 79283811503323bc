"""China's public holidays that are known years ahead, for the years the chinese-calendar package (and
the working calendar's rows) do not cover yet. Only the 调休 swaps — the weekend days worked to bridge a
holiday — are announced each year by the State Council; those are not guessed: weekends stay rest days.

What is used (the periods of recent years, 全国年节及纪念日放假办法 as revised in 2024, in force 2025):
- 元旦 1 January;
- 春节 除夕 to 正月初七 (8 days: the 4 statutory days, 除夕–初三, and the bridge the State Council has
  given every year since 2025), lunar dates from lunar_python;
- 清明节 the day of the 清明 solar term (4 or 5 April), from lunar_python;
- 劳动节 1–5 May (2 statutory days and the usual bridge);
- 端午节 the 5th of the 5th lunar month; 中秋节 the 15th of the 8th lunar month;
- 国庆节 1–7 October (3 statutory days and the usual bridge), to 8 October when 中秋 falls inside it;
- a one-day holiday (元旦, 清明, 端午, 中秋) on a Saturday or Sunday is taken on the Monday after (补假).
Counting the bridges as holidays without their swapped working weekends makes a deadline later than the
real calendar, rarely earlier (checked against chinese-calendar's 2025 and 2026: every holiday above was
one; missed only the one-off bridge days such as 2 January 2026): a guess does not show a unit overdue.
"""

import datetime
from functools import lru_cache

from lunar_python import Lunar


def _span(start: datetime.date, days: int, name: str) -> dict[datetime.date, str]:
    return {start + datetime.timedelta(days=i): name for i in range(days)}


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[datetime.date, str]:
    """{date: name} of the public holidays of a Gregorian year, as far as they are known in advance."""
    days: dict[datetime.date, str] = {}

    def solar(lunar) -> datetime.date:
        s = lunar.getSolar()
        return datetime.date(s.getYear(), s.getMonth(), s.getDay())

    # 春节 of the lunar year starting in `year`, and of the previous one (its 初七 may fall in January).
    for lunar_year in (year - 1, year):
        eve = solar(Lunar.fromYmd(lunar_year, 1, 1).next(-1))
        days.update({d: n for d, n in _span(eve, 8, "春节").items() if d.year == year})
    days.update(_span(datetime.date(year, 5, 1), 5, "劳动节"))
    days.update(_span(datetime.date(year, 10, 1), 7, "国庆节"))
    qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    single = {
        datetime.date(year, 1, 1): "元旦",
        datetime.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()): "清明节",
        solar(Lunar.fromYmd(year, 5, 5)): "端午节",
        solar(Lunar.fromYmd(year, 8, 15)): "中秋节",
    }
    for day, name in single.items():
        if datetime.date(year, 10, 1) <= day <= datetime.date(year, 10, 7):
            days[datetime.date(year, 10, 8)] = "国庆节"
        days[day] = name
        if day.weekday() >= 5:  # 补假 on the Monday after
            days[day + datetime.timedelta(days=7 - day.weekday())] = f"{name}补假"
    return {d: n for d, n in days.items() if d.year == year}
