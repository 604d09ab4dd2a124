"""The pitch draw's lifecycle on the workflow kernel: open for applications → applications closed →
drawn; after the draw a vacated pitch goes to the head of the waiting list. Every move is the
bureau office's or a leader's (`permissions.can_run_draw`) and is audited with what it decided."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import ValidationFailed
from chengguan.core.workflow import STAY, FieldSpec, Machine, transition
from chengguan.welfare import lottery
from chengguan.welfare.errors import DrawError
from chengguan.welfare.models import Application, Draw, DrawState, Outcome
from chengguan.welfare.permissions import can_run_draw, welfare_in_bureau

S = DrawState


class DrawActions(models.TextChoices):
    CLOSE = "close", _("截止申请")
    DRAW = "draw", _("摇号")
    VACATE = "vacate", _("腾退摊位")


A = DrawActions

FIELDS = {
    "pitch": FieldSpec("int", _("摊位号"), min_value=1, max_value=500),
    "reason": FieldSpec("line", _("理由"), max_length=500),
}


def _draw(ctx) -> dict:
    """Rank every application (lottery.draw) and give out the pitches; the ranking is audited."""
    draw: Draw = ctx.obj
    rows = list(Application.objects.select_for_update().filter(draw=draw).order_by("number"))
    by_number = {a.number: a for a in rows}
    placed = lottery.draw(draw.seed, [(a.number, a.priority) for a in rows], draw.spot.pitches)
    for p in placed:
        a = by_number[p.number]
        a.rank, a.rank_hash, a.pitch = p.rank, p.hash, p.pitch
        a.outcome = Outcome.PITCH if p.pitch else Outcome.WAITING
    Application.objects.bulk_update(rows, ["rank", "rank_hash", "pitch", "outcome"])
    draw.drawn_at = ctx.now
    return {
        "ranking": [p.number for p in placed],
        "pitches": {str(p.pitch): p.number for p in placed if p.pitch},
    }


def _vacate(ctx) -> dict:
    """The holder of the pitch leaves it; the head of the waiting list takes it."""
    draw: Draw = ctx.obj
    pitch = ctx.data["pitch"]
    holder = (
        Application.objects.select_for_update().filter(draw=draw, pitch=pitch, outcome=Outcome.PITCH).first()
    )
    if holder is None:
        message = str(_("该摊位号当前无人使用。"))
        raise ValidationFailed(message, code=DrawError.NO_SUCH_PITCH, fields={"pitch": [message]})
    holder.outcome = Outcome.VACATED
    holder.save(update_fields=["outcome"])
    head = (
        Application.objects.select_for_update()
        .filter(draw=draw, outcome=Outcome.WAITING)
        .order_by("rank")
        .first()
    )
    if head is not None:
        head.outcome, head.pitch = Outcome.PITCH, pitch
        head.save(update_fields=["outcome", "pitch"])
    return {"pitch": pitch, "vacated": holder.number, "to": head.number if head else None}


def snapshot(d: Draw) -> dict:
    # The seed only once it is public: before the draw the trail holds its hash alone.
    return {"state": d.state, "seed_hash": d.seed_hash, "seed": d.published_seed}


DRAW_MACHINE = Machine(
    name="welfare_draw",
    model=Draw,
    states=DrawState,
    actions=DrawActions,
    fields=FIELDS,
    noun="摊位摇号",
    error_prefix="welfare_draw",  # codes: welfare.errors.DrawError
    scope=welfare_in_bureau,
    snapshot=snapshot,
    lock_related=("spot",),
    transitions=[
        transition(A.CLOSE, {S.OPEN}, S.CLOSED, can_run_draw),
        transition(A.DRAW, {S.CLOSED}, S.DRAWN, can_run_draw, step=_draw),
        transition(
            A.VACATE, {S.DRAWN}, STAY, can_run_draw, required=("pitch",), optional=("reason",), step=_vacate
        ),
    ],
)
