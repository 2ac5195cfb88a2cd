from rest_framework.permissions import SAFE_METHODS, BasePermission


class WriteRulePermission(BasePermission):
    """Anyone signed in reads (within their scope); a write (any unsafe method) needs the
    view's ``write_rule(user)`` (a plain function from the app's ``permissions.py``; ``None``
    lets everyone signed in write). The view's ``write_denied_message`` words the 403."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        rule = getattr(type(view), "write_rule", None)
        if rule is None or rule(request.user):
            return True
        message = getattr(view, "write_denied_message", None)
        if message:
            self.message = message
        return False
