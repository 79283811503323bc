from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "网格治理"

    def ready(self):
        # Cache invalidation only (no business logic): a region edited in the admin or created by a
        # factory must reach the in-memory address index. Bulk loads call the invalidation themselves.
        from django.db.models.signals import post_delete, post_save

        from governance.models import Region
        from governance.selectors.address import address_index_invalidate

        def invalidate(sender, **kwargs):
            address_index_invalidate()

        post_save.connect(invalidate, sender=Region, weak=False, dispatch_uid="governance-address-index-save")
        post_delete.connect(invalidate, sender=Region, weak=False, dispatch_uid="governance-address-index-delete")
