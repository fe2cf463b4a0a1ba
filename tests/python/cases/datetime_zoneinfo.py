# datetime arithmetic and formatting; zoneinfo with the recipe's tz database
# (mounted at /usr/share/zoneinfo).
import datetime as dt
from zoneinfo import ZoneInfo

d = dt.datetime(2024, 2, 28, 23, 30)
print(d + dt.timedelta(hours=1), (d + dt.timedelta(days=2)).strftime("%A %d %B %Y"))
print(dt.date(2024, 12, 31).isocalendar(), dt.date.fromisoformat("2023-06-01").weekday())
print(dt.datetime.fromisoformat("2024-01-02T03:04:05.123456+02:00").astimezone(dt.timezone.utc))
paris = ZoneInfo("Europe/Paris")
for month in (1, 7):
    t = dt.datetime(2024, month, 15, 12, tzinfo=paris)
    print(t.isoformat(), t.tzname(), t.utcoffset())
before = dt.datetime(2024, 3, 31, 1, 59, tzinfo=paris)
print((before.astimezone(dt.timezone.utc) + dt.timedelta(minutes=2)).astimezone(paris))
print(dt.datetime(2024, 6, 1, tzinfo=ZoneInfo("America/New_York")).astimezone(ZoneInfo("Asia/Tokyo")))
print(dt.datetime.strptime("15/03/2024 14:05", "%d/%m/%Y %H:%M"))
now = dt.datetime.now(dt.timezone.utc)
print(now.year >= 2024)
