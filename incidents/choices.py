"""The controlled vocabularies of the tracker: stable lowercase values, readable labels.

Where a scale has definitions (grades, precisions), they live here once and are
shown on the methodology page and wherever the value appears.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published")
    RETRACTED = "retracted", _("retracted")


class Grade(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    FAIR = "fair", _("fair")
    WEAK = "weak", _("weak")
    CONTESTED = "contested", _("contested")
    DISCOUNTED = "discounted", _("discounted")


GRADE_DEFINITIONS = {
    Grade.CONFIRMED: _("A belligerent has accepted responsibility for the civilian harm."),
    Grade.FAIR: _(
        "Two or more credible sources report it, and a belligerent's action nearby is likely or confirmed."
    ),
    Grade.WEAK: _("A single source reports it, even one with significant detail."),
    Grade.CONTESTED: _(
        "Competing claims of responsibility: several belligerents, or casualties also attributed to other forces."
    ),
    Grade.DISCOUNTED: _(
        "On review the dead were most likely combatants, or another party was most likely responsible."
    ),
}


class DatePrecision(models.TextChoices):
    DAY = "day", _("exact day")
    DAYS = "days", _("within a few days")
    WEEK = "week", _("week")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


DATE_PRECISION_DEFINITIONS = {
    DatePrecision.DAY: _("The day is known."),
    DatePrecision.DAYS: _("The event happened within a range of two to six days, from start to end date."),
    DatePrecision.WEEK: _("Only the week is known."),
    DatePrecision.MONTH: _("Only the month is known (or a range of 8 to 30 days)."),
    DatePrecision.YEAR: _("Only the year is known (a range of more than a month)."),
}


class StatedPrecision(models.TextChoices):
    """How precisely the date a claim or statement was made is known (a subset of `DatePrecision`, same values)."""

    DAY = "day", _("exact day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class GeoPrecision(models.TextChoices):
    EXACT = "exact", _("exact location")
    WITHIN_100M = "within_100m", _("within 100 m")
    STREET = "street", _("street or landmark")
    NEIGHBOURHOOD = "neighbourhood", _("neighbourhood")
    TOWN = "town", _("village or town")
    CITY = "city", _("city")
    DISTRICT = "district", _("district")
    PROVINCE = "province", _("province")
    COUNTRY = "country", _("country")


class ProtectionLevel(models.TextChoices):
    """How far an incident's public location is coarsened where exact coordinates would endanger people
    (`incidents.protection`): a subset of `GeoPrecision`, same values."""

    NEIGHBOURHOOD = "neighbourhood", _("neighbourhood")
    TOWN = "town", _("village or town")
    DISTRICT = "district", _("district")


GEO_PRECISION_DEFINITIONS = {
    GeoPrecision.EXACT: _("The coordinates mark the exact site."),
    GeoPrecision.WITHIN_100M: _("The site is within about 100 metres of the point."),
    GeoPrecision.STREET: _("The point is the street or landmark named by the sources."),
    GeoPrecision.NEIGHBOURHOOD: _("Known to neighbourhood level; the point is the neighbourhood."),
    GeoPrecision.TOWN: _("Known to the village or town; the point is its centre."),
    GeoPrecision.CITY: _("Known to the city; the point is its centre."),
    GeoPrecision.DISTRICT: _("Known to the district (second-order division) or within about 25 km."),
    GeoPrecision.PROVINCE: _("Known to the province (first-order division) only."),
    GeoPrecision.COUNTRY: _("Known to the country only."),
}


class EventType(models.TextChoices):
    AIRSTRIKE = "airstrike", _("airstrike")
    DRONE_STRIKE = "drone_strike", _("drone strike")
    SHELLING = "shelling", _("shelling / artillery")
    GROUND_RAID = "ground_raid", _("ground raid")
    EXPLOSION = "explosion", _("explosion")
    GUNFIRE = "gunfire", _("gunfire")
    OTHER = "other", _("other")


class BelligerentRole(models.TextChoices):
    ALLEGED = "alleged", _("alleged")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")


class ActorKind(models.TextChoices):
    STATE_FORCES = "state_forces", _("state armed forces")
    COALITION = "coalition", _("coalition")
    NON_STATE = "non_state", _("non-state armed group")
    GOVERNMENT = "government", _("government or official body")
    OTHER = "other", _("other")


class Outcome(models.TextChoices):
    KILLED = "killed", _("killed")
    INJURED = "injured", _("injured")
    MISSING = "missing", _("missing")




class AggregateMeasure(models.TextChoices):
    """What an aggregate claim counts: casualties, or a belligerent's own tally of allegations (never added to casualties)."""

    CASUALTIES = "casualties", _("casualties")
    ALLEGATIONS_RECEIVED = "allegations_received", _("allegations received")
    ASSESSED_CREDIBLE = "assessed_credible", _("allegations assessed credible")
    ASSESSED_NOT_CREDIBLE = "assessed_not_credible", _("allegations assessed not credible")
    UNDER_INVESTIGATION = "under_investigation", _("allegations still under assessment or investigation")
    DUPLICATE = "duplicate", _("allegations found to duplicate another case")


class Basis(models.TextChoices):
    REPORTED = "reported", _("reported by a source")
    CONCEDED = "conceded", _("conceded by a belligerent")
    ESTIMATE = "estimate", _("the tracker's own estimate")


class Qualifier(models.TextChoices):
    EXACT = "exact", _("exactly")
    AT_LEAST = "at_least", _("at least")
    MORE_THAN = "more_than", _("more than")
    UP_TO = "up_to", _("up to")
    ABOUT = "about", _("about")
    BETWEEN = "between", _("between")
    UNQUANTIFIED = "unquantified", _("no number given")


# What each qualifier asks of a claim's numbers: is the minimum / maximum required (True) or must it be empty (False),
# and must they be equal. The database constraints, the form errors and `qualifier_for` all read this one table.
# "between" allows min = max: UCDP's low and high often coincide, and the source still gave them as a range.
QUALIFIER_BOUNDS = {
    Qualifier.EXACT: {"min": True, "max": True, "equal": True},
    Qualifier.AT_LEAST: {"min": True, "max": False, "equal": False},
    Qualifier.MORE_THAN: {"min": True, "max": False, "equal": False},
    Qualifier.UP_TO: {"min": False, "max": True, "equal": False},
    Qualifier.ABOUT: {"min": True, "max": True, "equal": False},
    Qualifier.BETWEEN: {"min": True, "max": True, "equal": False},
    Qualifier.UNQUANTIFIED: {"min": False, "max": False, "equal": False},
}

# What to enter for each qualifier, in the editor's words (form errors).
QUALIFIER_HOW = {
    Qualifier.EXACT: _("“exactly” needs the number as both minimum and maximum (“137 killed”: 137 and 137)."),
    Qualifier.AT_LEAST: _("“at least” needs a minimum and no maximum (“at least 83”: minimum 83, maximum empty)."),
    Qualifier.MORE_THAN: _("“more than” needs a minimum and no maximum (“more than 100”: minimum 101, maximum empty)."),
    Qualifier.UP_TO: _("“up to” needs a maximum and no minimum (“up to 200”: minimum empty, maximum 200)."),
    Qualifier.ABOUT: _("“about” needs the number as both minimum and maximum (“about 1,000”: 1000 and 1000), or the range it gives."),
    Qualifier.BETWEEN: _("“between” needs a minimum and a maximum (“between 80 and 100”: 80 and 100)."),
    Qualifier.UNQUANTIFIED: _("“no number given” takes no minimum and no maximum (“dozens”: both empty)."),
}


def qualifier_for(low: int | None, high: int | None) -> str:
    """The qualifier the numbers alone say, for writers that have no words (imports): 12–12 exact, 12– at least…"""
    if low is None and high is None:
        return Qualifier.UNQUANTIFIED
    if low is not None and high is not None:
        return Qualifier.EXACT if low == high else Qualifier.BETWEEN
    return Qualifier.AT_LEAST if high is None else Qualifier.UP_TO


# Words that give no number ("dozens", "scores", "عشرات"): a source's claim in these words alone is recorded as
# "no number given"; a conventional minimum for them is only ever the tracker's own estimate. The one list.
VAGUE_QUANTIFIERS = (
    "dozens", "scores", "hundreds", "thousands", "several", "many", "numerous", "some", "a few", "few",
    "a number of", "tens",
    "عشرات", "مئات", "آلاف", "العديد", "عدد من", "بضعة", "كثير", "الكثير",
)


class Stance(models.TextChoices):
    OPEN = "open", _("not yet assessed / open")
    ACKNOWLEDGES_STRIKE = "acknowledges_strike", _("acknowledges strike")
    DENIES = "denies", _("denies")
    INVESTIGATING = "investigating", _("investigating")
    CREDIBLE = "credible", _("assessed credible")
    NOT_CREDIBLE = "not_credible", _("assessed not credible")
    DUPLICATE = "duplicate", _("duplicate of another case")
    NO_COMMENT = "no_comment", _("no comment")


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    UNKNOWN = "unknown", _("unknown")


class AgeGroup(models.TextChoices):
    """A claim's age category (SDG 16.1.2): a victim has an age band and an exact age where known (`sdg_age`)."""

    CHILD = "child", _("child (under 18)")
    ADULT = "adult", _("adult")
    UNKNOWN = "unknown", _("unknown")


class Cause(models.TextChoices):
    """The cause of death or injury, in the categories of SDG indicator 16.1.2."""

    EXPLOSIVE = "explosive", _("heavy weapons and explosive munitions")
    LANDMINES = "landmines", _("landmines, unexploded ordnance")
    SMALL_ARMS = "small_arms", _("small arms and light weapons")
    INCENDIARY = "incendiary", _("incendiary weapons")
    CBRN = "cbrn", _("chemical, biological or nuclear weapons")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("unknown")


# The cause an event type implies, where it implies one: only ever the initial value an editor is offered for a new
# claim or victim in the admin, to confirm or change. Nothing sets it unseen: imports and older records say unknown.
EVENT_TYPE_CAUSES = {
    "airstrike": Cause.EXPLOSIVE, "drone_strike": Cause.EXPLOSIVE, "shelling": Cause.EXPLOSIVE,
    "explosion": Cause.EXPLOSIVE, "gunfire": Cause.SMALL_ARMS,
}


def cause_for(event_type: str) -> str:
    return EVENT_TYPE_CAUSES.get(event_type, Cause.UNKNOWN)


class Profession(models.TextChoices):
    """Professions and groups protected by international law, where sources give them (empty: none given)."""

    JOURNALIST = "journalist", _("journalist or media worker")
    MEDICAL = "medical", _("medical personnel")
    HUMANITARIAN = "humanitarian", _("humanitarian worker")
    RIGHTS_DEFENDER = "rights_defender", _("human rights defender")


class AgeBand(models.TextChoices):
    CHILD = "child", _("child (under 18)")
    ADULT = "adult", _("adult")
    ELDERLY = "elderly", _("elderly (65 and over)")
    UNKNOWN = "unknown", _("unknown")


class PersonStatus(models.TextChoices):
    """A person's status under international humanitarian law, as in SDG indicator 16.1.2."""

    CIVILIAN = "civilian", _("civilian")
    OTHER_PROTECTED = "other_protected", _("other protected person")
    ARMED_FORCES = "armed_forces", _("member of armed forces")
    PARTICIPATING = "participating", _("directly participating in hostilities")
    UNKNOWN = "unknown", _("unknown")


class ClaimStatus(models.TextChoices):
    """Whom a claim counts by status (SDG 16.1.2): a person's statuses, and two that only a count of many can have."""

    CIVILIAN = "civilian", _("civilian")
    OTHER_PROTECTED = "other_protected", _("other protected person")
    ARMED_FORCES = "armed_forces", _("member of armed forces")
    PARTICIPATING = "participating", _("directly participating in hostilities")
    UNKNOWN = "unknown", _("unknown")
    # Combatants, where the source does not tell armed forces from those directly participating (UCDP's sides).
    COMBATANTS = "combatants", _("combatants (armed forces or participating, not told apart)")
    # A dataset's count of every death whatever the dead were (UCDP's low–high): never read as civilians.
    ANY = "any", _("any status (all deaths)")


# Whom the headline figures count: a claim of exactly these categories. A claim of a part ("3 women", "2 journalists")
# is never a claim of the whole, so only these claims enter each range (`services.REPORTED_ENVELOPES`). A count that
# does not tell sex or age apart says "unknown" for it, as in SDG 16.1.2.
CIVILIANS = {"person_status": ClaimStatus.CIVILIAN, "sex": Sex.UNKNOWN, "age_group": AgeGroup.UNKNOWN, "profession": ""}
CHILDREN = {**CIVILIANS, "age_group": AgeGroup.CHILD}
WOMEN = {**CIVILIANS, "sex": Sex.FEMALE, "age_group": AgeGroup.ADULT}
# Whom a dataset's other counts count: every death whatever the status of the dead (UCDP's low–high, ACLED's
# fatalities), and combatants not told apart (UCDP's sides). Never read as civilians.
ALL_DEATHS = {**CIVILIANS, "person_status": ClaimStatus.ANY}
COMBATANTS = {**CIVILIANS, "person_status": ClaimStatus.COMBATANTS}

# The categories that say whom a claim counts, in order.
WHOM_FIELDS = ("person_status", "sex", "age_group", "profession")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public")
    PRIVATE = "private", _("private (never leaves the admin)")


class Dataset(models.TextChoices):
    UCDP_GED = "ucdp_ged", _("UCDP GED")
    AIRWARS = "airwars", _("Airwars")
    ACLED = "acled", _("ACLED")
    OTHER = "other", _("other")


DATASET_URLS = {
    Dataset.UCDP_GED: "https://ucdp.uu.se/event/{identifier}",
}
