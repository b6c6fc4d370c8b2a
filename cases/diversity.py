"""l-diversity of the published persons (issue 18, docs/publication-policy.md).

k-anonymity (cases/reidentification.py) hides which of k published persons a
record is about; it does not hide what all k have in common. If every published
person sharing a combination of quasi-identifiers is known as the victim of the
same violations, whoever knows someone's combination knows what was done to them
(the "homogeneity" attack), without telling the k apart.

A public person's sensitive value is the set of violation categories (the
taxonomy's top level: V04.01 counts as V04) of the public acts of which they are
the victim. A group's l is the number of different sets among its persons
(distinct l-diversity, as pyCANON's `l_diversity` measures it); each group needs
at least l = settings.REIDENTIFICATION_L. A group whose persons all have no public
act reveals no violation and is not a finding. The check only runs with the
k-anonymity check (k > 1): with k = 1 every group is one person.
"""

from collections import defaultdict

from django.conf import settings
from django.utils.translation import gettext as _

from cases import reidentification
from cases.models import Person, Violation, ViolationType

NONE = frozenset()


def l_required():
    return settings.REIDENTIFICATION_L


def is_on():
    return reidentification.k_required() > 1 and l_required() > 1


def category(code):
    return code.split(".", 1)[0]


def sensitive_values(persons, *, extra_act=None):
    """{person pk: frozenset of the categories of the public acts they are the victim of},
    for these persons (a queryset), with `extra_act` counted as public."""
    values = defaultdict(set)
    acts = Violation.objects.public().filter(victim__in=persons.values("pk"))
    for victim, code in acts.values_list("victim", "violation_type__code"):
        values[victim].add(category(code))
    if extra_act is not None and extra_act.victim_id:
        values[extra_act.victim_id].add(category(extra_act.violation_type.code))
    return {pk: frozenset(values[pk]) for pk in persons.values_list("pk", flat=True)}


def _reveals(sets, l_value):
    """Whether these persons' sets of categories are too few (and not all empty)."""
    distinct = set(sets)
    return len(distinct) < l_value and distinct != {NONE}


def describe_sets(sets):
    """ "Detention; Detention, Torture" in the active language."""
    types = ViolationType.objects.filter(code__in=set().union(*sets))
    names = {violation_type.code: str(violation_type.name) for violation_type in types}

    def one(categories):
        if not categories:
            return _("no published violation")
        return ", ".join(names.get(code, code) for code in sorted(categories))

    return "; ".join(one(categories) for categories in sorted(sets, key=sorted))


def groups_below_l(l_value=None):
    """Groups of public persons with fewer than l different sets of violation categories:
    [(combination, [codes], {set of categories})], by the first code."""
    l_value = l_required() if l_value is None else l_value
    everyone = Person.objects.public()
    values = sensitive_values(everyone)
    members = defaultdict(list)
    for pk, code, combination in reidentification.combinations():
        members[tuple(combination.items())].append((code, values[pk]))
    found = []
    for combination, persons in members.items():
        sets = [categories for _code, categories in persons]
        if _reveals(sets, l_value):
            found.append((dict(combination), [code for code, _ in persons], set(sets)))
    return sorted(found, key=lambda group: group[1][0])


def measured_l():
    """The smallest number of different sets of categories in a group (None: no one public)."""
    values = sensitive_values(Person.objects.public())
    sets = defaultdict(set)
    for pk, _code, combination in reidentification.combinations():
        sets[tuple(combination.items())].add(values[pk])
    return min((len(found) for found in sets.values()), default=None)


def publication_problems(record):
    """Why publishing this record would make a group of persons all known for the same
    violations; empty if it would not. Groups smaller than k are the k check's matter."""
    if not is_on():
        return []
    persons, crossing = reidentification.persons_shown(record)
    extra_act = record if isinstance(record, Violation) else None
    problems = []
    for person in persons:
        if not reidentification.public_afterwards(person, record):
            continue
        after = reidentification.combination_of(person, extra_crossing=crossing)
        group = Person._base_manager.filter(
            pk__in=[*reidentification.sharing(after).values_list("pk", flat=True), person.pk]
        )
        sets = list(sensitive_values(group, extra_act=extra_act).values())
        if len(sets) < reidentification.k_required() or not _reveals(sets, l_required()):
            continue
        found = set(sets)
        if len(found) == 1:
            message = _(
                "Re-identification risk: all %(count)s published persons sharing %(values)s "
                "would be known as victims of the same violations (%(sets)s): whoever knows "
                "one of them by these details would learn what was done to them. At least "
                "%(l)s different sets of violations are required in a group."
            )
        else:
            message = _(
                "Re-identification risk: the %(count)s published persons sharing %(values)s "
                "would have only %(found)s different sets of violations between them "
                "(%(sets)s); at least %(l)s are required in a group."
            )
        problems.append(
            message
            % {
                "count": len(sets),
                "values": reidentification.describe(after),
                "found": len(found),
                "sets": describe_sets(found),
                "l": l_required(),
            }
        )
    return problems
