from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "网格治理"

    def ready(self):
        # Cache invalidation only (no business logic): a region edited in the admin or created by a
        # factory must reach the in-memory address index, and any governance row routing reads must reach
        # the routing memo (governance/caching.py). Bulk loads call the invalidation themselves.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from governance.caching import governance_cache_invalidate
        from governance.models import (
            CatalogueItem,
            Department,
            DispatchCatalogue,
            Grid,
            GridWorker,
            Place,
            PlaceName,
            Region,
        )
        from governance.selectors.address import address_index_invalidate

        def invalidate(sender, **kwargs):
            address_index_invalidate()
            governance_cache_invalidate()

        post_save.connect(invalidate, sender=Region, weak=False, dispatch_uid="governance-address-index-save")
        post_delete.connect(invalidate, sender=Region, weak=False, dispatch_uid="governance-address-index-delete")
        # The 地名库 is part of the address index; its districts are a many-to-many the admin saves apart.
        post_save.connect(invalidate, sender=PlaceName, weak=False, dispatch_uid="governance-place-name-save")
        post_delete.connect(invalidate, sender=PlaceName, weak=False, dispatch_uid="governance-place-name-delete")
        m2m_changed.connect(
            invalidate, sender=PlaceName.districts.through, weak=False, dispatch_uid="governance-place-name-districts"
        )

        def invalidate_memo(sender, **kwargs):
            governance_cache_invalidate()

        for model in (Grid, GridWorker, Place, Department, CatalogueItem, DispatchCatalogue):
            uid = f"governance-memo-{model.__name__}"
            post_save.connect(invalidate_memo, sender=model, weak=False, dispatch_uid=uid + "-save")
            post_delete.connect(invalidate_memo, sender=model, weak=False, dispatch_uid=uid + "-delete")
