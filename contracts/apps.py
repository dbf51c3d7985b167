from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Awards and contracts"

    def ready(self):
        # The oversight group hears of every award approved (manage.py send_notifications).
        from alliance.notifications import register
        from contracts.notifications import award_approved

        register(award_approved)
