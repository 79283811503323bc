"""Celery tasks of the classifier: ids in, a service call, nothing else."""

from celery import shared_task


# Training takes half a minute to a few minutes: far above the default limits meant for routing tasks.
@shared_task(name="classifier.train_candidate", acks_late=False, soft_time_limit=900, time_limit=960)
def train_candidate(user_id: int | None = None, trigger: str = "weekly") -> int:
    """Train and compare a candidate (classifier.candidates.candidate_train); returns the comparison id.

    Not acks_late: a redelivered message would train a second candidate, which wastes half a minute
    but decides the same way; a lost one is retried by the next week's beat or the supervisor.
    """
    from django.contrib.auth import get_user_model

    from classifier.candidates import candidate_train

    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return candidate_train(trigger=trigger, by=by).pk
