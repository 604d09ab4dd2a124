"""Data: the certificate numbers kept on staff profiles (`org.StaffProfile.cert_no`) move into the
registry, one valid certificate each, before org drops the column (org 0007). The profiles held no
dates, so each is entered valid from the day the account was opened to the end of next year with a
note asking the personnel officer to enter the real dates; the expiry warnings bring them up."""

import datetime as dt

from django.db import migrations

NOTE = "由人员档案迁入，请核对发证机关和有效期"


def forward(apps, schema_editor):
    StaffProfile = apps.get_model("org", "StaffProfile")
    Certificate = apps.get_model("people", "Certificate")
    today = dt.date.today()
    rows = []
    for profile in StaffProfile.objects.exclude(cert_no__isnull=True).exclude(cert_no="").select_related(
        "user", "organisation"
    ):
        start = profile.user.date_joined.date() if profile.user.date_joined else today
        rows.append(
            Certificate(
                bureau_id=profile.organisation.bureau_id or profile.organisation_id,
                holder_id=profile.user_id,
                number=profile.cert_no,
                valid_from=min(start, today),
                valid_to=dt.date(today.year + 1, 12, 31),
                state="valid",
                note=NOTE,
            )
        )
    Certificate.objects.bulk_create(rows, batch_size=500)


def backward(apps, schema_editor):
    StaffProfile = apps.get_model("org", "StaffProfile")
    Certificate = apps.get_model("people", "Certificate")
    for cert in Certificate.objects.filter(state__in=["valid", "suspended"]).order_by("valid_from", "id"):
        StaffProfile.objects.filter(user_id=cert.holder_id).update(cert_no=cert.number)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial"), ("org", "0006_staff_sessions")]

    operations = [migrations.RunPython(forward, backward)]
