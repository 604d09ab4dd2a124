"""Signals other apps listen to instead of being called from the case services.

`case_changed` is sent after the transaction that reported or moved a case has committed, so a
listener (citizen notifications, for one) never acts on a change that was rolled back.
Arguments: `case`, `action` ("report" or an `Action` value) and `actor`.
"""

from django.dispatch import Signal

case_changed = Signal()
