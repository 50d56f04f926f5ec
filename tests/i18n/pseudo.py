"""The pseudo locale: every msgid we (and Django) mark for translation, "translated" to itself
wrapped in ⟦…⟧, compiled at test time into a throwaway LOCALE_PATHS folder as English's own
translation. Every code path that speaks English (the default, and any contact, staff member or
snapshot whose language is English) then shows the markers, and no code has to know a made-up
language code.

Rendered under it, a marked string reads ⟦Save⟧; a string nobody marked reads Save. `findings`
lists every run of English letters outside the markers that is not data (names, titles, codes the
test built, or the short list of product names in ALLOWED_WORDS).
"""

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
from django.apps import apps
from django.conf import settings

PSEUDO = "en"
OPEN, CLOSE = "⟦", "⟧"
CATALOG = Path(settings.BASE_DIR) / "riskreg" / "locale" / "fr_CA" / "LC_MESSAGES" / "django.po"

# Words that are the same in every language: the product, its acronyms and the file formats it
# names. Everything else a page shows in English is either marked for translation or data.
ALLOWED_WORDS = frozenset(
    {
        "RiskReg",
        "vCIO",
        "vCIOs",
        "MSP",
        "MFA",
        "EDR",
        "CSV",
        "API",
        "PDF",
        "JSON",
        "HTTPS",
        "URL",
        "SHA",
        "CASL",
        "NIST",
        "CSF",
        "CIS",
        "RFC",
        "TOTP",
        "OpenAPI",
        "Microsoft",
        "Google",
        "DocuSeal",
    }
)

# Not words a person reads as English: markup shown as text (an email's HTML source in the
# outbox), URLs, email addresses, file names, anything holding a digit (document ids, amounts,
# dates as numbers, hashes, codes), and single letters (L × I, 13 h 40).
NOT_WORDS = re.compile(
    r"<[^<>]*>"
    r"|https?://\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w-]+\.(?:json|pdf|csv|png|txt|html)\b"
    r"|\b[\w./:-]*\d[\w./:-]*\b"
    r"|(?<![^\W\d_])[A-Za-z](?![^\W\d_]|['’])"
)
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")  # letters, with their apostrophes: client’s, Côté
ENGLISH_LETTERS = re.compile("[A-Za-z]")
# Attributes a person reads (or a screen reader speaks).
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "aria-placeholder"}
BUTTON_INPUTS = {"submit", "button", "reset"}


def wrap(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}" if text else text


def django_msgid_files() -> list[Path]:
    """Django's own English catalogs and those of the third-party apps we install: their strings
    (form errors, admin, 2FA) are translated by their projects, not ours."""
    files = [Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po"]
    for config in apps.get_app_configs():
        if not Path(config.path).is_relative_to(settings.BASE_DIR):
            files += sorted(Path(config.path).glob("locale/en/LC_MESSAGES/django.po"))
    return [path for path in files if path.exists()]


def pseudo_catalog(sources: Iterable[Path]) -> polib.POFile:
    catalog = polib.POFile()
    catalog.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": PSEUDO,
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    seen: set[tuple[str | None, str]] = set()
    for source in sources:
        for entry in polib.pofile(str(source)):
            key = (entry.msgctxt, entry.msgid)
            if not entry.msgid or entry.obsolete or key in seen:
                continue
            seen.add(key)
            pseudo = polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid, flags=[])
            if entry.msgid_plural:
                pseudo.msgid_plural = entry.msgid_plural
                pseudo.msgstr_plural = {0: wrap(entry.msgid), 1: wrap(entry.msgid_plural)}
            else:
                pseudo.msgstr = wrap(entry.msgid)
            catalog.append(pseudo)
    return catalog


def build_pseudo_locale(root: Path, *, extra_po: Iterable[Path] = ()) -> Path:
    """root/en/LC_MESSAGES/django.mo from our catalog's msgids and Django's; returns root."""
    folder = root / PSEUDO / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    catalog = pseudo_catalog([CATALOG, *extra_po, *django_msgid_files()])
    catalog.save(str(folder / "django.po"))
    catalog.save_as_mofile(str(folder / "django.mo"))
    return root


class _VisibleText(HTMLParser):
    """Text nodes outside script/style, plus what attributes say to a reader."""

    # Scripts and styles are code; <pre> and <code> show sources and exports verbatim (an email's
    # HTML in the outbox, a JSON export): data, checked where it is produced.
    HIDDEN = {"script", "style", "template", "pre", "code"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        values = dict(attrs)
        said = [value for name, value in attrs if name in READ_ATTRIBUTES and value]
        if tag == "input" and (values.get("type") or "").lower() in BUTTON_INPUTS and values.get("value"):
            said.append(values["value"])
        # Attribute values stand alone: a block of their own, never glued to the text around.
        self.chunks += [f"\n{value}\n" for value in said]
        if tag in {"br", "p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "option", "button", "label"}:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.chunks.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return "".join(parser.chunks)


def unmarked(text: str) -> str:
    """The text outside ⟦…⟧ (nested markers count: a translation may hold a translated value)."""
    depth, kept = 0, []
    for char in text:
        if char == OPEN:
            depth += 1
            kept.append(" ")
        elif char == CLOSE and depth:
            depth -= 1
            kept.append(" ")
        elif depth == 0:
            kept.append(char)
    return "".join(kept)


class Data:
    """What the test built: values a page may show as they are (names, titles, references)."""

    def __init__(self, phrases: Iterable[str], words: Iterable[str] = ()) -> None:
        # A value of several lines may be shown line by line: each line is a phrase too.
        pieces = {piece.strip() for phrase in phrases if phrase for piece in [phrase, *phrase.splitlines()]}
        self.phrases = sorted((piece for piece in pieces if len(piece) > 1), key=len, reverse=True)
        self.words = {word.lower() for word in words} | {w.lower() for w in ALLOWED_WORDS}
        # Whole words only, and on collapsed whitespace (data may be shown with its lines wrapped).
        alternatives = [r"\s+".join(map(re.escape, phrase.split())) for phrase in self.phrases]
        self.pattern = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)") if alternatives else None

    def remove(self, text: str) -> str:
        return self.pattern.sub(" ", text) if self.pattern else text

    def allows(self, word: str) -> bool:
        return word.lower().strip("'’") in self.words


def findings(text: str, data: Data) -> list[str]:
    """Each line of unmarked English left once markers, data and non-words are taken out."""
    found = []
    for line in unmarked(text).splitlines():
        left = NOT_WORDS.sub(" ", data.remove(line))
        if any(not data.allows(word) for word in WORD.findall(left) if ENGLISH_LETTERS.search(word)):
            found.append(" ".join(line.split()[:16]))
    return list(dict.fromkeys(found))


def use_pseudo_locale(settings, root: Path):
    """The pseudo catalog ahead of every other (settings: pytest-django's fixture); a context
    manager that renders in it."""
    from django.utils import translation

    settings.LOCALE_PATHS = [root, *settings.LOCALE_PATHS]
    return translation.override(PSEUDO)
