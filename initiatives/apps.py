from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Plan tracking")

    def ready(self):
        import initiatives.audit  # noqa: F401  (connects the sign-in failure receiver)
        import initiatives.security  # noqa: F401  (connects the per-username failure count)
        from initiatives.caching import connect_receivers
        from initiatives.db import install_triggers
        from initiatives.models import figures

        post_migrate.connect(install_triggers, sender=self)
        connect_receivers()
        figures.connect_receivers(self)
        for model in self.get_models():
            if model._meta.proxy:
                for signal in (post_save, post_delete):
                    signal.connect(
                        forward_to_concrete(signal),
                        sender=model,
                        weak=False,
                        dispatch_uid=f"concrete-{signal is post_save}-{model._meta.label}",
                    )


def forward_to_concrete(signal):
    """Send a proxy model's save or delete again as its concrete model's.

    Django sends them with the proxy as sender, and receivers connected for the concrete model
    (the change history kept for progress reports) would miss an approval or a return made from
    the review queue, which lists the reports through a proxy.
    """

    def forward(sender, **kwargs):
        kwargs.pop("signal", None)
        signal.send(sender=sender._meta.concrete_model, **kwargs)

    return forward
