"""Whom a claim counts, in words, from its SDG 16.1.2 categories: "civilians", "women", "girls", "journalists",
"members of armed forces (female)", "all deaths (any status)". Written once: pages, feeds, the change log and the
admin all read a claim's categories through `whom`.
"""

from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from . import choices

Sex, Age, Status = choices.Sex, choices.AgeGroup, choices.ClaimStatus

# People of a sex and age, as a plural noun ("women", "boys"); (unknown, unknown) is "people".
PEOPLE = {
    (Sex.UNKNOWN, Age.UNKNOWN): pgettext_lazy("whom a claim counts", "people"),
    (Sex.FEMALE, Age.ADULT): pgettext_lazy("whom a claim counts", "women"),
    (Sex.MALE, Age.ADULT): pgettext_lazy("whom a claim counts", "men"),
    (Sex.UNKNOWN, Age.CHILD): pgettext_lazy("whom a claim counts", "children"),
    (Sex.FEMALE, Age.CHILD): pgettext_lazy("whom a claim counts", "girls"),
    (Sex.MALE, Age.CHILD): pgettext_lazy("whom a claim counts", "boys"),
    (Sex.UNKNOWN, Age.ADULT): pgettext_lazy("whom a claim counts", "adults"),
    (Sex.FEMALE, Age.UNKNOWN): pgettext_lazy("whom a claim counts", "women and girls"),
    (Sex.MALE, Age.UNKNOWN): pgettext_lazy("whom a claim counts", "men and boys"),
}

# Everyone of a status, as a plural noun; civilians are the tracker's subject, so "children" are civilian children.
STATUS_PEOPLE = {
    Status.CIVILIAN: pgettext_lazy("whom a claim counts", "civilians"),
    Status.OTHER_PROTECTED: pgettext_lazy("whom a claim counts", "other protected persons"),
    Status.ARMED_FORCES: pgettext_lazy("whom a claim counts", "members of armed forces"),
    Status.PARTICIPATING: pgettext_lazy("whom a claim counts", "people directly participating in hostilities"),
    Status.UNKNOWN: pgettext_lazy("whom a claim counts", "people of undetermined status"),
    Status.COMBATANTS: pgettext_lazy("whom a claim counts", "combatants"),
    Status.ANY: pgettext_lazy("whom a claim counts", "all deaths (any status)"),
}

PROFESSION_PEOPLE = {
    choices.Profession.JOURNALIST: pgettext_lazy("whom a claim counts", "journalists or media workers"),
    choices.Profession.MEDICAL: pgettext_lazy("whom a claim counts", "medical personnel"),
    choices.Profession.HUMANITARIAN: pgettext_lazy("whom a claim counts", "humanitarian workers"),
    choices.Profession.RIGHTS_DEFENDER: pgettext_lazy("whom a claim counts", "human rights defenders"),
}

QUALIFIED = gettext_lazy("%(people)s (%(which)s)")


def whom_words(status: str, sex: str, age_group: str, profession: str = "") -> str:
    """The words for whom a claim counts, from plain values (history rows read the same as the model)."""
    if status == Status.ANY:
        return str(STATUS_PEOPLE[Status.ANY])
    if profession:
        # "journalists or media workers", with sex, age and a status other than civilian in brackets.
        head = PROFESSION_PEOPLE[profession]
        which = [str(Sex(sex).label)] if sex != Sex.UNKNOWN else []
        which += [str(Age(age_group).label)] if age_group != Age.UNKNOWN else []
        which += [str(Status(status).label)] if status != Status.CIVILIAN else []
    elif status == Status.CIVILIAN or (sex, age_group) == (Sex.UNKNOWN, Age.UNKNOWN):
        # "civilians", "women" (civilian women), "combatants", "people of undetermined status".
        head = STATUS_PEOPLE[status] if (sex, age_group) == (Sex.UNKNOWN, Age.UNKNOWN) else PEOPLE[(sex, age_group)]
        which = []
    else:
        # "women (member of armed forces)".
        head, which = PEOPLE[(sex, age_group)], [str(Status(status).label)]
    return str(QUALIFIED % {"people": head, "which": gettext(", ").join(which)}) if which else str(head)


def whom(claim) -> str:
    """Whom a claim (or its history row) counts, in words."""
    return whom_words(claim.person_status, claim.sex, claim.age_group, getattr(claim, "profession", ""))


def counts_civilians(claim) -> bool:
    """A claim of all civilians (`choices.CIVILIANS`): the only claims the headline ranges and concessions count."""
    return all(getattr(claim, name) == value for name, value in choices.CIVILIANS.items())
