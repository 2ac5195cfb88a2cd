"""Mixins for browser views: scoping, filtering and role checks, shared by every app."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.scoping import sees_everything


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: each field's messages on that field
    (fields the form does not have go to the top), message-only errors at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ScopedQuerysetMixin(LoginRequiredMixin):
    """``get_queryset`` returns only what the user may see; other records are a 404."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class FilteredListMixin(ScopedQuerysetMixin):
    """A list view driven by the same FilterSet class as the API viewset."""

    filterset_class = None
    paginate_by = 25

    def get_queryset(self):
        queryset = super().get_queryset()
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=queryset, request=self.request
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        return context


class RoleRequiredMixin(LoginRequiredMixin):
    """Only users whose role is in ``allowed_roles`` (or who see everything) may enter: else 403."""

    allowed_roles: frozenset = frozenset()
    organisation_wide_only = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.organisation_wide_only and not sees_everything(request.user):
            raise PermissionDenied
        if self.allowed_roles and not (
            request.user.role in self.allowed_roles or sees_everything(request.user)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class OrganisationWideRequiredMixin(RoleRequiredMixin):
    organisation_wide_only = True
