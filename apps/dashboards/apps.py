from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "apps.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from apps.core import home
        from apps.core.choices import Role
        from apps.dashboards import company, reminder_rules, views

        company.register_builtin_panels()
        reminder_rules.register()
        home.register(Role.REP, views.RepDashboardView.as_view())
        home.register(Role.MANAGER, views.TeamDashboardView.as_view())
        company_view = views.CompanyDashboardView.as_view()
        home.register(Role.HR, company_view)
        home.register(Role.ADMIN, company_view)
