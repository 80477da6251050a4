import unicodedata

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
