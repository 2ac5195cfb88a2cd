"""Browser views' shared pieces: scoping, filtering, role checks and the one write path
(:class:`ServiceFormView`) every app's form views use."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView

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


class ServiceFormView(LoginRequiredMixin, FormView):
    """The one shape of a browser write: a form whose valid data goes to one service call.

    1. anonymous → the login page;
    2. ``write_rule(user)`` false → 403 (e.g. HR on CRM data);
    3. the record the URL names (``object_queryset`` scoped by ``visible_to``, by
       ``pk_url_kwarg``) → 404 when the user cannot see it; it is ``self.object`` and in the
       context as ``object_context_name``;
    4. ``object_rule(user, object)`` false → 403 (e.g. a rep who only holds a credit);
    5. on a valid form, :meth:`perform_service` runs the service; a ``ValidationError`` it
       raises goes onto the form (each message on its field), a ``PermissionDenied`` is a 403;
    6. success: :meth:`get_success_message` flashed, redirect to :meth:`get_success_url`.

    ``write_rule`` and ``object_rule`` are plain functions (usually from the app's
    ``permissions.py``); ``None`` allows everyone signed in.
    """

    write_rule = None
    object_rule = None
    object_queryset = None
    object_context_name = "object"
    pk_url_kwarg = "pk"
    #: Pass ``user=request.user`` to the form.
    form_takes_user = False
    success_message = ""

    object = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        rule = type(self).write_rule
        if rule is not None and not rule(request.user):
            raise PermissionDenied
        self.object = self.get_object()
        if self.object is not None:
            object_rule = type(self).object_rule
            if object_rule is not None and not object_rule(request.user, self.object):
                raise PermissionDenied
        self.load()
        return super().dispatch(request, *args, **kwargs)

    # --- what the view works on -------------------------------------------------------------

    def get_object_queryset(self):
        if self.object_queryset is None:
            return None
        return self.object_queryset.all().visible_to(self.request.user)

    def get_object(self):
        """The scoped record the URL names (404 outside the user's scope), or ``None``."""
        queryset = self.get_object_queryset()
        if queryset is None:
            return None
        if self.pk_url_kwarg not in self.kwargs:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a '{self.pk_url_kwarg}'.")
        return get_object_or_404(queryset, pk=self.kwargs[self.pk_url_kwarg])

    def load(self) -> None:
        """Hook: fetch anything else the view needs once ``self.object`` is known."""

    # --- the form --------------------------------------------------------------------------

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.form_takes_user:
            kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        if self.object is not None:
            kwargs.setdefault(self.object_context_name, self.object)
        return super().get_context_data(**kwargs)

    # --- the write --------------------------------------------------------------------------

    def perform_service(self, form):
        """Call the service with the form's cleaned data and return its result."""
        raise NotImplementedError

    def form_valid(self, form):
        try:
            result = self.perform_service(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        message = self.get_success_message(result)
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url(result))

    def get_success_message(self, result) -> str:
        return str(self.success_message)

    def get_success_url(self, result=None) -> str:
        if self.success_url is not None:
            return str(self.success_url)
        if hasattr(result, "get_absolute_url"):
            return result.get_absolute_url()
        if self.object is not None and hasattr(self.object, "get_absolute_url"):
            return self.object.get_absolute_url()
        raise ImproperlyConfigured(f"{type(self).__name__} needs a success URL.")
