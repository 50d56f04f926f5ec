"""The REST API (`/api/v1/`): Django REST framework with drf-spectacular for the OpenAPI document.

Every read goes through a queryset limited to the clients the token's user may see (a vCIO's
token answers 404 for another vCIO's client); every write calls the same service as the staff
pages, so an API change writes the same audit events, rescores the same way and takes the same
locks. Lists page with opaque cursors and filter by `updated_since`; reads carry an ETag.
"""
