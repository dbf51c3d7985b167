from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Awards and contracts"

    def ready(self):
        # Rule 5: roles cannot import contracts, so an interest declared in a bidder while an
        # approval is open reaches the approval through this signal.
        from django.db.models.signals import post_save

        from roles.models import InterestDeclaration

        post_save.connect(_interest_declared, sender=InterestDeclaration, dispatch_uid="award-late-interest")


def _interest_declared(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from contracts.services.approval import recuse_on_new_declaration

        recuse_on_new_declaration(declaration=instance)
