from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.core.scoping import sees_everything


class ReadOnlyOrOrganisationWide(BasePermission):
    """Anyone signed in reads (within their scope); only HR and admin write."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or sees_everything(request.user)
