"""Each hamlet's facts per term, one row per stretch of days with one chief (``elections.facts``).

The figures count hamlets over their record in force, their chief in office
on a date, their cell's congress and their units of both lists; joining the
five tables those live in cost the whole country's figures five to eight
times a scan of one flat table (issue 11). A ``HamletFact`` row holds them
all for one hamlet, one term and one stretch of days ``valid_from <= D <
valid_until`` (None: open) during which one election's chief (or none, before
the first) is in office; the date-dependent parts (is the chief a member on
D, was the congress held by D) are dates compared at query time. The rows are
derived, never edited: ``facts.refresh`` rebuilds a hamlet's rows in the
transaction of every write that can change them, and ``facts.stale`` proves
them equal to a recount from scratch.
"""

from __future__ import annotations

from django.db import models

from hamlets.bounds import NAME_LENGTH
from hamlets.text import SORT_KEY_LENGTH

UNITS = ["commune", "district", "province", "new_commune", "new_province"]


class HamletFact(models.Model):
    # Plain columns, not foreign keys: the rows are rebuilt wholesale and a hamlet's are deleted with
    # it (``facts``); no constraint to check on every write of the national data.
    hamlet_id = models.IntegerField()
    term_id = models.IntegerField()
    valid_from = models.DateField(null=True)  # the chief's election day; None: before any election
    valid_until = models.DateField(null=True)  # the next election's day; None: to the end
    has_chief = models.BooleanField()
    chief_role = models.CharField(max_length=20, blank=True)  # the chief's role in the cell (PartyRole)
    chief_member_since = models.DateField(null=True)  # a member on D when this is on or before D
    cell = models.BooleanField()  # the record in force says the hamlet has a Party cell
    congress_on = models.DateField(null=True)  # the cell's congress of the term (None: not held)
    members = models.IntegerField()
    special = models.BooleanField()
    p01 = models.BooleanField()
    # the hamlet's units of both lists (None: not in that list)
    commune = models.IntegerField(null=True)
    district = models.IntegerField(null=True)
    province = models.IntegerField(null=True)
    new_commune = models.IntegerField(null=True)
    new_province = models.IntegerField(null=True)
    # the hamlet list's orders (``hamlet_paging``): its name's sort key and its units' codes, so that a page
    # of the whole country is read off an index instead of sorting 100,000 joined rows
    name_sort = models.CharField(max_length=SORT_KEY_LENGTH, default="")
    district_code = models.IntegerField(null=True)
    commune_code = models.IntegerField(null=True)
    new_commune_code = models.IntegerField(null=True)
    # the people figures' facts (``people_figures``): the stretch's chief's profile and key (the plan and the
    # evaluation are found by it), and the secretary of the cell's congress of the term (None: no congress)
    chief_birth_year = models.PositiveSmallIntegerField(null=True)
    chief_gender = models.CharField(max_length=10, blank=True)
    chief_minority = models.BooleanField(null=True)
    chief_key = models.CharField(max_length=2 * NAME_LENGTH, blank=True)
    secretary_named = models.BooleanField(null=True)
    secretary_gender = models.CharField(max_length=10, blank=True)
    secretary_minority = models.BooleanField(null=True)

    class Meta:
        # a hamlet's rows (refresh; figures of hamlets chosen otherwise than by unit), and the units a
        # scope names (``facts.scope_sql``: a province of either list, a district, a 2025 commune)
        indexes = [
            models.Index(fields=["hamlet_id", "term_id"], name="fact_hamlet_term"),
            models.Index(fields=["term_id", "province"], name="fact_term_province"),
            models.Index(fields=["term_id", "district"], name="fact_term_district"),
            models.Index(fields=["term_id", "new_province"], name="fact_term_new_province"),
            models.Index(fields=["term_id", "new_commune"], name="fact_term_new_commune"),
            # the hamlet list in its default orders, a row per counted hamlet (the stretch before any
            # election), the scope's unit columns carried so that a scoped page needs no table read
            models.Index(fields=["term_id", "new_commune_code", "name_sort", "commune_code", "hamlet_id"],
                         name="fact_list_2025", condition=models.Q(valid_from__isnull=True), include=UNITS),
            models.Index(fields=["term_id", "district_code", "commune_code", "name_sort", "hamlet_id"],
                         name="fact_list_earlier", condition=models.Q(valid_from__isnull=True), include=UNITS),
            # the weekly progress of the country: each hamlet's first election and its congress by day, read
            # in order off narrow entries (and the list's count of the country, off the first)
            models.Index(fields=["term_id", "valid_until"], name="fact_first_election",
                         condition=models.Q(valid_from__isnull=True)),
            models.Index(fields=["term_id", "congress_on"], name="fact_first_congress",
                         condition=models.Q(valid_from__isnull=True, cell=True)),
        ]

    def __str__(self) -> str:
        return f"hamlet {self.hamlet_id}, term {self.term_id}, {self.valid_from}..{self.valid_until}"
