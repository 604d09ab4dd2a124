"""The demo's certificates run five years from issue, a leap day included."""

import datetime as dt

from chengguan.demo.certificates import _years_after


def test_a_certificate_issued_on_a_leap_day_runs_to_the_28th_five_years_on():
    assert _years_after(dt.date(2024, 2, 29), 5) == dt.date(2029, 2, 28)
    assert _years_after(dt.date(2023, 3, 1), 5) == dt.date(2028, 3, 1)
