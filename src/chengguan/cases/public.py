"""The cases someone outside the bureau waits on: the public channel's reports and the outside
channels' supervision items alike, which is why this lives below both."""

from __future__ import annotations

from django.db.models import QuerySet

from chengguan.cases.models import Case, CaseSource

# The channels on which someone outside the bureau waits for an answer (督办件 and reports).
PUBLIC_SOURCES = (CaseSource.CITIZEN, CaseSource.HOTLINE, CaseSource.DEPUTY, CaseSource.OPEN311)


def public_cases(bureau=None) -> QuerySet[Case]:
    """Cases from citizens, the 12345 hotline, deputies and Open311, without spam."""
    qs = Case.objects.filter(source__in=PUBLIC_SOURCES, is_spam=False)
    return qs.filter(bureau=bureau) if bureau is not None else qs
