"""Reads of the promotions app."""

from django.db.models import Q

from apps.promotions.models import MethodologyDocument, PromotionCandidate


def candidates_for(user):
    return PromotionCandidate.objects.visible_to(user).select_related(
        "person", "person__team", "document"
    )


def training_material(user, query: str = ""):
    """Accepted methodology documents the user may read, searched by title and text."""
    documents = MethodologyDocument.objects.material_for(user).select_related(
        "candidate__person", "candidate__person__team"
    )
    query = (query or "").strip()
    if query:
        documents = documents.filter(Q(title__icontains=query) | Q(text__icontains=query))
    return documents.order_by("-accepted_at", "-pk")


def readable_document(user, pk):
    """The document of candidate ``pk`` if the user may read it (their scope or the material)."""
    scoped = MethodologyDocument.objects.visible_to(user).filter(candidate_id=pk)
    material = MethodologyDocument.objects.material_for(user).filter(candidate_id=pk)
    return scoped.first() or material.first()
