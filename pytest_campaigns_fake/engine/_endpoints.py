"""How clients reach a served service: its hosts at AWS, the regions AWS offers it in, the
names its clients sign and emit events with.

Everything here is read from the model's metadata (``endpointPrefix``, ``signingName``,
``serviceId``) and botocore's endpoint data, for whatever model the engine serves: nothing
names a service.
"""

from __future__ import annotations

import re
from functools import cache

from ..botocore_corners._botocore import aws_dns_suffixes
from ._model import Model


def event_service(model: Model) -> str:
    """The name botocore's events of the service's clients carry: ``before-send.<this>.Op``
    (the hyphenized service id; a model without one, as a test may build, its service name)."""
    service = model.service
    if service.metadata.get("serviceId"):
        hyphenized: str = service.service_id.hyphenize()
        return hyphenized
    name: str = service.service_name
    return name


def signing_name(model: Model) -> str:
    """The service name a SigV4 credential scope of its requests names."""
    metadata = model.service.metadata
    return str(metadata.get("signingName") or endpoint_prefix(model))


def endpoint_prefix(model: Model) -> str:
    """The first label(s) of the service's hosts at AWS (``<prefix>.<region>.<dns suffix>``)."""
    metadata = model.service.metadata
    return str(metadata.get("endpointPrefix") or model.service.service_name)


@cache
def offered_regions(service: str) -> tuple[str, ...]:
    """Every region where botocore's endpoint data says AWS offers ``service`` (a botocore
    service name), in every partition; empty when the data lists no region for it."""
    import botocore.session

    session = botocore.session.Session()
    return tuple(
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions(service, partition_name=partition)
    )


def unoffered(model: Model, hostname: str) -> str | None:
    """The region of ``hostname`` when it is AWS's host of the model's service in a region
    AWS does not offer it in; None for an offered region or any other host (a custom
    endpoint). A service botocore's endpoint data lists no region for is refused nowhere: the
    data cannot tell where AWS offers it."""
    region = aws_host_region(model, hostname)
    offered = offered_regions(model.service.service_name)
    return region if region is not None and offered and region not in offered else None


def aws_host_region(model: Model, hostname: str) -> str | None:
    """The region of ``hostname`` when it is AWS's host of the model's service (standard,
    FIPS or dual-stack, in any partition); None for any other host (a custom endpoint)."""
    found = _aws_host(endpoint_prefix(model)).fullmatch(hostname)
    if found is None or found.group(2) not in _dns_suffixes():
        return None
    return found.group(1)


@cache
def _aws_host(prefix: str) -> re.Pattern[str]:
    # The partitions' host templates, {service}.{region}.{dnsSuffix} and the FIPS variant's
    # {service}-fips.{region}.{dnsSuffix}; group 1 the region, group 2 the DNS suffix (which
    # only the partitions' data can tell from a custom endpoint's).
    return re.compile(re.escape(prefix) + r"(?:-fips)?\.([a-z0-9-]+)\.([a-z0-9.-]+)")


@cache
def _dns_suffixes() -> frozenset[str]:
    return aws_dns_suffixes()
