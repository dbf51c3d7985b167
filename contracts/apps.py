from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Awards and contracts"

    def ready(self):
        from contracts.services.approval import recuse_on_new_declaration
        from roles.signals import interest_declared

        # Rule 5: roles cannot import contracts, so an interest declared in a bidder while an
        # approval is open reaches the approval through the signal roles' service sends.
        interest_declared.connect(recuse_on_new_declaration, dispatch_uid="award-late-interest")
