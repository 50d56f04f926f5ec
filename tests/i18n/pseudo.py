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

from riskreg.mail.secrets import withheld

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
        "UTC",
        "PAdES",
    }
)

# Where a stored email's secret goes ("[personal signing link — withheld]"): a fixed token the
# worker replaces with the real link or code as it sends (riskreg.mail.secrets), so it must stay
# the same in every language; no recipient reads it.
WITHHELD = re.escape(withheld("LABEL")).replace("LABEL", r"[^\[\]\n]+")
# Not words a person reads as English: markup shown as text (an email's HTML source in the
# outbox), URLs, email addresses, file names, anything holding a digit (document ids, amounts,
# dates as numbers, hashes, codes), single letters (L × I, 13 h 40) and withheld secrets.
NOT_WORDS = re.compile(
    rf"{WITHHELD}"
    r"|<[^<>]*>"
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
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def wrap(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}" if text else text


def django_msgid_files() -> list[Path]:
    """Django's own English catalogs and those of the third-party apps we install: their strings
    (form errors, admin, 2FA) are translated by their projects, not ours."""
    files = [Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po"]
    ours = {"clients", "recommendations", "riskreg"}
    for config in apps.get_app_configs():
        # An installed app's path may lie inside the project (a .venv in the checkout): ours are by name.
        if config.name.split(".")[0] not in ours:
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
    # HTML in the outbox, a JSON export, a setup key): data, checked where it is produced.
    HIDDEN = {"script", "style", "template", "pre", "code"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.hidden = 0
        # An element whose lang attribute names another language ("Français" in a language
        # switch, "Lire et signer en français") says so on purpose: not English left unmarked.
        # Its tag and how deep that tag nests inside it, until it closes.
        self.foreign: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        values = dict(attrs)
        other_language = not (values.get("lang") or "en").lower().startswith("en") and tag != "html"
        if tag not in VOID_TAGS and (other_language or self.foreign and tag == self.foreign[-1]):
            self.foreign.append(tag)
        if self.foreign or other_language:
            self.chunks.append(" ")
            return
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
        if self.foreign and tag == self.foreign[-1]:
            self.foreign.pop()

    def handle_data(self, data: str) -> None:
        if not self.hidden and not self.foreign:
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
    """What the test built: values a page may show as they are (names, titles, references), and
    passages: texts a page quotes as they are (the versioned legal texts) that a PDF wraps over
    lines, next to a column of labels, so a line shows a piece of one."""

    def __init__(self, phrases: Iterable[str], words: Iterable[str] = (), passages: Iterable[str] = ()) -> None:
        # A value of several lines may be shown line by line: each line is a phrase too.
        pieces = {piece.strip() for phrase in phrases if phrase for piece in [phrase, *phrase.splitlines()]}
        self.phrases = sorted((piece for piece in pieces if len(piece) > 1), key=len, reverse=True)
        self.words = {word.lower() for word in words} | {w.lower() for w in ALLOWED_WORDS}
        self.passages = [" ".join(passage.split()) for passage in passages if len(passage.split()) >= 3]
        # Whole words only, and on collapsed whitespace (data may be shown with its lines wrapped).
        alternatives = [_whole(r"\s+".join(map(re.escape, phrase.split())), phrase) for phrase in self.phrases]
        self.pattern = re.compile("|".join(alternatives)) if alternatives else None

    def remove(self, text: str) -> str:
        """The text with every phrase blanked out, its line breaks kept: a phrase may run over
        lines (a PDF wraps a paragraph), and what is left of each line is still that line."""
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda match: re.sub(r"\S", " ", match.group()), text)

    def allows(self, word: str) -> bool:
        return word.lower().strip("'’") in self.words

    def quotes(self, piece: str) -> bool:
        """Whether a piece of a line (a column's text) is a piece of a passage: three words or
        more of one, or its first or last words. Data words at its ends (a name the passage was
        built around, wrapped) may be left out of the passage."""
        words = piece.split()
        start, end = 0, len(words)
        while start < end and self.allows(_bare(words[start])):
            start += 1
        while end > start and self.allows(_bare(words[end - 1])):
            end -= 1
        candidates = {(0, len(words)), (start, len(words)), (0, end), (start, end)}
        return any(self._in_passage(words[first:last]) for first, last in candidates if first < last)

    def _in_passage(self, words: list[str]) -> bool:
        text = " ".join(words)
        return any(
            text in passage and (len(words) >= 3 or passage.startswith(text) or passage.endswith(text))
            for passage in self.passages
        )


def _whole(pattern: str, phrase: str) -> str:
    """A phrase's pattern matching whole words only: no word character may touch its ends."""
    before = r"(?<!\w)" if re.match(r"\w", phrase) else ""
    after = r"(?!\w)" if re.search(r"\w$", phrase) else ""
    return f"{before}(?:{pattern}){after}"


def _bare(word: str) -> str:
    """A word without the punctuation around it and its possessive: “Clinic's” -> Clinic."""
    return re.sub(r"['’]s$", "", word.strip(".,;:!?()[]“”«»\"'’"))


def findings(text: str, data: Data) -> list[str]:
    """Each line of unmarked English left once markers, data, passages and non-words are taken out."""
    found = []
    shown = unmarked(text)
    for line, left in zip(shown.splitlines(), data.remove(shown).splitlines(), strict=True):
        # Columns (and what is left around blanked data) are two spaces apart or more; a column's
        # text that quotes a passage, as shown or without its data, is blanked out too.
        for source in (line, left):
            for piece in re.finditer(r"\S+(?: \S+)*", source):
                if data.quotes(piece.group()):
                    left = left[: piece.start()] + " " * len(piece.group()) + left[piece.end() :]
        left = NOT_WORDS.sub(" ", left)
        if any(not data.allows(word) for word in WORD.findall(left) if ENGLISH_LETTERS.search(word)):
            found.append(" ".join(line.split()[:16]))
    return list(dict.fromkeys(found))


def use_pseudo_locale(settings, root: Path):
    """The pseudo catalog ahead of every other (settings: pytest-django's fixture); a context
    manager that renders in it."""
    from django.utils import translation

    settings.LOCALE_PATHS = [root, *settings.LOCALE_PATHS]
    return translation.override(PSEUDO)
