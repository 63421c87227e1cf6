from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self):
        # Keep each claim's stored status current as its evidence changes.
        from claims import signals  # noqa: F401
