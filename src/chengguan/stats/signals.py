"""Keeps `GridAssignment` (who inspected which grid when) in step with `Grid.inspectors`, from
either side of the relation (`grid.inspectors.add(user)` or `user.grids.add(grid)`)."""

from __future__ import annotations

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from chengguan.core import clock
from chengguan.grids.models import Grid
from chengguan.stats.models import GridAssignment


def _pairs(instance, reverse: bool, pk_set) -> list[tuple[int, int]]:
    """(grid id, inspector id) of the change."""
    if reverse:  # instance is the user, pk_set grids
        return [(pk, instance.pk) for pk in pk_set or ()]
    return [(instance.pk, pk) for pk in pk_set or ()]


def _open(pairs) -> None:
    now = clock.now()
    for grid_id, user_id in pairs:
        if not GridAssignment.objects.filter(
            grid_id=grid_id, inspector_id=user_id, until__isnull=True
        ).exists():
            GridAssignment.objects.create(grid_id=grid_id, inspector_id=user_id, since=now)


def _close(pairs) -> None:
    now = clock.now()
    for grid_id, user_id in pairs:
        GridAssignment.objects.filter(grid_id=grid_id, inspector_id=user_id, until__isnull=True).update(
            until=now
        )


@receiver(m2m_changed, sender=Grid.inspectors.through, dispatch_uid="stats.grid_assignment")
def follow_grid_inspectors(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action == "post_add":
        _open(_pairs(instance, reverse, pk_set))
    elif action == "post_remove":
        _close(_pairs(instance, reverse, pk_set))
    elif action == "pre_clear":
        # The ids are gone after the clear: close every open spell of the instance's side.
        side = {"inspector_id": instance.pk} if reverse else {"grid_id": instance.pk}
        GridAssignment.objects.filter(until__isnull=True, **side).update(until=clock.now())
