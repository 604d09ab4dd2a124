"""The API's request parsers: DRF's own, followed by the text normaliser's check (`core.text`), so
every endpoint refuses control characters with field-level errors before a serializer sees the data."""

from __future__ import annotations

from rest_framework import parsers

from chengguan.core.text import refuse_control_characters


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        refuse_control_characters(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        refuse_control_characters(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        refuse_control_characters(result.data)
        return result
