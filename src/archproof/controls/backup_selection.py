"""What an AWS Backup selection takes: its ARNs (with wildcards), tags and conditions, less
its exclusions, read as AWS Backup does: (Resources or ListOfTags) and every condition, and
not NotResources; a selection that names none of these takes every supported resource.

Each answer is ``True``, ``False`` or the ``Unknown`` that keeps it open (an ARN or tag the
plan knows only after apply, a reference it could not follow)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable

from archproof.controls.arn_globs import could_match
from archproof.inventory.model import Inventory, Resource, Unknown, is_unknown, is_unset

Answer = bool | Unknown
TAG_KEY = "aws:ResourceTag/"
_HOLE = "\x00" * 16  # stands for an ARN part the plan does not know; no pattern spells it
_ARN_SHAPES = {  # kind: service, resource part before its name, the attribute naming it
    "aws_db_instance": ("rds", "db:", "identifier"),
    "aws_rds_cluster": ("rds", "cluster:", "cluster_identifier"),
    "aws_dynamodb_table": ("dynamodb", "table/", "name"),
    "aws_efs_file_system": ("elasticfilesystem", "file-system/", "id"),
    "aws_ebs_volume": ("ec2", "volume/", "id"),
}
STORE_KINDS = tuple(_ARN_SHAPES)
"""Data stores AWS Backup backs up whose ARNs archproof can spell before apply."""


def any_of(answers: Iterable[Answer]) -> Answer:
    found: Answer = False
    for answer in answers:
        if answer is True:
            return True
        if isinstance(answer, Unknown):
            found = answer
    return found


def all_of(answers: Iterable[Answer]) -> Answer:
    found: Answer = True
    for answer in answers:
        if answer is False:
            return False
        if isinstance(answer, Unknown):
            found = answer
    return found


def region_of_arn(value: object) -> str | None:
    """``eu-west-1`` for ``arn:aws:rds:eu-west-1:…``; ``None`` for anything else."""
    if isinstance(value, str) and value.startswith("arn:"):
        parts = value.split(":")
        if len(parts) > 3 and parts[3]:
            return parts[3]
    return None


def region_of(resource: Resource) -> str | None:
    """Where a resource lives: the live region, else its ARN or availability zones."""
    if resource.region:
        return resource.region
    found = region_of_arn(resource.get("arn"))
    if found:
        return found
    zones = resource.get("availability_zones")
    for zone in [resource.get("availability_zone"), *(zones if isinstance(zones, list) else [])]:
        if isinstance(zone, str) and len(zone) > 1 and zone[-1].isalpha():
            return zone[:-1]
    return None


def provider_region(inv: Inventory, resource: Resource) -> str | None:
    """The resource's region, else that of another resource under the same provider
    configuration of a plan (one configuration, one region)."""
    found = region_of(resource)
    if found or not resource.provider:
        return found
    regions = inv.memo.setdefault("provider-regions", {})
    if resource.provider not in regions:
        known = (region_of(r) for r in inv if r.provider == resource.provider)
        regions[resource.provider] = next((r for r in known if r), None)
    region = regions[resource.provider]
    return region if isinstance(region, str) else None


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws-us-gov" if region.startswith("us-gov-") else "aws"


def arn_glob(inv: Inventory, store: Resource) -> str | None:
    """The store's ARN, or the glob of the ARNs it may get (``*`` for parts known only after
    apply); ``None`` for a kind whose ARN cannot be spelled."""
    arn = store.get("arn")
    if isinstance(arn, str) and arn.startswith("arn:"):
        return arn
    shape = _ARN_SHAPES.get(store.kind)
    if shape is None:
        return None
    service, prefix, attribute = shape
    region = provider_region(inv, store)
    name = store.get(attribute)
    name = name if isinstance(name, str) and name else "*"
    where = f"{_partition(region)}:{service}:{region}" if region else f"*:{service}:*"
    return f"arn:{where}:{store.account or '*'}:{prefix}{name}"


def arn_matches(inv: Inventory, pattern: str, store: Resource) -> Answer:
    """Does a selection's ARN pattern match the store's ARN (known or still open)?"""
    glob = arn_glob(inv, store)
    if glob is None:
        return Unknown(f"the ARN of {store.label} is not known")
    if "*" not in glob:
        return fnmatch.fnmatchcase(glob, pattern)
    if fnmatch.fnmatchcase(glob.replace("*", _HOLE), pattern):
        return True  # the open parts fall under the pattern's wildcards, whatever they are
    if could_match(pattern, glob):
        return Unknown(f"{pattern} takes it only if its ARN ({glob} before apply) matches")
    return False


def tag_value(store: Resource, key: str) -> str | Unknown | None:
    """The value of one of the store's tags (provider default tags included); ``None`` when it
    has no such tag."""
    every = store.get("tags_all")
    if isinstance(every, dict):
        value = every.get(key)
        return value if value is None or isinstance(value, str) else Unknown("tag value")
    own = store.get("tags")
    if isinstance(own, dict) and key in own:
        value = own[key]
        return value if isinstance(value, str) else Unknown(f"tag {key} known only after apply")
    if isinstance(every, Unknown) and not is_unset(every):
        return every
    if isinstance(own, Unknown) and not is_unset(own):
        return own
    return store.tags.get(key)


def _tag(store: Resource, key: object) -> str | Unknown | None:
    if not isinstance(key, str):
        return Unknown("a tag key known only after apply")
    return tag_value(store, key.removeprefix(TAG_KEY))


def _listed(inv: Inventory, selection: Resource, path: str, store: Resource) -> Answer:
    """Is the store named (or matched by a wildcard) in the selection's ARN list ``path``?"""
    if any(r is store for r in inv.related(selection, path)):
        return True
    value = selection.get(path)
    if isinstance(value, Unknown):
        if is_unset(value):
            return False
        named = selection.refs.get(path, ())
        if not named or path in selection.loose:
            return value
        for address in named:  # a lookup may find the store itself
            pointed = inv.by_address(address)
            if pointed is None or pointed.kind.startswith("data."):
                return Unknown(f"{selection.label} {path} names {address}, known after apply")
        return False  # a planned list of references holds what it names
    items = value if isinstance(value, list) else []
    return any_of(
        arn_matches(inv, item, store)
        if isinstance(item, str)
        else Unknown(f"an entry of {selection.label} {path} known only after apply")
        for item in items
    )


def _given(selection: Resource, path: str) -> bool:
    value = selection.get(path)
    if isinstance(value, Unknown):
        return not is_unset(value)
    return bool(value) or bool(selection.refs.get(path))


def _by_tags(selection: Resource, store: Resource) -> Answer:
    """Does one of the selection's ``selection_tag`` blocks (ListOfTags, any one) match?"""
    tags = selection.get("selection_tag")
    if isinstance(tags, Unknown):
        return False if is_unset(tags) else tags
    answers: list[Answer] = []
    for tag in tags if isinstance(tags, list) else []:
        if not isinstance(tag, dict) or is_unknown(tag):
            answers.append(Unknown(f"a selection_tag of {selection.label} known after apply"))
            continue
        if str(tag.get("type", "")).upper() != "STRINGEQUALS":
            answers.append(Unknown(f"selection_tag type {tag.get('type')!r}"))
            continue
        seen, wanted = _tag(store, tag.get("key")), tag.get("value")
        if not isinstance(wanted, str):
            answers.append(Unknown(f"a selection_tag value of {selection.label} after apply"))
        else:
            answers.append(seen if isinstance(seen, Unknown) else seen == wanted)
    return any_of(answers)


def _condition(operator: str, seen: str | Unknown | None, wanted: object, key: object) -> Answer:
    if isinstance(seen, Unknown):
        return seen
    if not isinstance(wanted, str):
        return Unknown(f"condition value of {key} known only after apply")
    negated = operator.startswith("string_not_")
    if seen is None:
        # AWS Backup does not say whether an untagged resource passes a negated condition
        return Unknown(f"no {key} tag, under {operator}") if negated else False
    like = operator.endswith("_like")
    same = fnmatch.fnmatchcase(seen, wanted) if like else seen == wanted
    return same != negated


def _conditions(selection: Resource, store: Resource) -> Answer:
    """Do all of the selection's ``condition`` operators hold for the store (AND)?"""
    blocks = selection.get("condition")
    if isinstance(blocks, Unknown):
        return True if is_unset(blocks) else blocks
    answers: list[Answer] = []
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, dict):
            answers.append(Unknown(f"a condition of {selection.label} known only after apply"))
            continue
        for operator, entries in block.items():
            if isinstance(entries, Unknown):
                answers.append(entries)
                continue
            for entry in entries if isinstance(entries, list) else []:
                key = entry.get("key") if isinstance(entry, dict) else None
                wanted = entry.get("value") if isinstance(entry, dict) else None
                answers.append(_condition(operator, _tag(store, key), wanted, key))
    return all_of(answers)


def takes(inv: Inventory, selection: Resource, store: Resource) -> Answer:
    """Does the selection take the store? (Resources or ListOfTags) and Conditions, less
    NotResources; with neither Resources nor ListOfTags, every supported resource."""
    if selection.missing is not None:
        return selection.missing
    excluded = _listed(inv, selection, "not_resources", store)
    if excluded is True:
        return False
    if _given(selection, "resources") or _given(selection, "selection_tag"):
        chosen = any_of([_listed(inv, selection, "resources", store), _by_tags(selection, store)])
    else:
        chosen = True
    outside: Answer = excluded if isinstance(excluded, Unknown) else True
    return all_of([chosen, _conditions(selection, store), outside])


def could_take_kind(selection: Resource, kinds: Iterable[str]) -> bool:
    """Could the selection take some resource of ``kinds`` (when there is none to try)?"""
    if _given(selection, "selection_tag") or not _given(selection, "resources"):
        return True
    value = selection.get("resources")
    if not isinstance(value, list):
        return True  # references or values known after apply: they name something
    shapes = [_ARN_SHAPES[k] for k in kinds if k in _ARN_SHAPES]
    return any(
        isinstance(p, str) and could_match(p, f"arn:*:{service}:*:*:{prefix}*")
        for p in value
        for service, prefix, _ in shapes
    )
