from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "apps.training"
    label = "training"
    verbose_name = _("Training recommendations")

    def ready(self):
        from apps.core import audit_labels

        audit_labels.register(
            {
                "training.propose": _("Training proposed"),
                "training.replace": _("Individual training replaced by a team workshop"),
                "training.accept": _("Training accepted"),
                "training.schedule": _("Training scheduled"),
                "training.done": _("Training marked done"),
                "training.decline": _("Training declined"),
                "training.settings": _("Training settings changed"),
            }
        )
