"""Public serializers: every field listed explicitly, so a new private field can never leak by default."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sources.models import Report, Source
from sources.public import public_report_fields

from .. import choices, display, sdg
from ..models import (
    Actor,
    BelligerentRoleLink,
    CasualtyFigure,
    Conflict,
    ExternalIdentifier,
    Incident,
    OfficialStatement,
    Position,
    Victim,
)
from ..services import RANGE_FIELDS

INCIDENT_FIELDS = [
    "code", "url", "permalink", "title", "date_start", "date_end", "date_precision",
    "country", "admin1", "admin2", "locality", "neighbourhood", "latitude", "longitude", "geo_precision",
    "event_type", "conflict", "belligerents", "grade",
    *RANGE_FIELDS,
    "latest_stance", "positions", "sources_count", "related", "published_at", "updated_at",
]


@extend_schema_field({"type": "string", "format": "iri", "minLength": 1})
class IRIField(serializers.URLField):
    """A stored web address as it was entered: an IRI, which may hold non-ASCII letters (an Arabic outlet's
    `https://ar.example.org/تقرير/1`), not the ASCII-only URI that OpenAPI's `uri` format means. Never empty: an
    empty link is its own case of the schema (`PublicModelSerializer`), and "" would otherwise pass as an IRI too."""


# A read-only serializer whose fields say null and "" exactly where the model may hold them. DRF drops
# `allow_null`/`allow_blank` from read-only fields, and declared fields (slugs of relations) never had them, so the
# schema promised a string where the data holds null (an actor in no coalition), an enum where it holds "" (an
# incident not graded yet) and a URI where a report has no link. Reading them back from the model field each one
# shows keeps the published schema true to the data (tests/test_api_schema_fuzz.py). No docstring: drf-spectacular
# would publish it as the description of every serializer below.
class PublicModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, models.URLField: IRIField}

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            model_field = _model_field(self.Meta.model, field.source or name)
            if model_field is None:
                continue
            if model_field.null:
                field.allow_null = True
            if model_field.blank and hasattr(field, "allow_blank"):
                field.allow_blank = True
        return fields


def _model_field(model, source: str):
    """The model's own column that a serializer field shows (None for a computed value, a reverse relation or a path)."""
    try:
        field = model._meta.get_field(source)
    except FieldDoesNotExist:  # a source such as "*", "actor.slug" or a prefetched list
        return None
    return field if field.concrete else None


class ActorRefSerializer(PublicModelSerializer):
    class Meta:
        model = Actor
        fields = ["slug", "name"]


class BelligerentSerializer(PublicModelSerializer):
    slug = serializers.CharField(source="actor.slug", read_only=True)
    name = serializers.CharField(source="actor.name", read_only=True)

    class Meta:
        model = BelligerentRoleLink
        fields = ["slug", "name", "role"]


class PositionActorSerializer(PublicModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The coalition it is a member of, if any.")

    class Meta:
        model = Actor
        fields = ["slug", "name", "parent"]


class PositionSerializer(PublicModelSerializer):
    """One actor's current position on the incident and what it conceded itself (counted for it only)."""

    actor = PositionActorSerializer(read_only=True)

    class Meta:
        model = Position
        fields = ["actor", "stance", "reason", "stated_on",
                  "conceded_killed_min", "conceded_killed_max", "conceded_killed_open",
                  "conceded_injured_min", "conceded_injured_max", "conceded_injured_open"]
        read_only_fields = fields


class IncidentSerializer(PublicModelSerializer):
    """An incident in a list: where, when, who, how graded, and its derived figures."""

    url = serializers.HyperlinkedIdentityField(view_name="api:incident-detail", lookup_field="code")
    permalink = serializers.SerializerMethodField(help_text="The incident's public page.")
    conflict = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The conflict's slug.")
    belligerents = BelligerentSerializer(source="belligerent_roles", many=True, read_only=True)
    positions = PositionSerializer(source="current_positions", many=True, read_only=True)
    # The public point and precision only (`incidents.protection`: coarsened where the location is protected).
    latitude = serializers.FloatField(
        source="public_latitude", read_only=True, allow_null=True, help_text=Incident._meta.get_field("public_latitude").help_text)
    longitude = serializers.FloatField(
        source="public_longitude", read_only=True, allow_null=True, help_text=Incident._meta.get_field("public_longitude").help_text)
    geo_precision = serializers.ChoiceField(
        source="public_precision", choices=choices.GeoPrecision.choices, read_only=True,
        help_text=Incident._meta.get_field("public_precision").help_text)
    related = serializers.SerializerMethodField(
        help_text="Codes of the published records linked as related: possibly the same event, not merged; totals count them once.",
    )

    class Meta:
        model = Incident
        fields = INCIDENT_FIELDS
        read_only_fields = fields

    def to_representation(self, incident):
        data = super().to_representation(incident)
        # An open top has no maximum: the stored one is the highest number stated (a sort key), never an upper bound.
        for prefix in display.RANGE_PREFIXES:
            data[f"{prefix}_max"] = display.public_max(incident, prefix)
        return data

    def get_related(self, incident) -> list[str]:
        return [other.code for other in incident.public_related]

    @extend_schema_field(OpenApiTypes.URI)
    def get_permalink(self, incident) -> str:
        request = self.context.get("request")
        path = incident.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class PublicReportSerializer(serializers.Serializer):
    """A report as the public may see it: for a confidential source only its label, date, language and kind."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    archive_url = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)
    language = serializers.CharField()
    author = serializers.CharField()
    kind = serializers.CharField()
    source = serializers.CharField(help_text="The source's name, or its generic label when it is confidential.")
    source_slug = serializers.CharField(allow_null=True, help_text="Empty for a confidential source.")
    source_kind = serializers.CharField()

    def to_representation(self, report):
        return super().to_representation(public_report_fields(report))


class FigureSerializer(PublicModelSerializer):
    report = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Number of the report that states the figure (see `reports`).")
    conceded_by = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="For a conceded figure: the slug of the actor that conceded it (see `actors`).",
    )

    class Meta:
        model = CasualtyFigure
        fields = ["id", "outcome", "person_status", "sex", "age_group", "profession", "cause", "basis", "count_min", "count_max", "qualifier",
                  "attributed_to", "stated_on",
                  "stated_on_precision", "quote", "report", "statement", "conceded_by", "count_best", "caveat"]
        read_only_fields = fields


class StatementSerializer(PublicModelSerializer):
    issuer = ActorRefSerializer(read_only=True)
    report = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = OfficialStatement
        fields = ["id", "issuer", "stated_on", "stated_on_precision", "stance", "reason", "quote", "summary", "report"]
        read_only_fields = fields


class VictimSerializer(PublicModelSerializer):
    label = serializers.CharField(
        read_only=True, help_text="The name, or “unnamed” with what is known of a person known by role only "
                                  "(“unnamed child, female, injured”); `name` is then empty.",
    )

    class Meta:
        model = Victim
        fields = ["label", "name", "name_ar", "sex", "age", "age_band", "person_status", "profession", "cause", "outcome", "family_group"]
        read_only_fields = fields


class ExternalIdentifierSerializer(PublicModelSerializer):
    link = serializers.CharField(read_only=True)

    class Meta:
        model = ExternalIdentifier
        fields = ["dataset", "identifier", "link", "source_codes"]
        read_only_fields = fields


class SdgCellSerializer(serializers.Serializer):
    cause = serializers.ChoiceField(choices=choices.Cause.choices)
    status = serializers.ChoiceField(choices=choices.PersonStatus.choices)
    sex = serializers.ChoiceField(choices=choices.Sex.choices)
    age = serializers.ChoiceField(choices=choices.AgeGroup.choices)
    deaths = serializers.IntegerField()


class SdgTableSerializer(serializers.Serializer):
    documented_deaths = serializers.IntegerField(help_text="Public victims recorded killed on the matching published incidents.")
    by_cause = serializers.DictField(child=serializers.IntegerField(), help_text="Deaths by SDG 16.1.2 cause.")
    by_status = serializers.DictField(child=serializers.IntegerField(), help_text="Deaths by status.")
    by_sex = serializers.DictField(child=serializers.IntegerField(), help_text="Deaths by sex.")
    by_age = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="Deaths by age: the exact age where known (under 18: child), else the age band.")
    of_which_professions = serializers.DictField(child=serializers.IntegerField(), help_text="Of which, each protected profession.")
    cells = SdgCellSerializer(many=True, help_text="The non-empty cells of cause × status × sex × age.")


class IncidentDetailSerializer(IncidentSerializer):
    """An incident with its claims (non-excluded), statements, reports, public named victims and external ids."""

    figures = FigureSerializer(source="public_figures", many=True, read_only=True)
    statements = StatementSerializer(source="public_statements", many=True, read_only=True)
    reports = PublicReportSerializer(source="public_reports", many=True, read_only=True)
    victims = VictimSerializer(source="public_victims", many=True, read_only=True)
    external_ids = ExternalIdentifierSerializer(many=True, read_only=True)
    sdg_16_1_2 = serializers.SerializerMethodField(
        help_text="The incident's documented deaths (its public victims recorded killed) by SDG 16.1.2 category: the same "
                  "numbers as /api/v1/incidents/sdg/ for this incident alone.",
    )

    class Meta(IncidentSerializer.Meta):
        fields = [*INCIDENT_FIELDS[:4], "summary", "place_name_ar", *INCIDENT_FIELDS[4:],
                  "figures", "statements", "reports", "victims", "external_ids", "sdg_16_1_2"]
        read_only_fields = fields

    @extend_schema_field(SdgTableSerializer)
    def get_sdg_16_1_2(self, incident) -> dict:
        return sdg.as_json(sdg.sdg_table(Incident.objects.filter(pk=incident.pk)))


class ReportSerializer(PublicModelSerializer):
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    incidents = serializers.SerializerMethodField(help_text="Codes of the published incidents the report covers.")

    class Meta:
        model = Report
        fields = ["id", "title", "url", "archive_url", "published_on", "language", "author", "kind", "source", "incidents"]
        read_only_fields = fields

    def get_incidents(self, report) -> list[str]:
        return [link.incident.code for link in report.published_links]


class SourceSerializer(PublicModelSerializer):
    published_incidents = serializers.IntegerField(read_only=True)
    published_reports = serializers.IntegerField(read_only=True)

    class Meta:
        model = Source
        fields = ["slug", "name", "kind", "country", "language", "homepage", "description", "published_incidents", "published_reports"]
        read_only_fields = fields


class ActorSerializer(PublicModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Actor
        fields = ["slug", "name", "kind", "parent", "country", "description"]
        read_only_fields = fields


class ConflictSerializer(PublicModelSerializer):
    published_incidents = serializers.IntegerField(read_only=True)

    class Meta:
        model = Conflict
        fields = ["slug", "name", "description", "ucdp_conflict_id", "published_incidents"]
        read_only_fields = fields


class TotalsOfSetSerializer(serializers.Serializer):
    incidents = serializers.IntegerField(help_text="Published incidents in the set.")
    related_groups = serializers.IntegerField(
        help_text="Groups of related records (possibly the same event) in the set; each group counts once, by its widest range.",
    )
    related_incidents = serializers.IntegerField(help_text="Incidents of the set that belong to those groups.")
    reported_min = serializers.IntegerField(
        allow_null=True, help_text="Sum of the lowest reported killed (of each incident, or group of related records); null: no number.",
    )
    reported_max = serializers.IntegerField(
        allow_null=True, help_text="Sum of the highest reported killed; null: no number, or no upper bound (`reported_open` > 0).",
    )
    with_reported = serializers.IntegerField(help_text="Incidents with a reported number.")
    reported_open = serializers.IntegerField(
        help_text="Incidents (or groups) whose reported range has no upper bound: an open-ended claim or a claim with no number. "
                  "When not 0, the total is “at least reported_min”.",
    )
    conceded_min = serializers.IntegerField(allow_null=True, help_text="Sum of the lowest conceded killed; null: no number.")
    conceded_max = serializers.IntegerField(
        allow_null=True, help_text="Sum of the highest conceded killed; null: no number, or no upper bound (`conceded_open` > 0).",
    )
    with_conceded = serializers.IntegerField(help_text="Incidents with a number conceded by a belligerent.")
    conceded_open = serializers.IntegerField(help_text="Incidents (or groups) whose latest concession gives no upper bound.")


class TotalsSerializer(serializers.Serializer):
    all = TotalsOfSetSerializer(help_text="Every grade (the headline totals).")
    graded = TotalsOfSetSerializer(help_text="Incidents graded confirmed or fair only.")
