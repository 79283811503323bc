from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = "工单派发"

    def ready(self):
        # Cache invalidation only (no business logic): the per-process caches of who a user is
        # (dispatch.actors), the city mode (services.clocks) and whether webhooks are subscribed
        # (services.webhooks) are dropped when this process edits what they were read from.
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from dispatch.actors import actor_cache_clear
        from dispatch.models import CityMode, TimeLimit, WebhookSubscription, WorkCalendarDay
        from dispatch.services.clocks import current_city_mode
        from dispatch.services.webhooks import any_active_subscription
        from governance.caching import governance_cache_invalidate
        from governance.models import Department, Grid, GridWorker, Region, StaffProfile

        user_model = get_user_model()
        clears = {
            "actor": (actor_cache_clear, (user_model, Group, StaffProfile, GridWorker, Grid, Department, Region)),
            "city-mode": (current_city_mode.cache_clear, (CityMode,)),
            "webhooks": (any_active_subscription.cache_clear, (WebhookSubscription,)),
            # the time limits and the working calendar are kept with the governance reads (services/sla.py)
            "sla-tables": (governance_cache_invalidate, (TimeLimit, WorkCalendarDay)),
        }
        for name, (clear, senders) in clears.items():
            for sender in senders:
                for signal, when in ((post_save, "save"), (post_delete, "delete")):
                    signal.connect(
                        lambda clear=clear, **kwargs: clear(),
                        sender=sender,
                        weak=False,
                        dispatch_uid=f"dispatch-cache-{name}-{when}-{sender._meta.label}",
                    )
        m2m_changed.connect(
            lambda **kwargs: actor_cache_clear(),
            sender=user_model.groups.through,
            weak=False,
            dispatch_uid="dispatch-cache-actor-groups",
        )
