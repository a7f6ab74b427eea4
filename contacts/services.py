"""Writes for the contacts directory. Every change runs in a transaction,
records who made it (created_by/modified_by) and leaves a history row."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction

from .access import merge_refusal
from .history import one_entry
from .identity.resolver import add_alias
from .models import Organisation, OrganisationAlias, Person, User
from .signals import person_contact_changed

ORGANISATION_FIELDS = [
    "name",
    "name_native",
    "name_reading",
    "kind",
    "country",
    "city",
    "website",
    "parent",
    "notes",
]
PERSON_FIELDS = [
    "honorific",
    "given_name",
    "family_name",
    "name_native",
    "name_reading",
    "name_order",
    "job_title",
    "organisation",
    "email",
    "phone",
    "languages",
    "time_zone",
    "lawful_basis",
    "consent",
    "consent_changed_on",
    "do_not_contact",
    "reminders_opt_out",
]


def _save_tracked(instance, *, acting_user: User, creating: bool) -> None:
    if creating:
        instance.created_by = acting_user
    instance.modified_by = acting_user
    instance._history_user = acting_user
    instance.full_clean(validate_unique=True)
    instance.save()


def _assign(instance, allowed: list[str], values: dict) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    for name, value in values.items():
        setattr(instance, name, value)


def _check_parent(organisation: Organisation) -> None:
    """An organisation cannot be its own parent, directly or further up."""
    seen = {organisation.pk}
    parent = organisation.parent
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError({"parent": "This would make the organisation its own parent."})
        seen.add(parent.pk)
        parent = parent.parent
    if organisation.parent is not None and organisation.parent.merged_into_id:
        raise ValidationError({"parent": "That organisation was merged into another; pick the one it was merged into."})


@transaction.atomic
def organisation_create(*, acting_user: User, sectors=(), **fields) -> Organisation:
    organisation = Organisation()
    _assign(organisation, ORGANISATION_FIELDS, fields)
    _check_parent(organisation)
    with one_entry(organisation):
        _save_tracked(organisation, acting_user=acting_user, creating=True)
        organisation.sectors.set(sectors)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, acting_user: User, sectors=None, **fields) -> Organisation:
    if organisation.merged_into_id:
        raise ValidationError("This organisation was merged into another; change that one instead.")
    _assign(organisation, ORGANISATION_FIELDS, fields)
    _check_parent(organisation)
    with one_entry(organisation):
        _save_tracked(organisation, acting_user=acting_user, creating=False)
        if sectors is not None:
            organisation.sectors.set(sectors)
    return organisation


@transaction.atomic
def person_create(*, acting_user: User, **fields) -> Person:
    person = Person()
    _assign(person, PERSON_FIELDS, fields)
    _save_tracked(person, acting_user=acting_user, creating=True)
    return person


@transaction.atomic
def person_set(*, person: Person, acting_user: User | None, **fields) -> Person:
    """Write a few fields of a person outside the edit form (the email an invitation
    gives them, the account linked to them) and tell whoever depends on them: every
    write of a person that can change who is emailed, where or when goes through
    here or `person_update`, so the reminders cannot miss it."""
    for name, value in fields.items():
        setattr(person, name, value)
    person.modified_by = acting_user
    person.save(update_fields=[*fields, "modified_by", "modified_at"])
    person_contact_changed.send(sender=Person, person=person)
    return person


@transaction.atomic
def person_update(*, person: Person, acting_user: User, **fields) -> Person:
    if person.merged_into_id:
        raise ValidationError("This person was merged into another record; change that one instead.")
    _assign(person, PERSON_FIELDS, fields)
    _save_tracked(person, acting_user=acting_user, creating=False)
    # Reminder emails follow a changed address, time zone, do-not-contact or opt-out.
    person_contact_changed.send(sender=Person, person=person)
    return person


# Merge
#
# Generic on purpose: the relations are found through the model's
# _meta.related_objects, so foreign keys and many-to-many fields that events,
# followups or any later app point at an organisation or a person move with the
# merge without contacts importing those apps. A row that would break a unique
# constraint once moved (the same person twice on one mission as a delegate) is
# combined with the survivor's row: its own relations move to that row, then it
# is deleted (its history keeps it).


class MergeRefused(Exception):
    """The merge cannot go ahead; the message says why, in the user's words."""


@dataclass
class RelationMove:
    label: str
    count: int
    combined: list[str] = field(default_factory=list)


def merge_fields(model) -> list[models.Field]:
    """The fields a user chooses between when merging two records."""
    names = ORGANISATION_FIELDS if model is Organisation else PERSON_FIELDS
    return [model._meta.get_field(name) for name in names]


def _relations(model):
    return [rel for rel in model._meta.related_objects if rel.related_model is not None]


def _relation_label(rel, count: int) -> str:
    """E.g. "3 partnering meetings, as counterpart organisations"."""
    related = rel.related_model._meta
    noun = related.verbose_name if count == 1 else related.verbose_name_plural
    if rel.related_model is rel.model and rel.field.name == "merged_into":
        return f"{count} earlier merged {noun}"
    return f"{count} {noun}, as {rel.field.verbose_name}"


def _unique_sets(model, field_name: str) -> list[tuple[list[str], models.Q | None]]:
    """The unique field sets of a model that include this field."""
    sets = []
    for constraint in model._meta.total_unique_constraints:
        if field_name in constraint.fields:
            sets.append((list(constraint.fields), constraint.condition))
    for together in model._meta.unique_together:
        if field_name in together:
            sets.append((list(together), None))
    return sets


def _clash(rel, row, survivor):
    """The survivor's row that this row would duplicate once moved, if any."""
    model, fk = rel.related_model, rel.field
    if rel.one_to_one or fk.unique:
        return model._base_manager.filter(**{fk.name: survivor}).exclude(pk=row.pk).first()
    for fields, condition in _unique_sets(model, fk.name):
        lookup = {fk.name: survivor}
        for name in fields:
            if name != fk.name:
                lookup[model._meta.get_field(name).attname] = getattr(row, model._meta.get_field(name).attname)
        clashing = model._base_manager.filter(**lookup).exclude(pk=row.pk)
        if condition is not None:
            if not model._base_manager.filter(condition, pk=row.pk).exists():
                continue
            clashing = clashing.filter(condition)
        found = clashing.first()
        if found is not None:
            return found
    return None


def _rows(rel, survivor, loser):
    rows = rel.related_model._base_manager.filter(**{rel.field.name: loser})
    if rel.related_model is type(survivor):
        rows = rows.exclude(pk=survivor.pk)
    return rows


def merge_preview(*, survivor, other) -> list[RelationMove]:
    """What moves from `other` to `survivor`: one line per relation that has rows."""
    moves = []
    for rel in _relations(type(survivor)):
        if rel.many_to_many:
            count = rel.through._base_manager.filter(**{rel.field.m2m_reverse_field_name(): other}).count()
            if count:
                moves.append(RelationMove(_relation_label(rel, count), count))
            continue
        rows = list(_rows(rel, survivor, other))
        if not rows:
            continue
        move = RelationMove(_relation_label(rel, len(rows)), len(rows))
        for row in rows:
            clash = _clash(rel, row, survivor)
            if clash is not None:
                move.combined.append(f"{row} is combined with {clash}")
        moves.append(move)
    return moves


def _touch(row, acting_user, update_fields: list[str]) -> None:
    names = {f.name for f in row._meta.concrete_fields}
    if "modified_by" in names:
        row.modified_by = acting_user
        update_fields.append("modified_by")
    if "modified_at" in names:
        update_fields.append("modified_at")
    row._history_user = acting_user
    row.save(update_fields=update_fields)


def _move_m2m(rel, survivor, loser) -> None:
    through = rel.through._base_manager
    source, target = rel.field.m2m_field_name(), rel.field.m2m_reverse_field_name()
    already = through.filter(**{target: survivor}).values(source)
    through.filter(**{target: loser}).exclude(**{f"{source}__in": already}).update(**{target: survivor})
    through.filter(**{target: loser}).delete()


def _combine_rows(model, kept, dropped, acting_user, depth: int) -> None:
    """Fold a duplicate related row into the one the survivor already has."""
    for forward in model._meta.many_to_many:
        getattr(kept, forward.name).add(*getattr(dropped, forward.name).all())
    _move_relations(model, kept, dropped, acting_user, depth=depth + 1)
    dropped._history_user = acting_user
    dropped.delete()


def _move_relations(model, survivor, loser, acting_user, depth: int = 0) -> None:
    if depth > 3:
        raise MergeRefused("These records are linked too deeply to merge automatically; ask an administrator.")
    for rel in _relations(model):
        if rel.many_to_many:
            _move_m2m(rel, survivor, loser)
            continue
        for row in list(_rows(rel, survivor, loser)):
            clash = _clash(rel, row, survivor)
            if clash is not None:
                if rel.one_to_one:
                    raise MergeRefused(
                        f"Both records have their own {rel.related_model._meta.verbose_name}; "
                        "remove one of them before merging."
                    )
                _combine_rows(rel.related_model, clash, row, acting_user, depth)
                continue
            setattr(row, rel.field.attname, survivor.pk)
            _touch(row, acting_user, [rel.field.attname])


@transaction.atomic
def _merge(*, model, survivor, other, take_from_other: set[str], acting_user: User):
    if survivor.pk == other.pk:
        raise MergeRefused("Pick two different records to merge.")
    locked = {obj.pk: obj for obj in model._base_manager.select_for_update().filter(pk__in=[survivor.pk, other.pk])}
    if len(locked) != 2:
        raise MergeRefused("One of the records no longer exists.")
    survivor, other = locked[survivor.pk], locked[other.pk]
    for record in (survivor, other):
        if record.merged_into_id:
            raise MergeRefused(f"{record} was already merged into another record.")
    # Decided on the locked rows, before anything is written: what may move, and by whom.
    if refusal := merge_refusal(acting_user, survivor=survivor, other=other):
        raise MergeRefused(refusal)

    choosable = {f.name: f for f in merge_fields(model)}
    unknown = set(take_from_other) - set(choosable)
    if unknown:
        raise MergeRefused(f"Unknown fields: {', '.join(sorted(unknown))}.")
    for name in take_from_other:
        setattr(survivor, choosable[name].attname, getattr(other, choosable[name].attname))
    # A self-reference (parent organisation) may not point at either record any more.
    for f in model._meta.concrete_fields:
        points_back = getattr(survivor, f.attname) in (survivor.pk, other.pk)
        if f.is_relation and f.related_model is model and f.name != "merged_into" and points_back:
            setattr(survivor, f.attname, None)

    # A login belongs to one person: it follows the survivor if the survivor has none.
    if model is Person and other.user_id and survivor.user_id:
        raise MergeRefused(
            f"{survivor} and {other} each have their own login ({survivor.user.username}, {other.user.username}); "
            "deactivate one of the logins and unlink it from its person before merging."
        )
    if model is Person and other.user_id and not survivor.user_id:
        survivor.user_id, other.user_id = other.user_id, None
        other._history_user = acting_user
        other.save(update_fields=["user"])

    for forward in model._meta.many_to_many:
        getattr(survivor, forward.name).add(*getattr(other, forward.name).all())
    _move_relations(model, survivor, other, acting_user)

    survivor.modified_by = acting_user
    survivor._history_user = acting_user
    try:
        survivor.full_clean(validate_unique=True)
    except ValidationError as error:
        raise MergeRefused("; ".join(error.messages)) from None
    survivor.save()

    other.merged_into = survivor
    other.modified_by = acting_user
    other._history_user = acting_user
    other._change_reason = f"Merged into #{survivor.pk} {survivor}"
    other.save()
    return survivor


@transaction.atomic
def organisation_merge(
    *, survivor: Organisation, other: Organisation, take_from_other: set[str], acting_user: User
) -> Organisation:
    names = [n for record in (survivor, other) for n in (record.name, record.name_native, record.name_reading) if n]
    merged = _merge(
        model=Organisation, survivor=survivor, other=other, take_from_other=take_from_other, acting_user=acting_user
    )
    # Every name either record had still finds the survivor: the next import matches by itself.
    for name in dict.fromkeys(names):
        add_alias(merged, name, source=OrganisationAlias.Source.MERGE, acting_user=acting_user)
    return merged


@transaction.atomic
def person_merge(*, survivor: Person, other: Person, take_from_other: set[str], acting_user: User) -> Person:
    merged = _merge(
        model=Person, survivor=survivor, other=other, take_from_other=take_from_other, acting_user=acting_user
    )
    person_contact_changed.send(sender=Person, person=merged)  # their reminders now go to the survivor
    return merged
