from django.apps import AppConfig


class AllianceConfig(AppConfig):
    name = "alliance"
    verbose_name = "Alliance core"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules
        from simple_history.signals import post_create_historical_m2m_records, post_create_historical_record

        from alliance.audit import chain
        from alliance.registry import DISCOVERED_MODULES

        post_create_historical_record.connect(chain.on_history_row, dispatch_uid="audit-chain")
        post_create_historical_m2m_records.connect(chain.on_history_m2m_rows, dispatch_uid="audit-chain-m2m")

        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save, pre_save

        from alliance.audit import identity

        pre_save.connect(identity.skip_login_stamp, sender=get_user_model(), dispatch_uid="account-login-stamp")
        post_save.connect(identity.after_save, sender=get_user_model(), dispatch_uid="account-login-stamp-done")

        # Higher apps' notification producers, handover sections and demo parts register themselves.
        autodiscover_modules(*DISCOVERED_MODULES)

        from alliance import search

        search.connect_signals()
