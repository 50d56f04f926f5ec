"""Cursor pagination: stable under inserts, the same queries whatever the page size."""

from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    # The primary key: unique and never changing, so a cursor never skips or repeats a row.
    ordering = "id"


class EventCursorPagination(ApiCursorPagination):
    ordering = "sequence"
