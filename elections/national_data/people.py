"""Names, profiles and dates for generated data: plausible, deterministic, cheap.

A person's name is one of ``NAME_COUNT`` combinations (family, middle, given);
a hamlet walks its own permutation of them, so the names it uses are all
different (``PartyMember`` is unique per hamlet, folded name and birth year)
without remembering any. Keys (``match_key``, ``search_key``) are worked out
once per combination.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from functools import lru_cache

from hamlets import text

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Cao", "Đinh", "Lò", "Hà")
MOUNTAIN_FAMILY = ("Lò", "Vi", "Lương", "Lang", "Moong", "Vừ", "Xồng", "Lầu", "Kha", "Ngân", "Quàng", "Hà", "Nông",
                   "Triệu", "Sùng", "Giàng", "Hoàng", "Lục", "Ma", "Đinh")
MIDDLE = ("Văn", "Thị", "Đình", "Bá", "Xuân", "Minh", "Hữu", "Quang", "Ngọc", "Thanh", "Đức", "Kim")
GIVEN = ("An", "Bình", "Chung", "Cường", "Dũng", "Duyên", "Đức", "Giang", "Hà", "Hạnh", "Hải", "Hiền", "Hoa",
         "Hùng", "Hương", "Huy", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngân", "Nhung",
         "Phong", "Phúc", "Phương", "Quân", "Quyên", "Sơn", "Tâm", "Thảo", "Thắng", "Thu", "Thủy", "Tiến", "Trang",
         "Trung", "Tuấn", "Tùng", "Vân", "Việt", "Xuân", "Yến", "Pó", "Xía", "Sính", "Dình")
NAME_COUNT = len(FAMILY) * len(MIDDLE) * len(GIVEN)  # 12,000 > the most members a hamlet may have (9,999)
MINORITIES = ("Tày", "Thái", "Mường", "Hmông", "Nùng", "Dao", "Khmer", "Ê Đê", "Gia Rai", "Ba Na", "Sán Dìu", "Chăm")
RATINGS = (("excellent", 15), ("good", 50), ("completed", 30), ("not completed", 5))
# Each term's people hold fixed places among a hamlet's names, counted from its last name: the congress's
# secretary and deputy, the chief, a by-elected chief (members take the first names).
SLOTS = {"secretary": 0, "deputy": 1, "chief": 2, "by_election": 3}


def slot_name(term: int, who: str) -> int:
    """The index in a hamlet's ``NameWalk`` of ``who`` (``SLOTS``) of its ``term``-th term."""
    return NAME_COUNT - 1 - (4 * term + SLOTS[who])


@lru_cache(maxsize=2)
def names(mountain: bool) -> tuple[tuple[str, str, str], ...]:
    """Every combination as (name, match key, search key), family names of the mountains or the lowlands."""
    family = MOUNTAIN_FAMILY if mountain else FAMILY
    out = []
    for f in family:
        for m in MIDDLE:
            for g in GIVEN:
                name = text.clean(f"{f} {m} {g}")
                out.append((name, text.match_key(name), text.search_key(name)))
    return tuple(out)


@lru_cache(maxsize=4)
def minority_of(ethnicity: str) -> bool | None:
    return text.is_minority(ethnicity)


class NameWalk:
    """Distinct names for one hamlet: the ``i``-th name of a permutation of every combination."""

    def __init__(self, rng: random.Random, mountain: bool):
        self.table = names(mountain)
        self.offset = rng.randrange(NAME_COUNT)
        stride = rng.randrange(1, NAME_COUNT)
        while math.gcd(stride, NAME_COUNT) != 1:
            stride += 1
        self.stride = stride

    def __getitem__(self, i: int) -> tuple[str, str, str]:
        return self.table[(self.offset + i * self.stride) % NAME_COUNT]


def ethnicity(rng: random.Random, mountain: bool) -> str:
    if mountain and rng.random() < 0.7:
        return rng.choice(MINORITIES)
    return "Kinh" if rng.random() < 0.96 else rng.choice(MINORITIES)


def gender(rng: random.Random, female: float = 0.3) -> str:
    return "female" if rng.random() < female else "male"


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def rating(rng: random.Random) -> str:
    return rng.choices([r for r, _w in RATINGS], weights=[w for _r, w in RATINGS])[0]
