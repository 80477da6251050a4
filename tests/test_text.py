import unicodedata

import pytest

from hamlets import text


def test_clean_stores_nfc_and_folds_spaces():
    nfd = unicodedata.normalize("NFD", "  Xóm   Nghĩa\tHòa ")
    assert text.clean(nfd) == "Xóm Nghĩa Hòa"
    assert unicodedata.is_normalized("NFC", text.clean(nfd))
    assert text.clean(None) == ""


def test_match_key_folds_case_and_old_new_tone_placement():
    assert text.match_key("Thị xã Thái Hoà") == text.match_key("thị xã thái hòa")
    assert text.match_key("Thuỷ") == text.match_key("Thủy")
    assert text.match_key(unicodedata.normalize("NFD", "Nghệ An")) == text.match_key("NGHỆ AN")
    # tones and vowel marks still distinguish names
    assert text.match_key("Nghi Lâm") != text.match_key("Nghi Lam")
    assert text.match_key("Hòa") != text.match_key("Hóa")


def test_split_prefix():
    assert text.split_prefix("Huyện Kỳ Anh") == ("huyện", text.match_key("Kỳ Anh"))
    assert text.split_prefix("Thị xã Kỳ Anh") == ("thị xã", text.match_key("Kỳ Anh"))
    assert text.split_prefix("Thành phố Vinh")[0] == "thành phố"
    assert text.split_prefix("Kỳ Anh") == ("", text.match_key("Kỳ Anh"))
    assert text.split_prefix("Xã") == ("", text.match_key("xã"))  # a prefix alone is a name


def test_search_key_drops_every_diacritic():
    assert text.search_key("Đô Lương") == "do luong"
    assert text.search_key(unicodedata.normalize("NFD", "Quỳnh Lưu")) == "quynh luu"


@pytest.mark.parametrize("invisible", ["\u200b", "\u200d", "\u2060", "\u200e", "\u202e", "\ufeff", "\u00ad"])
def test_invisible_characters_are_removed_before_storing_and_matching(invisible):
    name = f"Xóm{invisible} 1"
    assert text.clean(name) == "Xóm 1"
    assert text.match_key(f"X{invisible}óm 1") == text.match_key("Xóm 1")
    assert text.search_key(f"{invisible}Xóm 1") == "xom 1"


def test_an_invisible_character_does_not_make_a_second_hamlet(db):
    from django.db import IntegrityError, transaction

    from tests.factories import HamletFactory

    first = HamletFactory(name="Xóm 1")
    with pytest.raises(IntegrityError), transaction.atomic():
        HamletFactory(name="Xóm\u200b 1", commune=first.commune)


BARE_NAMES = ["Xã Thanh Lâm", "XÃ  Thanh  Lâm", "xa\u0303 Thanh Lâm", "Xã", "Xã ", "Thành phố Huế", "thành  phố\tHuế",
              "Thành phố", "Thành Phố Hồ Chí Minh", "Thị trấn Bến", "Thi\u0323 xa\u0303 Kỳ Anh", "Thị xã", "Phường 1",
              "Đặc khu Phú Quốc", "Huyện Kỳ Anh", "Quận 1", "Tỉnh Nam Định", "Xã\u200b Ba", "\u00a0Xã An", "Xã\u00a0An",
              "Thuỷ Xuân", "Phố Huế", "Thành Huế", "Thị Trấn", "Xóm 1", "", "  ", "ThÀnh PHỐ A B", "Xãx Lâm"]


@pytest.mark.parametrize("name", BARE_NAMES)
def test_bare_name_drops_the_prefix_split_prefix_finds(name):
    """``bare_name`` keys the first words only, and drops exactly the prefix that keying the whole name finds."""
    cleaned = text.clean(name)
    prefix, _bare = text.split_prefix(cleaned)
    expected = " ".join(cleaned.split(" ")[len(prefix.split(" ")):]) if prefix else cleaned
    assert text.bare_name(name) == expected


def test_bare_name_examples():
    assert [text.bare_name(n) for n in ("Thành phố Huế", "thị  xã Kỳ Anh", "Xã", "Phố Huế", "Thị Trấn")] == [
        "Huế", "Kỳ Anh", "Xã", "Phố Huế", "Thị Trấn"]
