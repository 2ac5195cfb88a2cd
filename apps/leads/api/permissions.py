from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.leads.services import can_write_leads


class LeadPermission(BasePermission):
    """Everyone signed in reads leads within their scope; HR may not write (403)."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or can_write_leads(request.user)
