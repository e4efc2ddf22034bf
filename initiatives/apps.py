from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Plan tracking")

    def ready(self):
        import initiatives.audit  # noqa: F401  (connects the sign-in failure receiver)
        from initiatives.caching import connect_receivers
        from initiatives.db import install_triggers

        post_migrate.connect(install_triggers, sender=self)
        connect_receivers()
