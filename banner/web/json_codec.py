"""The app's JSON: orjson behind Flask's JSON provider, so every answer is encoded the same way.

``jsonify``, ``request.get_json`` and the API's own answers all go through here. orjson encodes a
decision document in a few microseconds where the standard library takes tens, on every consent
and decision answer. The output is what Flask's provider gives with ``compact`` and unsorted
keys, except that text outside ASCII is written as UTF-8 rather than ``\\uXXXX`` escapes (the same
JSON). Values orjson does not know, and dates and dataclasses, go to Flask's own conversions, so
they come out as they did.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.sansio.response import Response

OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dump_bytes(document: Any) -> bytes:
    """``document`` as compact JSON bytes followed by a newline, as ``jsonify`` sends it."""
    return orjson.dumps(document, default=DefaultJSONProvider.default, option=OPTIONS | orjson.OPT_APPEND_NEWLINE)


class OrjsonProvider(DefaultJSONProvider):
    """Flask's provider with orjson doing the work; ``sort_keys`` and indenting still honoured."""

    sort_keys = False
    compact = True

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs.get("indent") is not None or kwargs.get("sort_keys", self.sort_keys):
            return super().dumps(obj, **kwargs)
        return orjson.dumps(obj, default=self.default, option=OPTIONS).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        if self.sort_keys:
            return super().response(*args, **kwargs)
        document = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(dump_bytes(document), mimetype=self.mimetype)  # type: ignore[arg-type]


def init_app(app: Flask) -> None:
    app.json = OrjsonProvider(app)
