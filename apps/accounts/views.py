from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from apps.accounts import permissions, selectors, services
from apps.accounts.filters import TeamFilter, UserFilter
from apps.accounts.forms import SignInForm, TeamForm, UserCreateForm, UserUpdateForm
from apps.accounts.models import Team, User
from apps.core.choices import Role
from apps.core.mixins import FilteredListMixin, ScopedQuerysetMixin, ServiceFormView
from apps.core.models import AuditEntry


class UserListView(FilteredListMixin, ListView):
    model = User
    filterset_class = UserFilter
    template_name = "accounts/user_list.html"
    context_object_name = "people"

    def get_queryset(self):
        return super().get_queryset().select_related("team", "profile").order_by("username")


class UserDetailView(ScopedQuerysetMixin, DetailView):
    model = User
    template_name = "accounts/user_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return super().get_queryset().select_related("team", "profile")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        viewer = self.request.user
        context["show_pay"] = viewer.sees_everything or viewer.pk == person.pk
        context["managed_teams"] = person.managed_teams.all()
        context["history"] = (
            AuditEntry.objects.visible_to(viewer).for_object(person).select_related("actor")[:20]
        )
        if permissions.can_manage_people(viewer):
            context["sign_in_failures"] = services.sign_in_failures(user=person)
            context["sign_in_locked"] = services.sign_in_locked(user=person)
        context["performance_links"] = _performance_links(person)
        return context


def _performance_links(person) -> list[tuple[str, str]]:
    """``(label, url)`` of the person's dashboard, scorecards and targets, for those measured
    (reps, and selling managers without targets of their own). Whoever sees this page may see
    those pages for this person (the same scope). A page whose URL does not exist (an app not
    installed) is left out. Reversed by name: ``accounts`` imports none of those apps."""
    if person.role not in (Role.REP, Role.MANAGER):
        return []
    pages = [
        (_("Dashboard"), "dashboards:rep", {"rep_id": person.pk}, ""),
        (_("Scorecards"), "scorecards:scorecard-list", {}, f"?rep={person.pk}"),
    ]
    if person.role == Role.REP:
        pages.append((_("Targets"), "performance:target-list", {}, f"?rep={person.pk}"))
    links = []
    for label, name, kwargs, query in pages:
        try:
            links.append((label, reverse(name, kwargs=kwargs) + query))
        except NoReverseMatch:
            continue
    return links


class SignInView(auth_views.LoginView):
    """The login page, with django-axes' lockout (apps/accounts/security.py)."""

    form_class = SignInForm


class UserUnlockView(ServiceFormView):
    """HR or an admin clears a person's failed sign-ins: they may sign in again at once."""

    http_method_names = ["post"]
    form_class = forms.Form
    write_rule = permissions.can_manage_people
    object_queryset = User.objects.all()
    object_context_name = "person"

    def perform_service(self, form):
        return services.sign_in_unlock(actor=self.request.user, user=self.object)

    def form_invalid(self, form):
        for error in form.non_field_errors():
            messages.error(self.request, error)
        return redirect(self.get_success_url())

    def get_success_message(self, result):
        return _("%(name)s may sign in again.") % {"name": self.object}

    def get_success_url(self, result=None):
        return reverse("accounts:user-detail", kwargs={"pk": self.object.pk})


class UserCreateView(ServiceFormView):
    form_class = UserCreateForm
    template_name = "accounts/user_form.html"
    write_rule = permissions.can_manage_people

    def perform_service(self, form):
        data = form.cleaned_data
        return services.user_create(
            actor=self.request.user,
            username=data["username"],
            password=data["password"],
            role=data["role"],
            team=data["team"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            profile=form.profile_data(),
        )

    def get_success_message(self, result):
        return _("%(name)s was added.") % {"name": result}

    def get_success_url(self, result=None):
        return reverse("accounts:user-detail", kwargs={"pk": result.pk})


class UserUpdateView(ServiceFormView):
    version_check = True
    form_class = UserUpdateForm
    template_name = "accounts/user_form.html"
    write_rule = permissions.can_manage_people
    object_queryset = User.objects.select_related("profile")
    object_context_name = "person"

    def get_initial(self):
        person = self.object
        profile = getattr(person, "profile", None)
        initial = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "role": person.role,
            "team": person.team_id,
            "is_active": person.is_active,
        }
        if profile is not None:
            initial.update(
                job_title=profile.job_title,
                hire_date=profile.hire_date,
                monthly_base_salary=profile.monthly_base_salary,
                monthly_performance_pay=profile.monthly_performance_pay,
                active=profile.active,
            )
        return initial

    def perform_service(self, form):
        return services.user_update(
            actor=self.request.user,
            user=self.object,
            profile=form.profile_data(),
            **form.user_fields(),
        )

    def get_success_message(self, result):
        return _("Changes saved.")

    def get_success_url(self, result=None):
        return reverse("accounts:user-detail", kwargs={"pk": self.object.pk})


@login_required
def me(request):
    return redirect(reverse("accounts:user-detail", kwargs={"pk": request.user.pk}))


class TeamListView(FilteredListMixin, ListView):
    model = Team
    filterset_class = TeamFilter
    template_name = "accounts/team_list.html"
    context_object_name = "teams"

    def get_queryset(self):
        return selectors.team_list(user=self.request.user).filter(
            pk__in=super().get_queryset().values("pk")
        )


class TeamDetailView(ScopedQuerysetMixin, DetailView):
    model = Team
    template_name = "accounts/team_detail.html"
    context_object_name = "team"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["members"] = selectors.team_members(team=self.object, user=self.request.user)
        context["managers"] = self.object.managers.all()
        return context


class TeamCreateView(ServiceFormView):
    form_class = TeamForm
    template_name = "accounts/team_form.html"
    write_rule = permissions.can_manage_people

    def perform_service(self, form):
        data = form.cleaned_data
        return services.team_create(
            actor=self.request.user,
            name=data["name"],
            managers=data["managers"],
            description=data["description"],
        )

    def get_success_message(self, result):
        return _("Team %(name)s was created.") % {"name": result}

    def get_success_url(self, result=None):
        return reverse("accounts:team-detail", kwargs={"pk": result.pk})


class TeamUpdateView(ServiceFormView):
    version_check = True
    form_class = TeamForm
    template_name = "accounts/team_form.html"
    write_rule = permissions.can_manage_people
    object_queryset = Team.objects.all()
    object_context_name = "team"

    def get_initial(self):
        return {
            "name": self.object.name,
            "description": self.object.description,
            "managers": list(self.object.managers.all()),
        }

    def perform_service(self, form):
        data = form.cleaned_data
        return services.team_update(
            actor=self.request.user,
            team=self.object,
            name=data["name"],
            managers=data["managers"],
            description=data["description"],
        )

    def get_success_message(self, result):
        return _("Changes saved.")

    def get_success_url(self, result=None):
        return reverse("accounts:team-detail", kwargs={"pk": self.object.pk})
