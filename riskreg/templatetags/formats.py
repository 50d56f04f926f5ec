"""{% load formats %}: {{ item.one_time_cost_cents|money }} → $1,234.56 / 1 234,56 $."""

from django import template

from riskreg import formats

register = template.Library()


@register.filter
def money(cents: int | None) -> str:
    return "" if cents is None or cents == "" else formats.money(int(cents))


@register.filter
def amount(cents: int | None) -> str:
    return "" if cents is None or cents == "" else formats.amount(int(cents))
