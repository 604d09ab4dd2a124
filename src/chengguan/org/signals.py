"""The one signal org sends to the apps above it: a member of staff leaves their bureau (moved to
another bureau: `reason="transfer"`) or their account is closed (`reason="deactivated"`). Sent inside
the transaction of `staff_update`; `bureau` is the bureau they leave. The people app suspends their
enforcement certificates."""

from __future__ import annotations

from django.dispatch import Signal

staff_leaving = Signal()
