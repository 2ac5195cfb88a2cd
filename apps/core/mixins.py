"""Browser views' shared pieces: scoping, filtering, role checks and the one write path
(:class:`ServiceFormView`) every app's form views use."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.choices import flatten_choices
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.generic import FormView

from apps.core import versions

#: The hidden field of an edit form that carries the version of the record it was opened on.
VERSION_FIELD = "record_version"


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

    Lost updates: with ``version_check`` (edit forms), the form carries the version of the
    record it was opened on (hidden ``record_version``); when someone else has saved the record
    since, nothing is written and the form comes back with "This record was changed by someone
    else since you opened it." and, per field that differs, their value now and yours — with the
    new version, so saving again (after review) overwrites knowingly. A formset page (rows of
    one record: an order's credit split) carries the record's version as the page's own
    ``record_version`` (``formset.record_version``) and shows :meth:`get_formset_conflict`.

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
    #: Edit form of :meth:`get_versioned_object`: refuse a save based on an old version.
    version_check = False

    object = None
    expected_version = None

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

    def get_versioned_object(self):
        """The record whose version the form carries (``self.object`` by default), or ``None``
        when there is none yet (the form then carries version 0, so a record someone creates
        meanwhile is a conflict too). A page whose record is not in the URL (a singleton such
        as the grading rubric, the user's own notes of a period) overrides it."""
        if not self.version_check:
            return None
        return self.object if versions.is_versioned(self.object) else None

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.version_check and isinstance(form, forms.BaseFormSet):
            # Rows of one record (an order's credit split): the page carries the record's
            # version as its own hidden ``record_version`` (``formset.record_version``); a
            # posted page keeps the version it was opened on.
            posted = form.data.get(VERSION_FIELD) if form.is_bound else None
            opened = versions.version_of(self.get_versioned_object())
            form.record_version = posted if posted not in (None, "") else opened
            form.version_conflict = []
        elif self.version_check and hasattr(form, "fields"):
            form.fields[VERSION_FIELD] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=0
            )
            opened = versions.version_of(self.get_versioned_object())
            form.initial = {**form.initial, VERSION_FIELD: opened}
            form.version_conflict = []
        return form

    def get_context_data(self, **kwargs):
        if self.object is not None:
            kwargs.setdefault(self.object_context_name, self.object)
        return super().get_context_data(**kwargs)

    # --- the write --------------------------------------------------------------------------

    def perform_service(self, form):
        """Call the service with the form's cleaned data and return its result."""
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            return self.form_valid(form)
        # An invalid form opened on an old version (e.g. a status choice the record has since
        # left) is a conflict first: show what changed, not only what is now invalid.
        if self.version_check and (hasattr(form, "fields") or isinstance(form, forms.BaseFormSet)):
            record = self.get_versioned_object()
            opened = _posted_version(form)
            if opened is not None and opened != versions.version_of(record) and record is not None:
                return self.version_conflict(
                    form, versions.StaleVersionError(current=record, expected=opened)
                )
        return self.form_invalid(form)

    def form_valid(self, form):
        expected = self.pop_expected_version(form) if self.version_check else None
        #: The version the form was opened on (``None``: no check), for the service call.
        self.expected_version = expected
        try:
            if expected is None:
                result = self.perform_service(form)
            else:
                with transaction.atomic():
                    versions.check_version(self.get_versioned_object(), expected)
                    result = self.perform_service(form)
        except versions.StaleVersionError as exc:
            return self.version_conflict(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        message = self.get_success_message(result)
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url(result))

    @staticmethod
    def pop_expected_version(form):
        """The version a valid form (or formset) says it was opened on (``None``: no check).
        A formset's is its page's ``record_version`` as posted: one that is not a version is
        a conflict, not "no check"."""
        if isinstance(form, forms.BaseFormSet):
            raw = form.data.get(VERSION_FIELD)
            return None if raw in (None, "") else raw
        return form.cleaned_data.pop(VERSION_FIELD, None)

    def version_conflict(self, form, exc):
        """Show the form again: the conflict message, per differing field their value now and
        the user's, the record's state now (``get_conflict_intent``: for an action, e.g. its
        status now and the one the action would give it), and the current version (so the
        next save is based on it). A formset shows :meth:`get_formset_conflict` instead."""
        if self.get_object_queryset() is not None:
            self.object = self.get_object()
        self.load()
        current = exc.current
        if isinstance(form, forms.BaseFormSet):
            form.record_version = current.version
            form.add_error(None, [str(versions.STALE_MESSAGE)])
            form.version_conflict = self.get_formset_conflict(form, current)
            return self.form_invalid(form)
        kwargs = self.get_form_kwargs()
        kwargs.pop("data", None)
        kwargs.pop("files", None)
        theirs_form = self.get_form_class()(**kwargs)
        cleaned = getattr(form, "cleaned_data", {})
        differences = []
        shown = set()
        for name, field in form.fields.items():
            if name == VERSION_FIELD or name not in theirs_form.fields:
                continue
            yours = cleaned[name] if name in cleaned else form[name].data
            if name in theirs_form.initial or theirs_form.fields[name].initial is not None:
                theirs = theirs_form[name].initial
                if field.has_changed(theirs, form[name].data):
                    differences.append(
                        {
                            "label": self.conflict_label(form, name),
                            "theirs": _display(field, theirs),
                            "yours": _display(field, yours),
                        }
                    )
            elif _model_field(current, name) is not None:
                # An action's field the record also has (a status, a stage): its value now.
                shown.add(name)
                differences.append(
                    {
                        "label": self.conflict_label(form, name),
                        "theirs": _model_display(current, name, getattr(current, name, None)),
                        "yours": _model_display(current, name, yours)
                        if name in cleaned or _model_field(current, name).choices
                        else _display(field, yours),
                    }
                )
        for name, intended in self.get_conflict_intent(form).items():
            model_field = _model_field(current, name)
            if name in shown or model_field is None:
                continue
            differences.append(
                {
                    "label": capfirst(model_field.verbose_name),
                    "theirs": _model_display(current, name, getattr(current, name, None)),
                    "yours": _model_display(current, name, intended),
                }
            )
        form.data = form.data.copy()
        form.data[form.add_prefix(VERSION_FIELD)] = str(current.version)
        form.add_error(None, str(versions.STALE_MESSAGE))
        form.version_conflict = differences
        return self.form_invalid(form)

    def get_formset_conflict(self, formset, current) -> list[dict]:
        """For a formset page: the rows saved meanwhile beside the ones submitted
        (``{"label", "theirs", "yours"}``, see :func:`rows_conflict`)."""
        return []

    def get_conflict_intent(self, form) -> dict:
        """For an action: the record fields it changes and the values it would give them
        (``{"status": "lost"}``), shown on a conflict next to their values now."""
        return {}

    def conflict_label(self, form, name) -> str:
        return form[name].label

    @staticmethod
    def conflict_summary(form) -> str:
        """The conflict as one sentence (for a button that flashes its refusal on a page)."""
        parts = [
            _("%(field)s now: %(theirs)s, yours: %(yours)s")
            % {"field": row["label"], "theirs": row["theirs"], "yours": row["yours"]}
            for row in getattr(form, "version_conflict", [])
        ]
        return " ".join([*map(str, form.non_field_errors()), "; ".join(parts)]).strip()

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


def rows_conflict(theirs: list[tuple[str, str]], yours: list[tuple[str, str]]) -> list[dict]:
    """Two versions of a set of rows side by side (a credit split: rep → share), one line per
    label in either, saved rows first; "—" where a side has no such row."""
    now, mine = dict(theirs), dict(yours)
    labels = [*now, *(label for label in mine if label not in now)]
    return [
        {"label": label, "theirs": now.get(label, "—"), "yours": mine.get(label, "—")}
        for label in labels
    ]


def _posted_version(form) -> int | None:
    """The version an (invalid) bound form says it was opened on, if it says so."""
    name = VERSION_FIELD if isinstance(form, forms.BaseFormSet) else form.add_prefix(VERSION_FIELD)
    raw = form.data.get(name) if form.is_bound else None
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _model_field(record, name):
    if record is None or not hasattr(record, "_meta"):
        return None
    for field in record._meta.concrete_fields:
        if name in (field.name, field.attname):
            return field
    return None


def _model_display(record, name, value) -> str:
    """A record field's value as the user reads it (a choice's label, a related record)."""
    field = _model_field(record, name)
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        labels = {str(key): label for key, label in flatten_choices(field.flatchoices)}
        return str(labels.get(str(value), value))
    if field is not None and field.is_relation and name == field.name:
        return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _display(field, value) -> str:
    """A form value as the user reads it: a choice's label, a record's name, "—" for empty."""
    if value is None or value == "" or value == [] or value == ():
        return "—"
    if isinstance(field, forms.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field, forms.ModelMultipleChoiceField):
        items = value if not hasattr(value, "all") else value.all()
        names = []
        for item in items:
            if not hasattr(item, "pk"):
                item = field.queryset.filter(pk=item).first() or item
            names.append(str(item))
        return ", ".join(names) or "—"
    if isinstance(field, forms.ModelChoiceField):
        if not hasattr(value, "pk"):
            value = field.queryset.filter(pk=value).first() or value
        return str(value)
    if isinstance(field, forms.ChoiceField):
        labels = {str(key): label for key, label in flatten_choices(field.choices)}
        if isinstance(value, list | tuple):
            return ", ".join(str(labels.get(str(v), v)) for v in value) or "—"
        return str(labels.get(str(value), value))
    return str(value)
