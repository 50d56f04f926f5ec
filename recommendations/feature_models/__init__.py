"""The models of the feature packages (signing, documents, re-acknowledgment, relationship,
briefing), imported by recommendations/models.py, which is where the app's models are imported from.

They live here rather than in their features because every feature reads recommendations.models:
a model inside a feature package would make that import reach up into the feature, against the
layers contract in pyproject.toml. These modules import no feature and refer to each other's
models by their "app.Model" names.
"""
