from rest_framework import serializers

from core.api import VersionedIdentityField
from stats.models import Dataset, Observation


class DatasetSerializer(serializers.ModelSerializer):
    url = VersionedIdentityField(view_name="stats-api:dataset-detail", lookup_field="slug")
    observation_count = serializers.IntegerField(read_only=True)
    is_current = serializers.BooleanField(read_only=True)  # what observations answer from
    citation = serializers.CharField(read_only=True)
    citations = serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text="The citation in each language."
    )

    class Meta:
        model = Dataset
        fields = [
            "url", "slug", "publisher", "publisher_ko", "title", "title_ko", "edition",
            "edition_ko", "address", "source_key", "licence", "retrieved", "citation",
            "citations", "classification", "family", "is_current", "description",
            "description_ko", "caveat", "caveat_ko", "caveat_ids", "observation_count",
        ]  # fmt: skip


class DatasetSourceSerializer(serializers.ModelSerializer):
    citation = serializers.CharField(read_only=True)
    citations = serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text="The citation in each language."
    )

    class Meta:
        model = Dataset
        fields = [
            "slug", "publisher", "title", "edition", "address", "licence", "retrieved",
            "citation", "citations", "caveat", "caveat_ids",
        ]  # fmt: skip


class ObservationSerializer(serializers.ModelSerializer):
    dataset = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    dataset_title = serializers.CharField(source="dataset.title", read_only=True)
    dataset_edition = serializers.CharField(source="dataset.edition", read_only=True)
    dataset_address = serializers.CharField(source="dataset.address", read_only=True)
    # The citation on every row, from the dataset read in the same query (with_dataset).
    dataset_publisher = serializers.CharField(source="dataset.publisher", read_only=True)
    dataset_licence = serializers.CharField(source="dataset.licence", read_only=True)
    dataset_retrieved = serializers.DateField(
        source="dataset.retrieved", read_only=True, allow_null=True
    )
    dataset_caveats = serializers.CharField(
        source="dataset.caveat_ids_text",
        read_only=True,
        help_text='The caveat identifiers, "; "-separated; their texts are on the "About the '
        "data\" page and in each dataset's data package.",
    )
    citation = serializers.CharField(source="dataset.citation", read_only=True)

    class Meta:
        model = Observation
        fields = [
            "id", "dataset", "dataset_publisher", "dataset_title", "dataset_edition",
            "dataset_address", "dataset_licence", "dataset_retrieved", "dataset_caveats",
            "citation", "measure",
            "period_label", "period_start", "period_end", "origin", "origin_name",
            "destination", "destination_name", "sex", "age_band", "education", "occupation",
            "province", "region", "category_ko", "value", "status", "note", "note_ko", "source",
        ]  # fmt: skip


class SeriesColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class SeriesSerializer(serializers.Serializer):
    """A chart's series: its source, columns, rows, and what was computed here.

    Each row's `row_source` names where it was confirmed when that is not the
    dataset's address (e.g. a ministry briefing quoted in the news), else "".
    """

    dataset = DatasetSourceSerializer()
    columns = SeriesColumnSerializer(many=True)
    computed_columns = serializers.ListField(child=serializers.CharField())
    caveats = serializers.ListField(child=serializers.CharField())
    years = serializers.ListField(child=serializers.IntegerField())
    year = serializers.IntegerField(allow_null=True)
    rows = serializers.ListField(child=serializers.DictField())

    def to_representation(self, series):
        return {
            "dataset": DatasetSourceSerializer(series.dataset).data,
            "columns": [{"key": k, "label": str(label)} for k, label in series.columns],
            "computed_columns": series.computed,
            "caveats": [str(c) for c in series.caveats],
            "years": series.years,
            "year": series.year,
            "rows": series.rows,
        }
