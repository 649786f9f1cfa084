"""Django's Redis cache, made safe to lose (docs/performance.md, "Redis").

``DAMHA_CACHE=redis://host:port/db`` (or ``rediss://``) puts the roll-up cache
(indicators/datacache.py) and the /verify/ rate-limit counters in one Redis shared by
every gunicorn worker and server. A cache must never be the reason a page fails, so this
backend turns every Redis error (server down, refused, timed out, out of memory) into
"not cached": ``get`` gives the default, ``set`` does nothing, and so on. The page is
then computed — never stale, because the roll-up cache's keys carry the data versions.

After an error it leaves Redis alone for ``BACKOFF`` seconds (a dead server would
otherwise cost a connection timeout per request) and logs one warning per back-off.
Sockets time out quickly (``socket_connect_timeout`` 0.25 s, ``socket_timeout`` 0.5 s
unless OPTIONS say otherwise).

``FALLBACK`` (OPTIONS): the name of a per-process in-memory cache used while Redis is
away instead of nothing — for the rate-limit counters, which must keep counting (per
worker, as before Redis) rather than let every request through or refuse them all.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

SOCKET_TIMEOUTS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}


def _default(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


def _no_counter(args, kwargs):
    raise ValueError(f"Key {args[0]!r} not found (Redis unavailable).")


# What each operation gives while Redis is away and there is no fallback.
_DEGRADED = {
    "get": _default,
    "get_many": lambda args, kwargs: {},
    "has_key": lambda args, kwargs: False,
    "add": lambda args, kwargs: False,
    "set": lambda args, kwargs: None,
    "set_many": lambda args, kwargs: [],
    "touch": lambda args, kwargs: False,
    "delete": lambda args, kwargs: False,
    "delete_many": lambda args, kwargs: None,
    "incr": _no_counter,
    "clear": lambda args, kwargs: None,
}


class ResilientRedisCache(RedisCache):
    """RedisCache whose failures are cache misses (see the module's docstring)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.backoff = float(options.pop("BACKOFF", 5))
        fallback = options.pop("FALLBACK", None)
        for name, seconds in SOCKET_TIMEOUTS.items():
            options.setdefault(name, seconds)
        super().__init__(server, {**params, "OPTIONS": options})
        self.fallback = LocMemCache(fallback, {"TIMEOUT": params.get("TIMEOUT", 300)}) if fallback else None
        self.down_until = 0.0

    def available(self):
        return time.monotonic() >= self.down_until

    def _failed(self, operation, error):
        self.down_until = time.monotonic() + self.backoff
        logger.warning(
            "Redis cache unavailable (%s: %s); computing without it for %g s.", operation, error, self.backoff
        )

    def _degraded(self, operation, args, kwargs):
        if self.fallback is not None:
            return getattr(self.fallback, operation)(*args, **kwargs)
        return _DEGRADED[operation](args, kwargs)


def _guarded(operation):
    redis_operation = getattr(RedisCache, operation)

    def method(self, *args, **kwargs):
        if self.available():
            try:
                return redis_operation(self, *args, **kwargs)
            except RedisError as error:
                self._failed(operation, error)
        return self._degraded(operation, args, kwargs)

    method.__name__ = operation
    method.__doc__ = f"RedisCache.{operation}, or its degraded answer while Redis is away."
    return method


for _operation in _DEGRADED:
    setattr(ResilientRedisCache, _operation, _guarded(_operation))
