"""Every use of botocore that is not its public API, in one place.

The fake reaches into a few corners of botocore that no release promises to keep: a private
method of the event emitter, the token bucket's internals, the credentials a request signer
holds, a key of the signing context, the layout of a data file. Each is touched only here,
through a small named function, with a comment saying which corner and why.

``PRIVATE_CORNERS`` lists them all; ``tests/test_botocore_corners.py`` checks every entry against
the installed botocore, so a release that renames or reshapes one fails there, naming the
attribute, instead of somewhere deep in the suite (or, worse, in a user's test run).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable, cast

import botocore.awsrequest
import wrapt
from botocore.awsrequest import AWSResponse, HeadersDict
from botocore.context import get_context
from botocore.exceptions import ProfileNotFound
from botocore.hooks import HierarchicalEmitter
from botocore.retries.bucket import TokenBucket
from botocore.useragent import UserAgentString

#: A wrapt wrapper: ``(wrapped, instance, args, kwargs) -> result``.
Wrapper = Callable[[Callable[..., Any], Any, Any, Any], Any]


@dataclass(frozen=True)
class Corner:
    """One thing of botocore the package relies on that is not its public API."""

    #: Dotted path of the module or class that owns it.
    owner: str
    #: The attribute (or key, or data file) relied on.
    name: str
    #: ``method``: a class attribute, called with the ``parameters`` named here;
    #: ``attribute``: set on every instance (by ``__init__``), checked on one;
    #: ``behaviour``: not an attribute (a dictionary key, a data layout): checked by what it does.
    kind: str
    #: For a method: the names of its leading parameters, after ``self``, that the package
    #: passes or reads by name.
    parameters: tuple[str, ...] = ()
    #: Why the package needs it.
    why: str = ""
    #: Part of an optional package (aiobotocore): checked only where it is installed.
    optional: bool = False

    @property
    def path(self) -> str:
        return f"{self.owner}.{self.name}"


PRIVATE_CORNERS: tuple[Corner, ...] = (
    Corner(
        "botocore.hooks.HierarchicalEmitter",
        "_emit",
        "method",
        ("event_name", "kwargs"),
        "wrapped on the class while a fake is active: every client's emitter, whenever and "
        "wherever it was made, delivers its events through it (emit() and emit_until_response() "
        "both call it); the wrapper reads the event name and the handlers' kwargs by name",
    ),
    Corner(
        "botocore.client.BaseClient",
        "_make_api_call",
        "method",
        ("operation_name", "api_params"),
        "wrapped on the class while a run-wide feature observes calls (--campaigns-record, "
        "--campaigns-coverage): every client's API call, whatever answers it (the fake, a "
        "server, AWS), is seen once with its operation, parameters and outcome",
    ),
    Corner(
        "botocore.retries.bucket.TokenBucket",
        "acquire",
        "method",
        ("amount",),
        "public name on an undocumented class (adaptive retry mode): wrapped so that a faked "
        "request takes its tokens without blocking; the wrapper reads `amount` by name",
    ),
    Corner(
        "botocore.retries.bucket.TokenBucket",
        "_new_fill_rate_condition",
        "attribute",
        why="the condition (and lock) guarding the bucket's capacity, held while taking tokens",
    ),
    Corner(
        "botocore.retries.bucket.TokenBucket",
        "_refill",
        "method",
        why="brings the capacity up to date with the bucket's clock before tokens are taken",
    ),
    Corner(
        "botocore.retries.bucket.TokenBucket",
        "_current_capacity",
        "attribute",
        why="the tokens available, read and lowered when a faked request takes its share",
    ),
    Corner(
        "botocore.retries.bucket.TokenBucket",
        "_sleep_amount",
        "method",
        ("amount",),
        "the seconds acquire() would have blocked, recorded as a delay instead of slept",
    ),
    Corner(
        "botocore.signers.RequestSigner",
        "_credentials",
        "attribute",
        why="the credentials a client signs with (None without any): static keys sign as "
        "given, anything else is replaced by dummies without being read (reading refreshable "
        "credentials may call STS/SSO or fail on an expired login)",
    ),
    Corner(
        "botocore.model.Shape",
        "_shape_resolver",
        "attribute",
        why="the one ShapeResolver every shape of a ServiceModel shares: tells which model a "
        "shape belongs to, since shape names are unique only within one model "
        "(shape_model_identity)",
    ),
    Corner(
        "aiobotocore.hooks.AioHierarchicalEmitter",
        "_emit",
        "method",
        ("event_name", "kwargs"),
        "aiobotocore's emitter overrides _emit with a coroutine: wrapped on the class as "
        "botocore's is, so every async client's events reach the fake",
        optional=True,
    ),
    Corner(
        "aiobotocore.retries.bucket.AsyncTokenBucket",
        "acquire",
        "method",
        ("amount",),
        "aiobotocore's adaptive mode awaits it in before-send: wrapped on the class so that a "
        "faked request takes its tokens at once; the wrapper reads `amount` by name",
        optional=True,
    ),
    Corner(
        "aiobotocore.retries.bucket.AsyncTokenBucket",
        "_new_fill_rate_condition",
        "attribute",
        why="the asyncio (or anyio) condition guarding the bucket, held while taking tokens",
        optional=True,
    ),
    Corner(
        "aiobotocore.retries.bucket.AsyncTokenBucket",
        "_refill",
        "method",
        why="brings the capacity up to date before tokens are taken",
        optional=True,
    ),
    Corner(
        "aiobotocore.retries.bucket.AsyncTokenBucket",
        "_current_capacity",
        "attribute",
        why="the tokens available, read and lowered when a faked request takes its share",
        optional=True,
    ),
    Corner(
        "aiobotocore.retries.bucket.AsyncTokenBucket",
        "_sleep_amount",
        "method",
        ("amount",),
        "the seconds acquire() would have waited, recorded as a delay instead",
        optional=True,
    ),
    Corner(
        "aiobotocore.client.AioBaseClient",
        "_make_api_call",
        "method",
        ("operation_name", "api_params"),
        "aiobotocore's client overrides _make_api_call with a coroutine: wrapped on the class "
        "as botocore's is, for the run-wide features that observe calls",
        optional=True,
    ),
    Corner(
        "aiobotocore.awsrequest.AioAWSResponse",
        "(url, status_code, headers, raw) with raw.read() awaited",
        "behaviour",
        why="an async client's answer: aiobotocore reads the body by awaiting raw.read() "
        "(aio_http_response)",
        optional=True,
    ),
    Corner(
        "botocore.useragent.UserAgentString",
        "to_string",
        "method",
        why="public name on an undocumented class: a client of the fake's services gets its "
        "own memoized to_string while a fake is active (memoize_user_agent), since building "
        "the User-Agent header is a large part of what a call costs botocore",
    ),
    Corner(
        "botocore.useragent.UserAgentString",
        "rebuild_and_replace_user_agent_handler",
        "method",
        why="the request-created handler each client registers, bound to its own UserAgentString: "
        "how a request of the fake's services leads to the object that builds its User-Agent "
        "(memoize_user_agents_of)",
    ),
    Corner(
        "botocore.useragent.UserAgentString",
        "_client_config",
        "attribute",
        why="the client's Config, whose user-agent settings and retry mode feed the string: "
        "part of the memo's key",
    ),
    Corner(
        "botocore.useragent.UserAgentString",
        "_client_features",
        "attribute",
        why="the client's own feature ids, which the string lists: part of the memo's key",
    ),
    Corner(
        "botocore.config.Config",
        "_supplied_user_agent",
        "attribute",
        why="the user_agent a client's config was given (botocore sets it on the config a "
        "client is made with, and its to_string reads it): part of the memo's key",
    ),
    Corner(
        "botocore.context.ClientContext",
        "features",
        "attribute",
        why="the feature ids of the current call (a paginator, a waiter...), which the string "
        "lists: part of the memo's key (get_context().features)",
    ),
    Corner(
        "botocore.useragent.UserAgentString.to_string",
        "inputs",
        "behaviour",
        why="the string depends only on the client (its config and features) and the call's "
        "features (botocore.context): what the memo's key holds",
    ),
    Corner(
        "botocore.client.BaseClient",
        "request-created handlers",
        "behaviour",
        why="a client registers its UserAgentString's rebuild_and_replace_user_agent_handler "
        "on request-created.<service>, and the event's (handler, response) pairs name it: "
        "the memo reaches the client's own object, never the class",
    ),
    Corner(
        "botocore.awsrequest.AWSRequest",
        "context['signing']['region'|'signing_name']",
        "behaviour",
        why="the region and signing name botocore's endpoint rules chose for the request, read "
        "at before-sign to write the credential scope a signature would (signing_scope)",
    ),
    Corner(
        "botocore.exceptions.ProfileNotFound",
        "fmt",
        "behaviour",
        why="a BotoCoreError's message is its class's fmt formatted with the raise's keyword "
        "arguments: while the environment is isolated, ProfileNotFound's says why "
        "(explain_profile_not_found)",
    ),
    Corner(
        "botocore.awsrequest.AWSResponse",
        "raw.stream()",
        "behaviour",
        why="AWSResponse.content reads the body from raw.stream(): the fake's answers carry a "
        "stand-in raw with the bytes (http_response)",
    ),
    Corner(
        "botocore.awsrequest.HeadersDict",
        "_dict",
        "attribute",
        why="the dict behind a HeadersDict, keyed by _HeaderKey: an answer's few headers are "
        "put in it directly, with keys made once (http_response), rather than through "
        "__setitem__, three Python calls per header",
    ),
    Corner(
        "botocore.awsrequest",
        "_HeaderKey",
        "behaviour",
        why="the key of HeadersDict._dict (a header name, compared in lower case): a "
        "HeadersDict filled with such keys reads, iterates and changes as one filled through "
        "__setitem__ (http_response)",
    ),
    Corner(
        "botocore.loaders.Loader.load_data",
        "partitions['partitions'][*]['outputs'][dnsSuffix|dualStackDnsSuffix]",
        "behaviour",
        why="the DNS suffixes of AWS's partitions (the data file behind endpoint rulesets): "
        "tells an AWS host of the service from a custom endpoint",
    ),
)


# -- the event emitter ---------------------------------------------------------------------------
# botocore.hooks.HierarchicalEmitter._emit(self, event_name, kwargs, stop_on_response=False):
# the one method every emit goes through. aiobotocore's wrapper (wrapt-style) finds its arguments
# under these names when they are passed by keyword (botocore passes them positionally today);
# botocore's is replaced by a function that takes them under the same names.
EMIT_EVENT_NAME = "event_name"
EMIT_KWARGS = "kwargs"

_originals: dict[tuple[type, str], Any] = {}


def _wrap(cls: type, name: str, wrapper: Wrapper) -> None:
    # The class's own function (not an inherited or already-wrapped one) is kept to be put back.
    _originals.setdefault((cls, name), cls.__dict__[name])
    wrapt.wrap_function_wrapper(cls, name, wrapper)


def _unwrap(cls: type, name: str) -> None:
    original = _originals.pop((cls, name), None)
    if original is not None:
        setattr(cls, name, original)


#: What ``wrap_emitter`` routes an event through:
#: ``(emit, emitter, event_name, kwargs, stop_on_response) -> responses``, where
#: ``emit(emitter, event_name, kwargs, stop_on_response)`` is the original ``_emit``: it runs the
#: client's handlers and returns their (handler, response) pairs.
EmitWrapper = Callable[[Callable[..., Any], Any, str, Any, bool], Any]


def wrap_emitter(wrapper: EmitWrapper, prefixes: tuple[str, ...] = ("",)) -> None:
    """Route the botocore events whose names start with one of ``prefixes``, of every client,
    through ``wrapper``; every other event goes straight to ``_emit``. Again while wrapped:
    the new ones take over in one assignment (no event passes unwrapped meanwhile)."""
    # Touches the private botocore.hooks.HierarchicalEmitter._emit, on the class: clients copy
    # their session's emitter when created, so no public register() reaches them all. A plain
    # function, not a wrapt wrapper: every event of every client passes here, and the events of
    # other services must cost one string test, not a descriptor binding per call; the events
    # routed get _emit's own arguments, with no bound method or argument tuple made for them.
    original = _originals.setdefault((HierarchicalEmitter, "_emit"), HierarchicalEmitter._emit)

    def _emit(self: Any, event_name: str, kwargs: Any, stop_on_response: bool = False) -> Any:
        if not event_name.startswith(prefixes):
            return original(self, event_name, kwargs, stop_on_response)
        return wrapper(original, self, event_name, kwargs, stop_on_response)

    # As functools.wraps would: the wrapped function stays reachable (and recognisable).
    _emit.__wrapped__ = original  # type: ignore[attr-defined]
    HierarchicalEmitter._emit = _emit


def unwrap_emitter() -> None:
    """Put ``HierarchicalEmitter._emit`` back as it was before ``wrap_emitter``."""
    _unwrap(HierarchicalEmitter, "_emit")


# -- the API call of a client ----------------------------------------------------------------------


def wrap_make_api_call(wrapper: Wrapper) -> None:
    """Route every ``BaseClient._make_api_call(operation_name, api_params)`` through ``wrapper``."""
    # Private, but the one place where a call's operation, parameters and final outcome (after
    # botocore's retries) meet, for every client made anywhere: the events carry them apart.
    from botocore.client import BaseClient

    _wrap(BaseClient, "_make_api_call", wrapper)


def unwrap_make_api_call() -> None:
    from botocore.client import BaseClient

    _unwrap(BaseClient, "_make_api_call")


# -- the token bucket of the adaptive retry mode -------------------------------------------------


def wrap_token_bucket_acquire(wrapper: Wrapper) -> None:
    """Route every ``TokenBucket.acquire(amount=1, block=True)`` through ``wrapper``."""
    # TokenBucket is botocore's rate limiter for retry_mode="adaptive"; it blocks (sleeps)
    # inside before-send until it has tokens. Not documented; acquire() is wrapped on the class.
    _wrap(TokenBucket, "acquire", wrapper)


def unwrap_token_bucket_acquire() -> None:
    """Put ``TokenBucket.acquire`` back as it was before ``wrap_token_bucket_acquire``."""
    _unwrap(TokenBucket, "acquire")


def token_bucket_amount(args: Any, kwargs: Any) -> Any:
    """The ``amount`` argument of one ``TokenBucket.acquire`` call (1 when not given)."""
    return args[0] if args else kwargs.get("amount", 1)


def token_bucket_take(bucket: Any, amount: Any) -> float | None:
    """Take ``amount`` tokens from ``bucket`` at once, never blocking; return the seconds
    ``acquire`` would have blocked for them (None when the bucket had enough)."""
    # Touches TokenBucket._new_fill_rate_condition (its lock), _refill(), _current_capacity and
    # _sleep_amount(): what acquire() does, minus the wait, which is returned instead.
    delay = None
    with bucket._new_fill_rate_condition:
        bucket._refill()
        if amount > bucket._current_capacity:
            delay = float(bucket._sleep_amount(amount))
        bucket._current_capacity = max(0.0, bucket._current_capacity - amount)
    return delay


# -- the User-Agent string ----------------------------------------------------------------------
# Half of what botocore spends on a call is spent building the User-Agent header, twice (when the
# request is serialized, and again when it is created): some forty components, each sanitized a
# character at a time. Its value depends only on the client (its config and features) and on the
# features of the call, so while a fake is active each client builds it once per set of those.

# The UserAgentString objects given a memo (their own `to_string`), to be put back.
_memoized: weakref.WeakSet[Any] = weakref.WeakSet()
_REBUILD = UserAgentString.__dict__["rebuild_and_replace_user_agent_handler"]


def memoize_user_agents_of(responses: Iterable[tuple[Any, Any]]) -> None:
    """``request-created`` of a request the fake answers (``responses``: the event's
    (handler, response) pairs): the client's UserAgentString, whose handler botocore registers
    there, builds each distinct string once from now on. Other services' clients, and the class,
    are untouched."""
    # Touches BaseClient's request-created handler, UserAgentString's
    # rebuild_and_replace_user_agent_handler, bound to the client's own UserAgentString: the one
    # public way from a request of the service to the object that builds its User-Agent.
    for handler, _ in responses:
        if getattr(handler, "__func__", None) is _REBUILD:
            agent = handler.__self__
            if "to_string" not in agent.__dict__:
                memoize_user_agent(agent)


def memoize_user_agent(agent: Any) -> None:
    """Make one client's ``UserAgentString`` build each distinct string once: an instance
    attribute ``to_string``, removed by ``unmemoize_user_agents``."""
    # Touches botocore.useragent.UserAgentString (undocumented) and its private _client_config
    # and _client_features, and Config._supplied_user_agent: to_string() reads them, with the
    # call's features (botocore.context's ClientContext.features), and nothing else that can
    # change once a client exists (the session's and platform's parts are copied in when the
    # client is made).
    original = type(agent).to_string
    memo: dict[Any, Any] = {}

    def to_string() -> Any:
        config = agent._client_config
        context = get_context()
        key = (
            None if context is None else frozenset(context.features),
            None if not agent._client_features else frozenset(agent._client_features),
            None
            if config is None
            else (
                config,
                # Config._supplied_user_agent: set on a client's config by botocore (args.py)
                # where the release has it; botocore reads it with hasattr(), so does this.
                getattr(config, "_supplied_user_agent", None),
                config.user_agent,
                config.user_agent_extra,
                config.user_agent_appid,
                config.endpoint_discovery_enabled,
                None if not config.retries else config.retries.get("mode"),
            ),
        )
        try:
            return memo[key]
        except KeyError:
            built = memo[key] = original(agent)
            return built

    to_string.__wrapped__ = original  # type: ignore[attr-defined]
    agent.to_string = to_string
    _memoized.add(agent)


def unmemoize_user_agents() -> None:
    """Every memoized ``UserAgentString`` builds its string as botocore does again."""
    for agent in list(_memoized):
        agent.__dict__.pop("to_string", None)
    _memoized.clear()


# -- errors ----------------------------------------------------------------------------------------


def explain_profile_not_found(fmt: str) -> None:
    """Make ``ProfileNotFound``'s message ``fmt`` (with its ``{profile}`` field)."""
    # Touches botocore.exceptions.ProfileNotFound.fmt: a BotoCoreError's message is its class's
    # fmt formatted with the raise's keyword arguments (ProfileNotFound(profile=...)). The
    # exception is raised deep inside botocore's session, where no handler can add to it.
    _originals.setdefault((ProfileNotFound, "fmt"), ProfileNotFound.__dict__["fmt"])
    ProfileNotFound.fmt = fmt


def unexplain_profile_not_found() -> None:
    """Put ``ProfileNotFound.fmt`` back as it was before ``explain_profile_not_found``."""
    _unwrap(ProfileNotFound, "fmt")


# -- signing -------------------------------------------------------------------------------------


def signer_credentials(signer: Any) -> Any:
    """The credentials a ``RequestSigner`` signs with; None when the client has none."""
    # Touches the private botocore.signers.RequestSigner._credentials: no public accessor says
    # which credentials a client will sign with, short of resolving them (a network call for
    # refreshable ones).
    return getattr(signer, "_credentials", None)


def signing_scope(request: Any) -> tuple[str | None, str | None]:
    """The region and signing name botocore chose for ``request`` (None where it has none)."""
    # Touches the request context's "signing" dict, which botocore's endpoint resolution fills
    # (region, signing_name) for its signers: no public accessor gives a request's scope.
    signing = request.context.get("signing") or {}
    return signing.get("region"), signing.get("signing_name")


def shape_model_identity(shape: Any) -> int:
    """The same number for every shape of one ``ServiceModel``, another for another model."""
    # Touches the private botocore.model.Shape._shape_resolver: every shape of a ServiceModel is
    # resolved by that model's one ShapeResolver, and no public attribute names a shape's model.
    return id(shape._shape_resolver)


# -- responses -----------------------------------------------------------------------------------


class _Body:
    """The ``raw`` of an AWSResponse: botocore reads a body through ``raw.stream()`` (what a
    urllib3 response offers), which AWSResponse's ``content`` calls; no public API builds an
    AWSResponse from bytes."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterable[bytes]:
        # What content joins: the one chunk, with no generator made for it.
        return (self.data,)

    def read(self, *_: Any) -> bytes:
        return self.data


# The key type of HeadersDict._dict; None in a botocore without it, where answers take the
# public path (and tests/test_botocore_corners.py fails, naming it), rather than every import
# of the package failing.
_HEADER_KEY: Any = getattr(botocore.awsrequest, "_HeaderKey", None)


@cache
def _header_key(name: str) -> Any:
    """The HeadersDict key of a header name the fake answers with or reads (its few, fixed
    names), made once."""
    return _HEADER_KEY(name)


def http_response(url: str, status: int, headers: dict[str, str], body: bytes) -> AWSResponse:
    """A real AWSResponse carrying ``body``, which botocore's parser reads as AWS's."""
    if _HEADER_KEY is None:
        return AWSResponse(url, status, headers, _Body(body))
    response = AWSResponse(url, status, (), _Body(body))
    # Touches the private botocore.awsrequest.HeadersDict._dict and _HeaderKey: a HeadersDict
    # keeps its headers in a dict keyed by _HeaderKey (the name, compared in lower case), and
    # filling it through its public __setitem__ makes three Python calls per header. The keys
    # are made once and the dict filled directly: the same HeadersDict, read, iterated and
    # changed as one built header by header.
    stored = response.headers._dict
    key = _header_key
    for name, value in headers.items():
        stored[key(name)] = value
    return response


def header(headers: Mapping[str, Any], name: str) -> Any:
    """``headers.get(name)``: of a request's HeadersDict, read as its get() would, without the
    three Python calls get() makes per lookup (``name`` is one of the fake's few)."""
    # Touches HeadersDict._dict and _HeaderKey, as http_response does.
    if _HEADER_KEY is not None and type(headers) is HeadersDict:
        stored: dict[Any, Any] = cast(Any, headers)._dict
        return stored.get(_header_key(name))
    return headers.get(name)


# -- data files ----------------------------------------------------------------------------------


def aws_dns_suffixes() -> frozenset[str]:
    """The DNS suffixes of every AWS partition, standard and dual-stack."""
    # Touches the layout of botocore's data file "partitions" (partitions.json, behind the
    # endpoint rulesets): loaded with the public loader, but its shape is botocore's own.
    from botocore.loaders import create_loader

    outputs = [p["outputs"] for p in create_loader().load_data("partitions")["partitions"]]
    return frozenset(
        suffix
        for output in outputs
        for suffix in (output.get("dnsSuffix"), output.get("dualStackDnsSuffix"))
        if suffix
    )
