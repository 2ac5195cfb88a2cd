"""Queryset helpers shared by forms and services."""

from __future__ import annotations

from django.db.models import Q


def including(queryset, *pks):
    """``queryset``'s rows plus the rows with primary keys ``pks`` (``None`` ignored), as one
    plain queryset of the same model.

    Choice lists use it to keep a record's current value choosable ("the current owner stays
    on the list"). Unlike ``queryset | Model.objects.filter(pk=…)`` it never combines two
    querysets, so it works whatever ``queryset`` is (``distinct()``, sliced, annotated): Django
    refuses to OR a DISTINCT query with a non-DISTINCT one (``TypeError: Cannot combine a unique
    query with a non-unique query``). The ordering of ``queryset`` is kept.
    """
    extra = [pk for pk in pks if pk is not None]
    model = queryset.model
    condition = Q(pk__in=queryset.values("pk"))
    if extra:
        condition |= Q(pk__in=extra)
    combined = model._default_manager.filter(condition)
    ordering = queryset.query.order_by
    return combined.order_by(*ordering) if ordering else combined
