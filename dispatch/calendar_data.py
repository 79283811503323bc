"""Seed data for the SLA tables, shared by the data migration and `seed_demo` (no model imports here:
callers pass the model classes, so the migration can pass its historical models)."""

import datetime
from decimal import Decimal

import chinese_calendar

DEFAULT_TIME_LIMITS = [
    # category_code, urgency, unit, sign, handle, return
    ("", "normal", "working_day", 1, 5, 2),
    ("", "urgent", "clock_hour", 2, 24, 2),  # water, power, gas, heating: 24 hours
    ("", "emergency", "clock_hour", Decimal("0.5"), 2, Decimal("0.5")),  # risk to life or property: 2 hours
]
# Rows for a matter item's time-limit class (派单目录); 紧急 and 水电气暖 are timed by the urgency rows above.
CLASS_TIME_LIMITS = [
    # time_limit_class, urgency, unit, sign, handle, return
    ("complex", "normal", "working_day", 1, 15, 2),  # complex matters: 15 working days
]


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def package_years() -> range:
    """The years chinese-calendar knows (its holiday table starts in 2004)."""
    last = max(chinese_calendar.holidays).year
    return range(2004, last + 1)


def calendar_rows(years) -> list[tuple[datetime.date, bool, str]]:
    """(date, is_workday, holiday name) for every day of the given years, from the package."""
    rows = []
    for year in years:
        day = datetime.date(year, 1, 1)
        while day.year == year:
            _, name = chinese_calendar.get_holiday_detail(day)
            workday = chinese_calendar.is_workday(day)
            label = HOLIDAY_NAMES.get(str(name), str(name)) if name else ""
            if label and workday:
                label = f"{label}调休"
            rows.append((day, workday, label))
            day += datetime.timedelta(days=1)
    return rows


def seed_work_calendar(WorkCalendarDay, *, first_year: int = 2020) -> int:  # noqa: N803
    """Insert the package's days from `first_year` on; days already present (maybe edited by hand) are kept."""
    years = [y for y in package_years() if y >= first_year]
    objs = [WorkCalendarDay(date=d, is_workday=w, name=n, source="package") for d, w, n in calendar_rows(years)]
    WorkCalendarDay.objects.bulk_create(objs, ignore_conflicts=True, batch_size=1000)
    return len(objs)


def seed_time_limits(TimeLimit) -> None:  # noqa: N803
    for category, urgency, unit, sign, handle, ret in DEFAULT_TIME_LIMITS:
        TimeLimit.objects.get_or_create(
            category_code=category,
            urgency=urgency,
            defaults={"unit": unit, "sign_limit": sign, "handle_limit": handle, "return_limit": ret},
        )


def seed_class_time_limits(TimeLimit) -> None:  # noqa: N803
    for klass, urgency, unit, sign, handle, ret in CLASS_TIME_LIMITS:
        TimeLimit.objects.get_or_create(
            category_code="",
            urgency=urgency,
            time_limit_class=klass,
            defaults={"unit": unit, "sign_limit": sign, "handle_limit": handle, "return_limit": ret},
        )
