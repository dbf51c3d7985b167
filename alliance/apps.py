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

        # Higher apps' notification producers, handover sections and demo parts register themselves.
        autodiscover_modules(*DISCOVERED_MODULES)
