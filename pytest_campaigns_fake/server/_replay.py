"""Replaying a state file's log onto its snapshot, and the options of a run it logs.

The log's entries are requests (API and control plane), each answered again at the instant
it was answered, and the settings each run started with; see ``_durable``.
"""

from __future__ import annotations

import base64
import gc
import json
import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from botocore.awsrequest import AWSPreparedRequest, HeadersDict

from ..engine import _chaos
from ..services.campaigns import _snapshot
from . import _control_plane as _control

if TYPE_CHECKING:
    from .._fake import CampaignsFake


def replay(db: sqlite3.Connection, fake: CampaignsFake) -> int:
    """Load the snapshot ``db`` holds into ``fake``, then answer its logged entries in order,
    each at its instant (the caller holds the engine's lock); how many were requests.

    The cyclic garbage collector is off meanwhile: the records made are all kept, and each
    collection would walk every one made so far (a third of a 50,000-campaign replay)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _replay(db, fake)
    finally:
        if collecting:
            gc.enable()


def forget_run(fake: CampaignsFake) -> None:
    """What a restart forgets: the faults, chaos and the journal (a test run's, not the
    service's)."""
    _chaos.attach(fake._engine, None)
    fake._faults.clear()
    fake._faults_v2.clear()
    fake._journal.clear()


def _replay(db: sqlite3.Connection, fake: CampaignsFake) -> int:
    requests = 0
    row = db.execute("SELECT snapshot, ids, clock FROM snapshot").fetchone()
    if row is not None:
        snapshot, ids, clock = row
        # The fake's own dump, parsed here and held by nothing else: loaded as it is.
        accounts = _snapshot.restore(json.loads(snapshot), fake._store, fake._sections, own=True)
        fake._accounts.clear()
        fake._accounts.update(accounts)
        fake._ids._restore(json.loads(ids))
        fake.clock._restore(json.loads(clock))
    for kind, at, payload in db.execute("SELECT kind, at, payload FROM log ORDER BY seq"):
        entry = json.loads(payload)
        if kind == "api":
            request = AWSPreparedRequest(
                entry["method"],
                entry["url"],
                HeadersDict(entry["headers"]),
                base64.b64decode(entry["body"]),
                stream_output=False,
            )
            with fake.clock._pinned(at):
                fake._engine.answer(request)
            requests += 1
        elif kind == "settings":
            apply_settings(fake, entry)
        elif kind == "restart":
            forget_run(fake)
        elif kind == "control":
            if entry["path"] == _control.CLOCK_ADVANCE:
                # Moves the clock itself: applied as it was, not at a pinned instant.
                _control.apply(fake, entry["method"], entry["path"], entry["body"])
            else:
                with fake.clock._pinned(at):
                    _control.apply(fake, entry["method"], entry["path"], entry["body"])
            requests += 1
        else:
            raise ValueError(f"unknown log entry kind {kind!r}")
    return requests


# The options of a run that shape the state it makes (account and region: where unsigned-for
# buckets are; settings and quotas: what requests are allowed): given anew at every start,
# logged so that a replay answers each request under the options of its run, whether or not
# a compaction ran in between.
SETTINGS = (
    "require_onboarding",
    "onboarding_polls",
    "share_campaigns",
    "campaigns_per_instance",
    "v2_campaigns_per_instance",
    "v2_active_campaigns_per_instance",
    "account_id",
    "region",
)


def current_settings(fake: CampaignsFake) -> dict[str, Any]:
    """The fake's values of every SETTINGS name."""
    return {
        "require_onboarding": fake.settings.require_onboarding,
        "onboarding_polls": fake.settings.onboarding_polls,
        "share_campaigns": fake.settings.share_campaigns,
        "campaigns_per_instance": fake.quotas.campaigns_per_instance,
        "v2_campaigns_per_instance": fake.v2.quotas.campaigns_per_instance,
        "v2_active_campaigns_per_instance": fake.v2.quotas.active_campaigns_per_instance,
        "account_id": fake.account_id,
        "region": fake.region,
    }


def apply_settings(fake: CampaignsFake, values: Mapping[str, Any]) -> None:
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}")
    where = {name: values[name] for name in ("account_id", "region") if name in values}
    if where:
        # Checked as a new fake's options are.
        fake.options = fake.options.replace(**where)
    for name, value in values.items():
        if name in where:
            continue
        if name.startswith("v2_"):
            setattr(fake.v2.quotas, name[3:], value)
        elif name == "campaigns_per_instance":
            fake.quotas.campaigns_per_instance = value
        else:
            setattr(fake.settings, name, value)
