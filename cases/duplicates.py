"""Persons recorded twice: how alike two records are, and the reviewers' finder.

Read-only selectors. Names are compared by their key (`cases.names`), so that
김순옥 meets Kim Sun-ok; only what the admin shows is read: the pseudonym, sex,
year of birth and place of origin, never the identity vault. The merge itself is
`cases.merging.person_merge`.
"""

import dataclasses
import heapq
from difflib import SequenceMatcher

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from cases import names
from cases.access import admin_records
from cases.models import DistinctPersons, Person, Place, Sex

# Persons whose keys start alike are compared with each other.
STEM = 4
# The finder reads at most this many candidate persons (one query), by name key.
CANDIDATES = 500
# A name this alike (0 to 1) makes a pair with a matching year of birth or province.
NEAR = 0.75


def plain(name):
    """The name as typed, romanized, without case, spaces or punctuation."""
    return "".join(c for c in names.romanize(name or "").lower() if c.isalnum())


def numbers(name):
    return "".join(c for c in name or "" if c.isdigit())


def name_likeness(a, b):
    """How alike two pseudonyms are, 0 to 1, whatever their script: 1 when they
    are the same, 0.9 when they are spellings of one name (their keys are equal)."""
    if plain(a) and plain(a) == plain(b):
        return 1.0
    if numbers(a) != numbers(b):  # Witness 12 and Witness 13 are two pseudonyms
        return 0.0
    key_a, key_b = names.name_key(a), names.name_key(b)
    if key_a and key_a == key_b:
        return 0.9
    return max(
        SequenceMatcher(None, key_a, key_b).ratio() * 0.9,
        SequenceMatcher(None, plain(a), plain(b)).ratio() * 0.9,
    )


def province(place):
    """The province a place lies in, as far as its loaded parents tell; None above one."""
    while place is not None and place.level not in (Place.Level.PROVINCE, Place.Level.COUNTRY):
        place = place.parent
    return place if place is not None and place.level == Place.Level.PROVINCE else None


@dataclasses.dataclass
class Pair:
    """Two persons who may be one, the first the one to keep by default."""

    first: Person
    second: Person
    score: float
    reasons: list


def contradicted(a, b):
    """Whether what is recorded says they are two people: another sex, or years of
    birth too far apart (further still when one is approximate)."""
    known = (Sex.FEMALE, Sex.MALE)
    if a.sex in known and b.sex in known and a.sex != b.sex:
        return True
    if a.birth_year and b.birth_year:
        gap = abs(a.birth_year - b.birth_year)
        approximate = a.birth_year_is_approximate or b.birth_year_is_approximate
        return gap > (5 if approximate else 2)
    return False


def compare(a, b):
    """The pair, if the two may be one person: (score, reasons), else None."""
    if contradicted(a, b):
        return None
    likeness = name_likeness(a.pseudonym, b.pseudonym)
    reasons, score = [], likeness
    if likeness == 1.0:
        reasons.append(_("same pseudonym"))
    elif likeness >= 0.9:
        reasons.append(_("the same name in another spelling or script"))
    elif likeness >= NEAR:
        reasons.append(_("similar names"))
    else:
        return None
    near_in_age = bool(a.birth_year and b.birth_year and abs(a.birth_year - b.birth_year) <= 1)
    if near_in_age:
        same = a.birth_year == b.birth_year
        reasons.append(_("same year of birth") if same else _("born within a year"))
        score += 0.3 if same else 0.2
    if a.sex == b.sex and a.sex in (Sex.FEMALE, Sex.MALE):
        reasons.append(_("same sex"))
        score += 0.1
    same_origin = a.origin_place_id and a.origin_place_id == b.origin_place_id
    same_province = province(a.origin_place) and province(a.origin_place) == province(
        b.origin_place
    )
    if same_origin:
        reasons.append(_("same place of origin"))
        score += 0.3
    elif same_province:
        reasons.append(_("same province of origin"))
        score += 0.2
    if likeness < 0.9 and not (near_in_age or same_province or same_origin):
        return None
    return score, reasons


def kept_first(a, b):
    """The record to keep by default: the published one, else the older."""
    return sorted((a, b), key=lambda person: (person.status != "published", person.pk))


def candidates(user, *, name="", after=""):
    """Persons `user` may see who share a name key with another, or whose key
    starts like another's with a year of birth within one or the same place of
    origin: one query, at most CANDIDATES of them, by key, from the stem `after`
    on."""
    visible = admin_records(Person.objects.all(), user)
    shared = (
        visible.exclude(name_key="")
        .values("name_key")
        .annotate(persons=Count("pk"))
        .filter(persons__gt=1)
        .values("name_key")
    )
    near = (
        admin_records(Person.objects.all(), user)
        .exclude(pk=OuterRef("pk"))
        .filter(name_key__startswith=OuterRef("stem"))
        .filter(
            Q(
                birth_year__gte=OuterRef("birth_year") - 1,
                birth_year__lte=OuterRef("birth_year") + 1,
            )
            | Q(origin_place=OuterRef("origin_place"))
        )
    )
    persons = visible.exclude(name_key="").annotate(stem=Substr("name_key", 1, STEM))
    key = names.name_key(name)
    if key:
        persons = persons.filter(name_key__startswith=key[:STEM])
    if after:
        persons = persons.filter(name_key__gte=after)
    return (
        persons.filter(Q(name_key__in=shared) | Exists(near))
        .select_related("origin_place__parent__parent")
        .order_by("name_key", "pk")[:CANDIDATES]
    )


@dataclasses.dataclass
class Finding:
    """The pairs of one window of candidates, and the stem the next window starts
    at ("" when this one reached the end)."""

    pairs: list
    next_stem: str


def likely_duplicates(user, *, name="", after="", limit=100):
    """The pairs of persons most likely to be one, best first, with the reasons,
    among one window of at most CANDIDATES persons from the stem `after` on;
    never a pair a reviewer found to be two people (DistinctPersons). Two queries."""
    persons = list(candidates(user, name=name, after=after))
    next_stem = ""
    if len(persons) == CANDIDATES:
        # A full window may have cut its last stem short: that stem starts the next.
        last = persons[-1].name_key[:STEM]
        if persons[0].name_key[:STEM] != last:
            persons = [p for p in persons if p.name_key[:STEM] != last]
            next_stem = last
        else:  # one stem fills the window: go on after it
            next_stem = last[:-1] + chr(ord(last[-1]) + 1)
    groups = {}
    for person in persons:
        groups.setdefault(person.name_key[:STEM], []).append(person)
    found = []
    for group in groups.values():
        for index, a in enumerate(group):
            for b in group[index + 1 :]:
                compared = compare(a, b)
                if compared:
                    first, second = kept_first(a, b)
                    found.append(Pair(first, second, *compared))
    ids = [person.pk for person in persons]
    two = set(
        DistinctPersons.objects.filter(first__in=ids, second__in=ids).values_list("first", "second")
    )
    found = [pair for pair in found if tuple(sorted((pair.first.pk, pair.second.pk))) not in two]
    pairs = heapq.nsmallest(
        limit, found, key=lambda pair: (-pair.score, pair.first.code, pair.second.code)
    )
    return Finding(pairs, next_stem)
