"""Template filters for writing text around names that may carry their own punctuation."""

from django import template

register = template.Library()

SENTENCE_ENDINGS = (".", "!", "?", "…")


@register.filter
def sentence_end(name: object) -> str:
    """A name that ends a sentence, with its full stop unless it brings one ("Your MSP Ltd.")."""
    text = str(name).rstrip()
    return text if text.endswith(SENTENCE_ENDINGS) else f"{text}."
