"""Answering the requests of every botocore client of the served services while a fake is
active.

Each client has its own event emitter, copied from its session when it was created, so a
handler registered on a session misses clients created earlier or elsewhere. Instead, while a
fake is active, the emitter class itself is wrapped: every client, whenever and on whatever
thread it was made, delivers the events of the services the fake's engine serves to the active
fake, and every other event passes through untouched. When the last fake deactivates, the class
is restored. Which events, which signing name and which hosts are read from the served models'
metadata (``serviceId``, ``signingName``, ``endpointPrefix``) and botocore's endpoint data
(``engine/_endpoints.py``): nothing here names a service.

aiobotocore's emitter overrides ``_emit`` with a coroutine; it is wrapped the same way, so
async clients are answered as sync ones are.

Five events are handled, for the served services only:

* ``choose-signer``: a request the fake answers needs no SigV4 signature (its HMACs are a
  quarter of botocore's work per call): the fake chooses UNSIGNED, unless the client or the
  operation meant the request to be unsigned, which then gets AWS's 403;
* ``before-sign``: such a request gets an ``Authorization`` header that names the access key
  and region a signature would (they pick the fake's account and region), without computing
  one; a client with no credentials, or with credentials botocore would first have to fetch or
  refresh (SSO, assume-role, web identity: a network call, or an error for an expired login),
  names the dummy key; user ``before-sign`` handlers still run;
* ``before-send``: the fake answers with an HTTP response, so nothing reaches the network; a
  request to AWS's own host in a region where AWS does not offer the service fails as it would
  there, with ``EndpointConnectionError`` (unless the fake has ``any_region``);
* ``needs-retry``: the backoff botocore asks for is recorded, and not slept; the fake's running
  clock moves on by it, as the service's would while the client slept;
* ``request-created``: the client's own User-Agent builder is memoized (once per client): the
  header costs a fraction of botocore's work per call. Clients of other services, and botocore's
  classes, keep botocore's own code.

While the outermost fake is active, the environment also points botocore at dummy credentials and
the fake's region, so that no credential helper runs (``isolate_environment``).

Whatever this needs of botocore beyond its public API (the emitter's ``_emit``, the token
bucket's internals, a signer's credentials, ...) it reaches through ``_botocore`` only.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import time
import warnings
import weakref
from contextvars import ContextVar
from functools import cache, lru_cache
from typing import Any, Callable, Protocol
from urllib.parse import urlsplit

from botocore import UNSIGNED
from botocore.credentials import Credentials, RefreshableCredentials
from botocore.exceptions import EndpointConnectionError

from ..botocore_corners import _aiobotocore, _botocore
from ..engine import _endpoints
from ..engine._clock import Clock
from ..engine._engine import Engine, user_stacklevel
from ..engine._model import Model


class _Options(Protocol):
    @property
    def region(self) -> str: ...
    @property
    def any_region(self) -> bool: ...
    @property
    def isolate_environment(self) -> bool: ...


class ActiveFake(Protocol):
    """What interception reads of a fake it answers for: its engine, its clock, three of its
    options. The fake (``CampaignsFake``) is a room above this one: named here, not imported."""

    @property
    def _engine(self) -> Engine: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def options(self) -> _Options: ...


DUMMY_ACCESS_KEY = "AKIAFAKECAMPAIGNS000"
DUMMY_CREDENTIALS = Credentials(DUMMY_ACCESS_KEY, "fake-secret-key-for-tests")
# The services whose events are handled: the models the active fakes' engines serve, by the
# name botocore's events carry (``before-send.<name>.<Operation>``), and the prefixes of those
# events. Changed only under _lock, when a fake activates or deactivates.
_served: dict[str, Model] = {}
_prefixes: tuple[str, ...] = ()
# Marks a request whose SigV4 signature the fake skipped (in the request's context).
_SKIPPED = "pytest-campaigns-fake:unsigned"

_lock = threading.RLock()
_active: list[ActiveFake] = []
_sending = threading.local()
_warned: weakref.WeakSet[ActiveFake] = weakref.WeakSet()
_saved_env: dict[str, str | None] = {}
# Variables that would lead botocore to a credential helper or to another identity.
REMOVED_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
)


def current() -> ActiveFake | None:
    """The fake that answers requests now: the most recently activated one."""
    try:
        return _active[-1]
    except IndexError:  # no fake, or the last one stopped on another thread meanwhile
        return None


def activate(fake: ActiveFake) -> None:
    with _lock:
        if fake in _active:
            raise RuntimeError(f"{fake!r} is already active")
        _active.append(fake)
        changed = _serve(_active)
        if len(_active) == 1:
            _install(fake)
        elif changed:
            _botocore.wrap_emitter(_emit, _prefixes)


def deactivate(fake: ActiveFake) -> None:
    with _lock:
        if fake not in _active:
            return
        _active.remove(fake)
        if not _active:
            _uninstall()
        if _serve(_active) and _active:
            _botocore.wrap_emitter(_emit, _prefixes)


def _serve(fakes: list[ActiveFake]) -> bool:
    """Handle the events of every service the active fakes serve (the first fake that serves
    a model names it); whether that changed what is handled."""
    global _served, _prefixes
    served: dict[str, Model] = {}
    for fake in fakes:
        for each in fake._engine.served:
            model = each.description.model
            served.setdefault(_endpoints.event_service(model), model)
    if served == _served:
        return False
    # Rebound, never changed in place: a request on another thread reads one or the other.
    _served = served
    _prefixes = tuple(f"{kind}.{name}." for name in served for kind in _KINDS)
    # The caches below read _served and _prefixes.
    _kind.cache_clear()
    _unreachable_host_region.cache_clear()
    return True


def _emit(
    emit: Callable[..., Any],
    emitter: Any,
    event_name: str,
    event_kwargs: dict[str, Any],
    stop_on_response: bool,
) -> Any:
    # Only the fake's five events reach here (wrap_emitter tests the name): every other event
    # of every client costs one string test.
    kind = _kind(event_name)
    fake = current()
    if kind is None or fake is None:
        return emit(emitter, event_name, event_kwargs, stop_on_response)
    if kind == _SEND_EVENT:
        _sending.active = True
        try:
            responses: list[tuple[Any, Any]] = emit(
                emitter, event_name, event_kwargs, stop_on_response
            )
        finally:
            _sending.active = False
        return _answer(fake, event_name, event_kwargs, responses, aio=False)
    if kind == _SIGN_EVENT:
        _stamp(event_name, event_kwargs)
        return emit(emitter, event_name, event_kwargs, stop_on_response)
    responses = emit(emitter, event_name, event_kwargs, stop_on_response)
    if kind == _CHOOSE_EVENT:
        return _skip_signing(event_kwargs, responses)
    if kind == _CREATED_EVENT:
        _created(emitter, responses)
        return responses
    return _retry(fake, responses)


# The emitters (one per client) whose request-created handlers were looked at: a client's
# handlers are those it was made with, so each is looked at once while a fake is active.
_seen_emitters: weakref.WeakSet[Any] = weakref.WeakSet()


def _created(emitter: Any, responses: list[tuple[Any, Any]]) -> None:
    """request-created of a request the fake answers: the client's User-Agent is memoized (its
    own object; other services' clients keep botocore's code)."""
    if emitter not in _seen_emitters:
        _seen_emitters.add(emitter)
        _botocore.memoize_user_agents_of(responses)


async def _aemit(wrapped: Callable[..., Any], instance: Any, args: Any, kwargs: Any) -> Any:
    # aiobotocore's emitter: the same events, the same answers, awaited.
    event_name = args[0] if args else kwargs[_botocore.EMIT_EVENT_NAME]
    kind = _kind(event_name)
    fake = current() if kind is not None else None
    if fake is None:
        return await wrapped(*args, **kwargs)
    event_kwargs = args[1] if len(args) > 1 else kwargs[_botocore.EMIT_KWARGS]
    if kind == _CHOOSE_EVENT:
        return _skip_signing(event_kwargs, await wrapped(*args, **kwargs))
    if kind == _SIGN_EVENT:
        _stamp(event_name, event_kwargs)
        return await wrapped(*args, **kwargs)
    if kind == _CREATED_EVENT:
        responses = await wrapped(*args, **kwargs)
        _created(instance, responses)
        return responses
    if kind == _SEND_EVENT:
        sending = _async_sending.set(True)
        try:
            responses = await wrapped(*args, **kwargs)
        finally:
            _async_sending.reset(sending)
        return _answer(fake, event_name, event_kwargs, responses, aio=True)
    return _retry(fake, await wrapped(*args, **kwargs))


# The fake's events, by the first word of botocore's event names.
_CHOOSE_EVENT, _SIGN_EVENT, _SEND_EVENT = "choose-signer", "before-sign", "before-send"
_CREATED_EVENT, _RETRY_EVENT = "request-created", "needs-retry"
_KINDS = (_CHOOSE_EVENT, _SIGN_EVENT, _SEND_EVENT, _RETRY_EVENT, _CREATED_EVENT)


# A client sends the same few event names again and again, so each is tested against the
# prefixes once (bounded: event names carry operation names of every service in the process).
@lru_cache(maxsize=1024)
def _kind(event_name: str) -> str | None:
    """The event's first word if it is one of the fake's events (of a served service), else
    None."""
    return event_name.partition(".")[0] if event_name.startswith(_prefixes) else None


def _answer(
    fake: ActiveFake,
    event_name: str,
    event_kwargs: dict[str, Any],
    responses: list[tuple[Any, Any]],
    *,
    aio: bool,
) -> list[tuple[Any, Any]]:
    """before-send: the engine's answer appended to the handlers' responses."""
    # A before-send handler of the user's own (a canned response) keeps precedence.
    for handler, response in responses:
        if response is not None:
            _warn_bypassed(fake, event_name, handler)
            return responses
    request = event_kwargs["request"]
    if not fake.options.any_region:
        url = request.url
        # A URL without a scheme names no host (as urlsplit reads it).
        region = (
            _unreachable_host_region(event_name, url.split("/", 3)[2]) if "://" in url else None
        )
        if region is not None:
            # No such host at AWS: the request never reaches a service, nor the journal.
            # botocore's endpoint turns this into its connection-error retries, then raises it.
            raise _RegionNotOffered(
                endpoint_url=url, region=region, service=_model_of(event_name).service.service_name
            )
    answer = fake._engine.answer
    response = answer(request)
    return [*responses, (answer, _aiobotocore.aio_http_response(response) if aio else response)]


def _retry(fake: ActiveFake, responses: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """needs-retry: the backoff asked for is recorded, and 0 is what the client sleeps."""
    for _, response in responses:
        if response is not None:
            return [(h, _recorded_delay(fake, r)) for h, r in responses]
    return responses  # no handler asked for a retry: botocore's answer to nearly every call


class _RegionNotOffered(EndpointConnectionError):  # type: ignore[misc]
    """What a client gets from a host AWS does not have: the error type botocore raises."""

    fmt = (
        'Could not connect to the endpoint URL: "{endpoint_url}" (pytest-campaigns-fake: AWS '
        "does not offer {service} in {region}; any_region=True answers every region)"
    )


def _model_of(event_name: str) -> Model:
    """The served model whose client emitted ``event_name`` (one of the fake's events)."""
    return _served[event_name.split(".", 2)[1]]


# A client sends the same few events to the same few hosts again and again, so each pair is
# looked at once: the region of the host when it is AWS's host of the event's service in a
# region AWS does not offer it in; None for an offered region or any other host.
@cache
def _unreachable_host_region(event_name: str, host: str) -> str | None:
    return _endpoints.unoffered(_model_of(event_name), urlsplit(f"https://{host}/").hostname or "")


class FakeBypassedWarning(UserWarning):
    """Another before-send handler answered a request of a served service the fake never
    saw."""


def _warn_bypassed(fake: ActiveFake, event_name: str, handler: Any) -> None:
    # Once per fake: a test that stubs on purpose gets one line, not one per call; the usual
    # cause is moto's mock_aws, active at the same time and answering first.
    if fake in _warned:
        return
    _warned.add(fake)
    warnings.warn(
        f"{handler_name(handler)} answered {event_name.split('.', 1)[1]} before "
        "pytest-campaigns-fake: the fake did not see this request and its journal does not "
        "record it (is moto's mock_aws active too?)",
        FakeBypassedWarning,
        stacklevel=user_stacklevel(),
    )


def handler_name(handler: Any) -> str:
    """An event handler as a reader finds it: ``module.Class.method``, ``module.function``
    (a partial's function, a callable object's class), and where it is defined when known."""
    target = handler
    while isinstance(target, functools.partial):
        target = target.func
    function = getattr(target, "__func__", target)  # a bound method's function
    qualname = getattr(function, "__qualname__", None)
    module = getattr(function, "__module__", None)
    if not isinstance(qualname, str):  # a callable object: its class names it
        qualname, module = type(target).__qualname__, type(target).__module__
    name = ".".join(p for p in (module, qualname.replace("<locals>.", "")) if p)
    code = getattr(function, "__code__", None)
    if code is not None:
        name += f" ({code.co_filename}:{code.co_firstlineno})"
    return name


def _recorded_delay(fake: ActiveFake, response: Any) -> Any:
    if isinstance(response, (int, float)) and not isinstance(response, bool):
        _spare(fake, float(response))
        return 0
    return response


def _spare(fake: ActiveFake, seconds: float) -> None:
    """A wait botocore asked for, recorded instead of slept; the fake's clock (running) moves
    on by it, so the retry meets the service as it would after the wait (a rate limit has
    refilled)."""
    fake._engine.record_delay(seconds)
    fake.clock._waited(seconds)


def _skip_signing(
    event_kwargs: dict[str, Any], responses: list[tuple[Any, Any]]
) -> list[tuple[Any, Any]]:
    """choose-signer: a request the fake answers needs no SigV4 signature, whose HMACs cost a
    quarter of botocore's own work per call. The fake answers UNSIGNED, last, so that it is
    what botocore uses; a request meant to be unsigned (the client's or the operation's
    choice) stays unsigned and gets AWS's 403."""
    # The last handler's choice is botocore's; none chose: the client's configured version.
    version = event_kwargs.get("signature_version")
    for _, chosen in reversed(responses):
        if chosen is not None:
            version = chosen
            break
    # A presigned URL or POST (a "-query" or "-presign-post" signer) is the user's to keep.
    if version is UNSIGNED or str(version).endswith(("-query", "-presign-post")):
        return responses
    context = event_kwargs.get("context")
    if context is not None:
        context[_SKIPPED] = True
    return [*responses, (_skip_signing, UNSIGNED)]


def _stamp(event_name: str, event_kwargs: dict[str, Any]) -> None:
    """before-sign of a request the fake skipped signing: the ``Authorization`` header names
    the access key and region a signature would (they pick the account and region the fake
    acts in), with no HMAC computed. The client's user handlers still run after it.

    Static keys name themselves; a client with no credentials, or credentials botocore would
    first have to fetch or refresh (SSO, assume-role, web identity: a network call, or an error
    for an expired login), names the dummy key: reading those is never needed."""
    request = event_kwargs.get("request")
    if request is None or not request.context.get(_SKIPPED):
        return
    signer = event_kwargs.get("request_signer")
    credentials = _botocore.signer_credentials(signer) if signer is not None else None
    key = DUMMY_ACCESS_KEY
    if credentials is not None and not isinstance(credentials, RefreshableCredentials):
        key = credentials.access_key
    scoped_region, scoped_name = _botocore.signing_scope(request)
    region = scoped_region or event_kwargs.get("region_name") or "us-east-1"
    name = scoped_name or _endpoints.signing_name(_model_of(event_name))
    day = _scope_date(int(time.time() // _DAY))
    request.headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={key}/{day}/{region}/{name}/aws4_request, "
        "SignedHeaders=host, Signature=unsigned-pytest-campaigns-fake"
    )


_DAY = 24 * 60 * 60


@lru_cache(maxsize=1)
def _scope_date(day: int) -> str:
    """The UTC date (YYYYMMDD) of a day since the epoch: formatted once a day, not per call."""
    return time.strftime("%Y%m%d", time.gmtime(day * _DAY))


def _acquire(wrapped: Callable[..., Any], instance: Any, args: Any, kwargs: Any) -> Any:
    # botocore's adaptive mode blocks in before-send while its token bucket refills; a faked
    # request answers at once, so the wait it would have made is recorded, not slept.
    fake = current()
    if fake is None or not getattr(_sending, "active", False):
        return wrapped(*args, **kwargs)
    delay = _botocore.token_bucket_take(instance, _botocore.token_bucket_amount(args, kwargs))
    if delay is not None:
        _spare(fake, delay)
    return True


# Set while an async client's before-send handlers run for a request the fake answers: the
# task's own (a context variable), so a coroutine of another service interleaved on the same
# event loop keeps aiobotocore's own token bucket.
_async_sending: ContextVar[bool] = ContextVar("pytest_campaigns_fake_async_sending", default=False)


async def _aacquire(wrapped: Callable[..., Any], instance: Any, args: Any, kwargs: Any) -> Any:
    # aiobotocore's adaptive mode awaits its token bucket in before-send: a faked request takes
    # its tokens at once, and the wait is recorded, not slept, as for botocore's bucket.
    fake = current()
    if fake is None or not _async_sending.get():
        return await wrapped(*args, **kwargs)
    amount = _botocore.token_bucket_amount(args, kwargs)
    delay = await _aiobotocore.aio_token_bucket_take(instance, amount)
    if delay is not None:
        _spare(fake, delay)
    return True


def _install(fake: ActiveFake) -> None:
    _botocore.wrap_emitter(_emit, _prefixes)
    _aiobotocore.wrap_aio_emitter(_aemit)
    _botocore.wrap_token_bucket_acquire(_acquire)
    _aiobotocore.wrap_aio_token_bucket_acquire(_aacquire)
    # boto3's default session (boto3.client() makes it once and keeps it) is the user's:
    # put back when the last fake stops, so that a client made afterwards reads the user's
    # environment again, not the fake's dummies (nor a config file it could not read).
    boto3: Any = sys.modules.get("boto3")
    _saved_default_session[:] = [getattr(boto3, "DEFAULT_SESSION", None)]
    if fake.options.isolate_environment:
        _isolate_environment(fake.options.region)
        if boto3 is not None:
            # One made before the fake read the user's configuration: not used inside it.
            boto3.DEFAULT_SESSION = None
        _botocore.explain_profile_not_found(_PROFILE_NOT_FOUND)


def _uninstall() -> None:
    _botocore.unwrap_emitter()
    _aiobotocore.unwrap_aio_emitter()
    _botocore.unwrap_token_bucket_acquire()
    _aiobotocore.unwrap_aio_token_bucket_acquire()
    _botocore.unmemoize_user_agents()
    _seen_emitters.clear()
    _botocore.unexplain_profile_not_found()
    for name, value in _saved_env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    _saved_env.clear()
    boto3: Any = sys.modules.get("boto3")
    if boto3 is not None and _saved_default_session:
        boto3.DEFAULT_SESSION = _saved_default_session[0]
    _saved_default_session.clear()


# What boto3.DEFAULT_SESSION was when the outermost fake started (None: none yet).
_saved_default_session: list[Any] = []

# A ProfileNotFound raised while the environment is isolated: the profile may well exist, in
# files the fake hid.
_PROFILE_NOT_FOUND = (
    "The config profile ({profile}) could not be found: while a pytest-campaigns-fake fake is "
    "active, the environment is isolated (AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point "
    "at an empty file, AWS_PROFILE is unset), so no profile exists. To use your profiles inside "
    "the fake, turn the isolation off: isolate_environment=False (CampaignsFake, "
    "mock_campaigns, or @pytest.mark.campaigns_fake(isolate_environment=False))"
)


def _isolate_environment(region: str) -> None:
    """Dummy credentials and ``region`` for every client made while the fake is active.

    With static keys in the environment, botocore's credential chain stops there: no
    credential_process, SSO token, assume-role or web identity call, no instance metadata
    lookup; with no config or credentials file, no profile setting applies (its region,
    retries, endpoints) either, so every machine behaves the same. Every variable touched is
    saved, absent ones included, and restored by ``_uninstall``.
    """
    values = {
        "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": DUMMY_CREDENTIALS.secret_key,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    for name in (*values, *REMOVED_VARIABLES):
        _saved_env[name] = os.environ.get(name)
    for name in REMOVED_VARIABLES:
        os.environ.pop(name, None)
    os.environ.update(values)
