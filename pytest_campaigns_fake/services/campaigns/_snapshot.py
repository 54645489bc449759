"""The whole fake as plain JSON-able data, and back.

A snapshot holds everything an answer can depend on (campaigns with their dial requests and
client tokens, instances with their onboarding jobs and poll counts, the creation sequence that
page tokens point into, quotas and settings; for connectcampaignsv2, its campaigns with their
outbound requests, instance integrations and limits, its quotas and settings), so a fake loaded
from it answers like the original.

What every API shares (the creation sequence, accounts, partitions and their instances) is
written here; each service brings its own ``Section`` (its campaigns in each partition, its
quotas and settings): ``services/connectcampaigns/_snapshot.py``,
``services/connectcampaignsv2/_snapshot.py``.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Union

from ...engine._wire import iso8601, json_default
from . import _snapshot_load
from ._records import CampaignRecord, InstanceRecord, Store
from ._snapshot_load import Section as Section
from ._snapshot_load import Violation, build

FORMAT = "pytest-campaigns-fake/1"
Source = Union[dict[str, Any], str, "os.PathLike[str]"]


def dump(store: Store, sections: Sequence[Section], accounts: dict[str, str]) -> dict[str, Any]:
    """The store, the accounts and each service's section as plain data. The first section's
    top-level entries come before the accounts, every other's after the partitions: where
    the format put v1's and v2's when v2 joined it."""
    buckets = []
    for bucket in store.buckets.values():
        part = {
            "account": bucket.account,
            "region": bucket.region,
            "instances": [_instance(i) for i in bucket.instances.values()],
        }
        for section in sections:
            part.update(section.dump_partition(bucket))
        buckets.append(part)
    data = {"format": FORMAT, "lastSeq": store.last_seq}
    for section in sections[:1]:
        data.update(section.dump())
    data["accounts"] = dict(accounts)
    data["partitions"] = buckets
    for section in sections[1:]:
        data.update(section.dump())
    # Round-trip through JSON so the caller gets plain data that shares nothing with the store.
    loaded: dict[str, Any] = json.loads(json.dumps(data, default=json_default))
    return loaded


def in_creation_order(campaigns: Iterable[CampaignRecord]) -> list[CampaignRecord]:
    """Campaigns in creation order, as a section writes them."""
    return sorted(campaigns, key=_seq)


def _seq(campaign: CampaignRecord) -> int:
    return campaign.seq


def _instance(record: InstanceRecord) -> dict[str, Any]:
    """The instance's config and job members side by side (they share connectInstanceId),
    with the job's status and failure code, and the role, always present (None when unset)."""
    entry: dict[str, Any] = {**record.config, **(record.job or {})}
    entry["status"] = record.status
    entry.setdefault("failureCode", None)
    entry.setdefault("serviceLinkedRoleArn", None)
    entry["polls"] = record.polls
    entry["jobStartedAt"] = None if record.job_started is None else iso8601(record.job_started)
    entry["integrations"] = record.integrations
    entry["communicationLimits"] = record.limits
    return entry


def _yaml(path: Path, verb: str) -> Any:
    __tracebackhide__ = True
    try:
        import yaml
    except ImportError:
        raise ImportError(f"{verb} {path} needs PyYAML: pip install PyYAML") from None
    return yaml


def write(data: dict[str, Any], path: str | os.PathLike[str]) -> None:
    target = Path(path)
    if target.suffix.lower() in (".yaml", ".yml"):
        text = _yaml(target, "Writing").safe_dump(data, sort_keys=False)
    else:
        text = json.dumps(data, indent=2)
    target.write_text(text, encoding="utf-8")


def read(source: Source) -> dict[str, Any]:
    """Snapshot data from a dict, or from a JSON (or, with PyYAML, YAML) file."""
    __tracebackhide__ = True
    if isinstance(source, dict):
        return source
    path = Path(source)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        yaml = _yaml(path, "Loading")
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValueError(f"{path} is not valid YAML: {exc}") from None
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not hold a pytest-campaigns-fake snapshot")
    return data


def restore(
    data: dict[str, Any], store: Store, sections: Sequence[Section], *, own: bool = False
) -> dict[str, str]:
    """Replace the store's contents and each section's state with the snapshot's; returns
    the account mapping.

    All or nothing: a corrupted snapshot is a ValueError and leaves the store, quotas and
    settings as they were. The store keeps its own copies, so later requests never change
    ``data`` (the same snapshot can be loaded again, or into another fake).

    ``own``: ``data`` is a state file's snapshot, which the fake itself dumped and nothing
    else holds (``_durable``): taken as it is, its campaigns not checked against the model
    again (two thirds of a 50,000-campaign restart); ids, ARNs and seqs still are.
    """
    __tracebackhide__ = True
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"Not a pytest-campaigns-fake snapshot (format {found!r})")
    try:
        checking = _snapshot_load.checking.set(not own)
        try:
            fresh, accounts, apply = build(data if own else copy.deepcopy(data), sections)
        finally:
            _snapshot_load.checking.reset(checking)
    except Violation as violation:
        raise ValueError(
            f"Corrupted pytest-campaigns-fake snapshot at {violation.where}: {violation.reason}"
        ) from None
    except ValueError as exc:
        raise ValueError(f"Corrupted pytest-campaigns-fake snapshot: {exc}") from None
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ValueError(
            f"Corrupted pytest-campaigns-fake snapshot: {type(exc).__name__}: {exc}"
        ) from None
    store.buckets.clear()
    store.buckets.update(fresh.buckets)
    store.last_seq = fresh.last_seq
    store.ids = fresh.ids
    for section in apply:
        section()
    return accounts
