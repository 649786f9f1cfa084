"""Log lines that can be read by a person and by a machine, and tied to one request.

- :class:`RequestIdMiddleware` (damha/middleware.py) gives every request an id (the
  ``X-Request-ID`` our proxy sent, when it looks like one, else a new one), answers it in the
  ``X-Request-ID`` header and keeps it in a context variable for the request's duration;
- :class:`RequestIdFilter` puts it on every record (``%(request_id)s``, "-" outside a request);
- :class:`JsonFormatter` writes one JSON object per line, traceback included (production's
  default: ``DJANGO_LOG_FORMAT=json``), so a newline in a message can never start a line.
"""

import contextvars
import json
import logging
import re
import uuid

request_id = contextvars.ContextVar("damha_request_id", default="-")

_INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def new_request_id(incoming=""):
    """The proxy's id when it is a plain token, else a new random one."""
    if incoming and _INCOMING_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id.get()),
            "message": record.getMessage(),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
