"""The starter catalog's client-facing texts in Canadian French, by control code.

The same four texts as recommendations.catalog (title, description, why_it_matters,
consequences), written for the same reader: a Quebec executive deciding whether to accept
or refuse. Installed into the Control table by migration beside the English ones.
"""

STARTER_CATALOG_FR: dict[str, dict[str, str]] = {}
