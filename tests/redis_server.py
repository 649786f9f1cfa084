"""A private, throwaway Redis server for the cache tests (Debian's ``redis-server``).

The cache tests run once with the default cache and once with Redis when a
``redis-server`` binary is installed (CI installs it: Makefile ``system-deps``) or when
DAMHA_TEST_REDIS=1 asks for it (then a missing binary is an error, not a skip). Each
server listens on a Unix socket in a temporary directory only, keeps nothing on disk,
and is stopped by the fixture that started it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis

BINARY = shutil.which("redis-server")
WANTED = os.environ.get("DAMHA_TEST_REDIS") == "1"
CACHE_BACKENDS = ["default", "redis"] if BINARY or WANTED else ["default"]


class RedisServer:
    def __init__(self):
        if BINARY is None:
            raise RuntimeError("DAMHA_TEST_REDIS=1 but no redis-server on PATH (apt-get install redis-server)")
        self.directory = Path(tempfile.mkdtemp(prefix="damha-redis-"))
        self.socket = self.directory / "redis.sock"
        self.process = None

    @property
    def url(self):
        return f"unix://{self.socket}?db=0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [
                BINARY,
                "--port", "0",
                "--unixsocket", str(self.socket),
                "--unixsocketperm", "700",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(unix_socket_path=str(self.socket)).ping()
                return self
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.02)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def close(self):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def client(self):
        return redis.Redis(unix_socket_path=str(self.socket))

    def flush(self):
        self.client().flushdb()

    def caches(self, **options):
        """CACHES for this server, as damha/settings.py writes them for DAMHA_CACHE=redis://…"""
        backend = "indicators.cache.ResilientRedisCache"
        return {
            "default": {"BACKEND": backend, "LOCATION": self.url, "KEY_PREFIX": "damha", "OPTIONS": dict(options)},
            "ratelimit": {
                "BACKEND": backend,
                "LOCATION": self.url,
                "KEY_PREFIX": "damha-ratelimit",
                "OPTIONS": {"FALLBACK": "damha-ratelimit-test", **options},
            },
        }

    def use(self, settings, **options):
        """Point the ``settings`` fixture's caches at this server, emptied."""
        self.flush()
        settings.CACHES = self.caches(**options)
