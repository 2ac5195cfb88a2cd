from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.customers.services import can_add_industry, can_write_crm


class CrmWritePermission(BasePermission):
    """Everyone signed in reads within their scope; HR reads only (writes are a 403)."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or can_write_crm(request.user)


class IndustryPermission(BasePermission):
    """Everyone reads the industries; managers, HR and admins add them."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or can_add_industry(request.user)
