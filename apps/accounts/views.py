from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from apps.accounts import selectors, services
from apps.accounts.filters import TeamFilter, UserFilter
from apps.accounts.forms import TeamForm, UserCreateForm, UserUpdateForm
from apps.accounts.models import Team, User
from apps.core.mixins import (
    FilteredListMixin,
    OrganisationWideRequiredMixin,
    ScopedQuerysetMixin,
    add_service_errors,
)
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
        return context


class UserCreateView(OrganisationWideRequiredMixin, FormView):
    form_class = UserCreateForm
    template_name = "accounts/user_form.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = services.user_create(
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
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s was added.") % {"name": user})
        return redirect("accounts:user-detail", pk=user.pk)


class UserUpdateView(OrganisationWideRequiredMixin, FormView):
    form_class = UserUpdateForm
    template_name = "accounts/user_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.person = get_object_or_404(
                User.objects.visible_to(request.user).select_related("profile"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        person = self.person
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

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.person, **kwargs)

    def form_valid(self, form):
        try:
            services.user_update(
                actor=self.request.user,
                user=self.person,
                profile=form.profile_data(),
                **form.user_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect("accounts:user-detail", pk=self.person.pk)


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


class TeamCreateView(OrganisationWideRequiredMixin, FormView):
    form_class = TeamForm
    template_name = "accounts/team_form.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            team = services.team_create(
                actor=self.request.user,
                name=data["name"],
                managers=data["managers"],
                description=data["description"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Team %(name)s was created.") % {"name": team})
        return redirect("accounts:team-detail", pk=team.pk)


class TeamUpdateView(OrganisationWideRequiredMixin, FormView):
    form_class = TeamForm
    template_name = "accounts/team_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.team = get_object_or_404(Team.objects.visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {
            "name": self.team.name,
            "description": self.team.description,
            "managers": list(self.team.managers.all()),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(team=self.team, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.team_update(
                actor=self.request.user,
                team=self.team,
                name=data["name"],
                managers=data["managers"],
                description=data["description"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect("accounts:team-detail", pk=self.team.pk)
