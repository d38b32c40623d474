"""Keep what depends on patrols right: the daily tallies, and the files of deleted photos.

The tallies (`patrols.tallies`) are recounted when a patrol, its team or its topics change.

Connected in `PatrolsConfig.ready()`. A saved patrol refreshes the day it starts
on and, if an edit moved it, the day it started on before (`Patrol.from_db`
remembers it). Bulk operations (`QuerySet.update`, `bulk_create`, raw SQL) send
no signals: run `manage.py rebuild_patrol_tallies` after them.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from . import tallies
from .models import Patrol, PatrolPhoto


def _loaded_day(patrol: Patrol):
    started_at = getattr(patrol, "_loaded_started_at", None)
    return tallies.day_of(started_at) if started_at else None


def _remember_day(sender, instance: Patrol, raw: bool = False, **kwargs) -> None:
    """Before an edit of an instance not loaded from the database, note where it was."""
    if raw or instance._state.adding or hasattr(instance, "_loaded_started_at"):
        return
    instance._loaded_started_at = Patrol.objects.filter(pk=instance.pk).values_list("started_at", flat=True).first()


def _patrol_saved(sender, instance: Patrol, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    new_day, old_day = tallies.day_of(instance.started_at), _loaded_day(instance)
    if old_day in (None, new_day):
        # Saving changes no team or topics (m2m_changed counts those): its own fields only.
        tallies.refresh([new_day], [tallies.VILLAGES, tallies.OFFICERS])
    else:
        tallies.refresh([old_day, new_day])
    instance._loaded_started_at = instance.started_at


def _patrol_deleted(sender, instance: Patrol, **kwargs) -> None:
    tallies.refresh([tallies.day_of(instance.started_at)])


def _days_of(pks) -> set:
    return {tallies.day_of(moment) for moment in Patrol.objects.filter(pk__in=pks).values_list("started_at", flat=True)}


def _team_or_topics_changed(kind: str):
    def receiver(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
        if reverse:  # officer.patrols.add(...) / topic.patrols.clear(): the patrols are in pk_set
            if action == "pre_clear":
                instance._tally_days = _days_of(instance.patrols.values("pk"))
            elif action == "post_clear":
                tallies.refresh(getattr(instance, "_tally_days", set()), [kind])
            elif action in ("post_add", "post_remove"):
                tallies.refresh(_days_of(pk_set), [kind])
        elif action in ("post_add", "post_remove", "post_clear"):
            tallies.refresh([tallies.day_of(instance.started_at)], [kind])

    return receiver


_members_changed = _team_or_topics_changed(tallies.OFFICERS)
_topics_changed = _team_or_topics_changed(tallies.TOPICS)


def _photo_deleted(sender, instance: PatrolPhoto, **kwargs) -> None:
    """Remove a deleted photo's files once the deletion is committed, however it was deleted
    (an edit, the admin, a patrol deleted with its photos); a rollback keeps them."""
    storage = instance.image.storage
    names = [name for name in (instance.image.name, instance.thumbnail.name) if name]

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)


def connect() -> None:
    pre_save.connect(_remember_day, sender=Patrol, dispatch_uid="patrol_tally_remember")
    post_save.connect(_patrol_saved, sender=Patrol, dispatch_uid="patrol_tally_saved")
    post_delete.connect(_patrol_deleted, sender=Patrol, dispatch_uid="patrol_tally_deleted")
    m2m_changed.connect(_members_changed, sender=Patrol.members.through, dispatch_uid="patrol_tally_members")
    m2m_changed.connect(_topics_changed, sender=Patrol.topics.through, dispatch_uid="patrol_tally_topics")
    post_delete.connect(_photo_deleted, sender=PatrolPhoto, dispatch_uid="patrol_photo_files")
