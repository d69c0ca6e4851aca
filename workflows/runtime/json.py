"""JSON columns that keep Chinese as UTF-8 instead of \\u escapes (SQLite stores the text as is)."""

from django.core.serializers.json import DjangoJSONEncoder


class Utf8JSONEncoder(DjangoJSONEncoder):
    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)
