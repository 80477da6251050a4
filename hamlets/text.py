"""Vietnamese text: storage normalisation, matching keys and search keys.

* ``clean`` is what we store: NFC, white space folded. Text typed with an
  input method that emits NFD (decomposed) characters is stored the same way
  as text typed with one that emits NFC.
* ``match_key`` is what names are compared by (workbooks.md, "Matching
  names"): ``clean`` + case folding + one canonical place for the tone mark,
  so the old and the new tone-mark placement (``Hoà`` / ``Hòa``,
  ``Thuỷ`` / ``Thủy``) give the same key.
* ``search_key`` drops every diacritic (``đ`` becomes ``d``): what users
  type in a search box without a Vietnamese keyboard.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Combining marks that carry a Vietnamese tone (as opposed to the vowel
# quality marks circumflex U+0302, breve U+0306 and horn U+031B).
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_SPACE = re.compile(r"\s+")
# Invisible characters that make two names look alike but compare unequal: zero-width
# space/joiners, direction marks and embeddings, word joiner and friends, BOM, soft hyphen.
# Control characters too (NUL, which PostgreSQL refuses in text, and the like), but not the white space
# among them (tab, line breaks), which is folded below.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
                        "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_ID = re.compile(r"^[0-9]{1,18}$")

# Administrative prefixes, longest first so "Thành phố" wins over shorter ones.
UNIT_PREFIXES = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã")


def clean(value: object) -> str:
    """NFC-normalised text without invisible characters, white space folded; what the database stores."""
    if value is None:
        return ""
    return _clean(value if isinstance(value, str) else str(value))


# The folding functions are pure and an import meets the same names thousands of times (units, kinds,
# chiefs of two terms): each remembers its last 65,536 texts (a few MB at most).
@functools.lru_cache(maxsize=1 << 16)
def _clean(value: str) -> str:
    return _SPACE.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFC", value))).strip()


@functools.lru_cache(maxsize=1 << 14)  # a name's words repeat far more than names do (Văn, Thị, Nguyễn...)
def _canonical_tone(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in TONE_MARKS]
    bare = "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    return unicodedata.normalize("NFC", bare) + "".join(tones)


def match_key(value: object) -> str:
    """Key for comparing names: NFC, spaces, case and tone placement folded."""
    return _match_key(clean(value))


@functools.lru_cache(maxsize=1 << 16)
def _match_key(text: str) -> str:
    text = text.casefold()
    return " ".join(_canonical_tone(word) for word in text.split(" ")) if text else ""


_PREFIX_KEYS = tuple((p, match_key(p) + " ") for p in UNIT_PREFIXES)
_PREFIX_WORDS = tuple((len(p.split(" ")), match_key(p)) for p in UNIT_PREFIXES)  # in the same order


def split_prefix(value: object) -> tuple[str, str]:
    """(prefix key, bare name key) of an administrative unit's name.

    ``split_prefix("Huyện Kỳ Anh")`` gives the keys of ``huyện`` and
    ``kỳ anh`` (``("huyện", ...)``); a name without a known prefix gives
    ``("", key)``.
    """
    key = match_key(value)
    for prefix, prefix_key in _PREFIX_KEYS:
        if key.startswith(prefix_key) and len(key) > len(prefix_key):
            return prefix, key[len(prefix_key):]
    return "", key


def bare_name(value: object) -> str:
    """The name without its administrative prefix, as written: ``Xã Thanh Lâm`` → ``Thanh Lâm``.

    The prefix is ``split_prefix``'s, found from the keys of the name's first words only (a key is made
    word by word, so a name's key starts with a prefix's key and a space exactly when its first words'
    key is the prefix's and more words follow): keying whole names cost an export of the country's
    namesakes a tenth of a second for a few thousand communes."""
    name = clean(value)
    words = name.split(" ")
    keys: dict[int, str] = {}  # the key of the first 1, 2... words
    for size, prefix_key in _PREFIX_WORDS:
        if len(words) > size:
            key = keys.get(size)
            if key is None:
                key = keys[size] = _match_key(" ".join(words[:size]))
            if key == prefix_key:
                return " ".join(words[size:])
    return name


# ``bare_name`` said in SQL (PostgreSQL) for a name written plainly: one of the prefixes as the official lists
# spell them (``Xã``, ``Thị trấn``) and a space, then visible characters of ASCII and the Latin blocks
# Vietnamese is written with (each its own NFC form, none combining with another), no two spaces running, no
# space at the end. Such a name is its own ``clean`` text, and its prefix is the one ``bare_name`` finds (no
# two prefixes share a first word but the two ``Thị``s, which differ in the second). Any other name (``xã``,
# two spaces, a decomposed letter...) gives NULL. String functions, not a regular expression with a capture,
# which cost PostgreSQL ~8 µs a name.
PREFIX_SPELLINGS = tuple(prefix[0].upper() + prefix[1:] for prefix in UNIT_PREFIXES)
PLAIN_CHARACTERS = "!-~ \u00c0-\u024f\u1e00-\u1eff"  # a regular expression's bracket, PostgreSQL's or Python's


def bare_name_sql(column: str) -> tuple[str, tuple[str, ...]]:
    """SQL (PostgreSQL) giving ``bare_name`` of the unit name in ``column`` where it is written plainly
    (``Xã Thanh Lâm`` gives ``Thanh Lâm``), NULL for any other (the caller then asks ``bare_name``)."""
    cuts = " ".join(f"WHEN starts_with({column}, %s) THEN substr({column}, {len(spelling) + 2})"
                    for spelling in PREFIX_SPELLINGS)
    plain = f"{column} !~ %s AND strpos({column}, '  ') = 0 AND {column} NOT LIKE '%% '"
    return (f"CASE WHEN {plain} THEN CASE {cuts} END END",
            (f"[^{PLAIN_CHARACTERS}]", *(spelling + " " for spelling in PREFIX_SPELLINGS)))


def search_key(value: object) -> str:
    """Lower-case text without any diacritic, for searches users type loosely."""
    return _search_key(clean(value))


@functools.lru_cache(maxsize=1 << 16)
def _search_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def whole_number(value: object) -> int | None:
    """A non-negative whole number typed in a URL or a form (``"12"``, `` 12 ``): ASCII digits only, at
    most 18 of them so that it fits every database's integer; None for anything else (``"²"``,
    ``"-1"``, ``"1e9"``, ``"9" * 30``), which ``str.isdigit`` would let through to ``int()`` or the
    database."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value < 10**18 else None
    raw = value.strip() if isinstance(value, str) else ""
    return int(raw) if _ID.match(raw) else None


_DIGIT_RUN = re.compile(r"[0-9]+")
SORT_DIGITS = 10  # numbers padded to this many digits: Khối 2 before Khối 10
SORT_KEY_LENGTH = 250


def sort_key(value: object) -> str:
    """What names are ordered by, in the database too (``NamedUnit.name_sort``): the search key (no case,
    no diacritics) with every number zero-padded, so that ``Khối 2`` comes before ``Khối 10`` and
    ``Xóm 9`` before ``Xóm 10`` in plain text order. Leading zeros are dropped first (``Khối 02`` =
    ``Khối 2``). Numbers of more than ``SORT_DIGITS`` digits (no hamlet has them) sort as text."""
    padded = _DIGIT_RUN.sub(lambda m: (m[0].lstrip("0") or "0").zfill(SORT_DIGITS), search_key(value))
    return padded[:SORT_KEY_LENGTH]


@functools.cache
def fold_table() -> tuple[str, str]:
    """(from, to): every precomposed letter whose ``search_key`` is one ASCII letter, upper and lower
    case, and the letter it folds to; for a database ``TRANSLATE`` that folds stored (NFC) names as
    ``search_key`` does (``Nguyễn`` → ``nguyen``)."""
    source, target = [], []
    for code in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        folded = search_key(char)
        if len(folded) == 1 and folded.isascii() and folded.isalpha() and folded != char:
            source.append(char)
            target.append(folded)
    return "".join(source), "".join(target)


_WORD = re.compile(r"[0-9a-z]+")


def search_words(value: object) -> list[str]:
    """The words of a search, as ``search_key`` folds them (ASCII letters and digits only, so that they
    are safe inside a database regular expression): ``Khối 5, Kim Sơn`` → ``["khoi", "5", "kim", "son"]``."""
    return _WORD.findall(search_key(value))


_KINH = frozenset({"kinh", "việt", "kinh (việt)"})
_ETHNIC_PREFIX = "dân tộc"


def is_minority(ethnicity: object) -> bool | None:
    """Whether an ethnicity names an ethnic minority (``domain.md`` item 8): None when blank; Kinh when,
    folded as names are and without a leading ``dân tộc``, it reads ``kinh``, ``việt`` or ``kinh (việt)``."""
    key, prefix = match_key(ethnicity), match_key(_ETHNIC_PREFIX)
    if key == prefix or key.startswith(prefix + " "):
        key = key[len(prefix):].strip()
    if not key:
        return None
    return key not in {match_key(k) for k in _KINH}
