from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regulations.history import versions
from regulations.models import (
    Annotation,
    Authority,
    Document,
    GlossaryTerm,
    Industry,
    Provision,
    Relation,
    RelationType,
    Target,
    Topic,
)


class PermanentUrlField(serializers.Field):
    """The object's permanent address on the site, absolute when a request is at hand."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, instance):
        url = instance.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


PermanentUrlField = extend_schema_field({"type": "string", "format": "uri"})(PermanentUrlField)


class EditConflict(Exception):
    """An edit based on an old revision; `payload` says what changed meanwhile (answered as 409)."""

    def __init__(self, payload: dict):
        super().__init__(payload["detail"])
        self.payload = payload


class ModelValidationSerializer(serializers.ModelSerializer):
    """Runs the model's own validation (clean, constraints) so the API refuses what the database would."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        concrete = {f.name for f in model._meta.concrete_fields}
        if self.instance is not None:
            candidate = model(**{f.attname: getattr(self.instance, f.attname) for f in model._meta.concrete_fields})
            candidate._state.adding = False
        else:
            candidate = model()
        for key, value in {**attrs, **self.implicit_values()}.items():
            if key in concrete:
                setattr(candidate, key, value)
        try:
            candidate.full_clean(exclude=self.unchecked_fields(), validate_unique=True, validate_constraints=True)
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None
        return attrs

    def implicit_values(self) -> dict:
        """Values the view supplies rather than the client (e.g. the document of a provision)."""
        return {}

    def unchecked_fields(self) -> list[str]:
        return []


class RevisionChecked(serializers.Serializer):
    """Optimistic locking: an edit that names the revision it started from is refused if that is not current."""

    revision = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The revision your edit is based on. Send it back unchanged: if someone saved in the "
        "meantime, the edit is refused with 409 and the fields they changed, and nothing is overwritten.",
    )

    def update(self, instance, validated_data):
        expected = validated_data.pop("revision", None)
        with transaction.atomic():
            current = type(instance).objects.select_for_update().only("revision").get(pk=instance.pk).revision
            if expected is not None and expected != current:
                raise EditConflict(self._conflict(instance, expected, current))
            instance.revision = current
            return super().update(instance, validated_data)

    def create(self, validated_data):
        validated_data.pop("revision", None)
        return super().create(validated_data)

    @staticmethod
    def _conflict(instance, expected: int, current: int) -> dict:
        records = {
            r.revision: r for r in type(instance).history.filter(id=instance.pk, revision__in=[expected, current])
        }
        changed, by, when = [], None, None
        if expected in records and current in records:
            changed = versions.changed_fields(records[expected], records[current])
        if current in records:
            by = records[current].history_user.get_username() if records[current].history_user else None
            when = records[current].history_date
        return {
            "detail": f"Someone saved this after revision {expected}; it is now at revision {current}. "
            "Nothing was changed. Reload it, reapply your edit, and send the new revision.",
            "your_revision": expected,
            "current_revision": current,
            "changed_meanwhile": changed,
            "changed_by": by,
            "changed_at": when.isoformat() if when else None,
        }


def text_list(**kwargs):
    return serializers.ListField(child=serializers.CharField(), required=False, **kwargs)


class AuthoritySerializer(serializers.ModelSerializer):
    class Meta:
        model = Authority
        fields = ["slug", "abbreviation", "name_en", "name_zh", "short_name_zh"]


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name_en", "name_zh"]


class TargetSerializer(ModelValidationSerializer):
    provision_url = serializers.SerializerMethodField()
    document = serializers.SlugRelatedField(source="provision.document", slug_field="slug", read_only=True)
    provision = serializers.CharField(source="provision.eid", read_only=True)

    class Meta:
        model = Target
        fields = [
            "document",
            "provision",
            "provision_url",
            "position",
            "metric",
            "metric_zh",
            "scope",
            "baseline_year",
            "baseline_value",
            "target_year",
            "value",
            "unit",
            "comparison",
            "direction",
            "description",
            "verified",
            "note",
        ]
        read_only_fields = ["position"]

    def get_provision_url(self, target) -> str:
        url = target.provision.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ProvisionOutlineSerializer(serializers.ModelSerializer):
    """A provision as an entry of its document's table of contents."""

    url = PermanentUrlField()
    parent = serializers.CharField(source="parent.eid", default=None, read_only=True)

    class Meta:
        model = Provision
        fields = ["eid", "num", "kind", "heading_en", "heading_zh", "parent", "depth", "url"]


class ProvisionSerializer(RevisionChecked, ModelValidationSerializer):
    url = PermanentUrlField()
    document = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parent = serializers.CharField(
        source="parent.eid", default=None, allow_null=True, required=False, help_text="Identifier of the parent."
    )
    industries = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Industry.objects.all(), required=False
    )
    targets = TargetSerializer(many=True, read_only=True)
    effective_status = serializers.CharField(read_only=True)
    key_terms = text_list()
    responsible_agencies = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)), required=False
    )

    class Meta:
        model = Provision
        fields = [
            "document",
            "eid",
            "url",
            "parent",
            "position",
            "depth",
            "num",
            "kind",
            "heading_en",
            "heading_zh",
            "heading_official_en",
            "articles",
            "text",
            "key_terms",
            "responsible_agencies",
            "industries",
            "status",
            "effective_status",
            "verified",
            "note",
            "targets",
            "publication",
            "revision",
            "updated_at",
        ]
        read_only_fields = ["depth", "updated_at"]
        extra_kwargs = {"position": {"required": False}}

    def validate(self, attrs):
        document = self.context["document"]
        if "parent" in attrs:
            parent_eid = attrs.pop("parent").get("eid")
            attrs["parent"] = document.provisions.filter(eid=parent_eid).first() if parent_eid else None
            if parent_eid and attrs["parent"] is None:
                raise serializers.ValidationError({"parent": f"No provision “{parent_eid}” in {document.slug}."})
        if self.instance is None and "position" not in attrs:
            last = document.provisions.order_by("-position").first()
            attrs["position"] = last.position + 1 if last else 0
        return super().validate(attrs)

    def implicit_values(self):
        return {"document": self.context["document"]}

    def create(self, validated_data):
        provision = super().create({**validated_data, "document": self.context["document"]})
        Provision.objects.recompute_depths(provision.document_id)
        provision.refresh_from_db(fields=["depth"])
        return provision

    def update(self, instance, validated_data):
        provision = super().update(instance, validated_data)  # checks the revision first
        if "parent" in validated_data:
            Provision.objects.recompute_depths(provision.document_id)
            provision.refresh_from_db(fields=["depth"])
        return provision


class RelationEndSerializer(serializers.Serializer):
    document = serializers.CharField()
    provision = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    url = serializers.URLField()


class RelationSerializer(ModelValidationSerializer):
    type = serializers.SlugRelatedField(slug_field="slug", queryset=RelationType.objects.all())
    verb = serializers.CharField(source="type.verb", read_only=True)
    reverse_verb = serializers.CharField(source="type.reverse_verb", read_only=True)
    source = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    source_document = serializers.SlugRelatedField(slug_field="slug", queryset=Document.objects.all(), write_only=True)
    source_provision = serializers.CharField(write_only=True, required=False, allow_blank=True, allow_null=True)
    target_document = serializers.SlugRelatedField(slug_field="slug", queryset=Document.objects.all(), write_only=True)
    target_provision = serializers.CharField(write_only=True, required=False, allow_blank=True, allow_null=True)

    class Meta:
        model = Relation
        fields = [
            "id",
            "type",
            "verb",
            "reverse_verb",
            "source",
            "target",
            "source_document",
            "source_provision",
            "target_document",
            "target_provision",
            "note",
            "asserted_by",
            "asserted_on",
        ]
        # The ends are given as slugs and identifiers, so uniqueness is checked in validate().
        validators = []

    def _end(self, document, provision) -> dict:
        item = provision or document
        url = item.get_absolute_url()
        request = self.context.get("request")
        return {
            "document": document.slug,
            "provision": provision.eid if provision else None,
            "title": provision.heading_en if provision else document.title_en,
            "url": request.build_absolute_uri(url) if request else url,
        }

    @extend_schema_field(RelationEndSerializer)
    def get_source(self, relation):
        return self._end(relation.source_document, relation.source_provision)

    @extend_schema_field(RelationEndSerializer)
    def get_target(self, relation):
        return self._end(relation.target_document, relation.target_provision)

    def validate(self, attrs):
        for side in ("source", "target"):
            document = attrs.get(f"{side}_document") or getattr(self.instance, f"{side}_document", None)
            eid = attrs.pop(f"{side}_provision", None)
            if eid:
                provision = document.provisions.filter(eid=eid).first() if document else None
                if provision is None:
                    raise serializers.ValidationError({f"{side}_provision": f"No provision “{eid}” in that document."})
                attrs[f"{side}_provision"] = provision
            elif self.instance is None or f"{side}_document" in attrs:
                attrs[f"{side}_provision"] = None
        ends = {
            key: attrs[key] if key in attrs else getattr(self.instance, key, None)
            for key in ("type", "source_document", "source_provision", "target_document", "target_provision")
        }
        if (ends["source_document"], ends["source_provision"]) == (ends["target_document"], ends["target_provision"]):
            raise serializers.ValidationError("A relation needs two different ends.")
        duplicates = Relation.objects.filter(**ends)
        if self.instance is not None:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise serializers.ValidationError("This relation is already recorded.")
        return super().validate(attrs)


class DocumentSerializer(RevisionChecked, ModelValidationSerializer):
    url = PermanentUrlField()
    issuers = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, queryset=Topic.objects.all())
    superseded_by = serializers.SlugRelatedField(
        slug_field="slug", queryset=Document.objects.all(), allow_null=True, required=False
    )
    dates = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "slug",
            "url",
            "title_en",
            "title_zh",
            "short_title",
            "doc_number",
            "kind",
            "jurisdiction",
            "status",
            "status_detail",
            "superseded_by",
            "issuers",
            "topics",
            "dates",
            "publication",
            "revision",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def get_dates(self, document) -> dict[str, str]:
        return {date.kind: date.iso for date in document.dates.all()}


class DocumentDetailSerializer(DocumentSerializer):
    provisions = ProvisionOutlineSerializer(many=True, read_only=True)
    relations = serializers.SerializerMethodField()
    details = serializers.DictField(required=False)
    sources = serializers.ListField(child=serializers.URLField(), required=False)

    class Meta(DocumentSerializer.Meta):
        fields = DocumentSerializer.Meta.fields + [
            "notice_title_en",
            "notice_title_zh",
            "doc_number_note",
            "form",
            "level",
            "language",
            "status_note",
            "summary",
            "details",
            "sources",
            "provisions",
            "relations",
        ]

    @extend_schema_field(RelationSerializer(many=True))
    def get_relations(self, document):
        relations = Relation.objects.touching_document(document).with_ends()
        if not self.context.get("drafts"):
            relations = relations.published()
        return RelationSerializer(relations, many=True, context=self.context).data


class IndustrySerializer(ModelValidationSerializer):
    url = PermanentUrlField()
    parent = serializers.SlugRelatedField(
        slug_field="slug", queryset=Industry.objects.all(), allow_null=True, required=False
    )
    aliases = text_list()
    gbt4754_divisions = text_list()
    gbt4754_classes = text_list()
    isic_divisions = text_list()
    isic_classes = text_list()

    class Meta:
        model = Industry
        fields = [
            "slug",
            "url",
            "name_en",
            "name_zh",
            "parent",
            "aliases",
            "gbt4754_divisions",
            "gbt4754_classes",
            "gbt4754_verified",
            "isic_divisions",
            "isic_classes",
            "isic_verified",
            "note",
        ]

    def validate_parent(self, parent):
        ancestor = parent
        while ancestor is not None:
            if self.instance is not None and ancestor.pk == self.instance.pk:
                raise serializers.ValidationError("An industry cannot sit below itself.")
            ancestor = ancestor.parent
        return parent


class GlossaryTermSerializer(ModelValidationSerializer):
    url = PermanentUrlField()
    see_provisions = serializers.SerializerMethodField()
    abbreviations = text_list()
    synonyms_en = text_list()
    synonyms_zh = text_list()

    class Meta:
        model = GlossaryTerm
        fields = [
            "slug",
            "url",
            "term_en",
            "term_zh",
            "abbreviations",
            "synonyms_en",
            "synonyms_zh",
            "definition",
            "see_provisions",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_see_provisions(self, term):
        request = self.context.get("request")
        urls = [provision.get_absolute_url() for provision in term.see_provisions.all()]
        return [request.build_absolute_uri(url) for url in urls] if request else urls


class AnnotationSerializer(RevisionChecked, ModelValidationSerializer):
    url = PermanentUrlField()
    document = serializers.SlugRelatedField(slug_field="slug", queryset=Document.objects.all(), required=False)
    provision = serializers.CharField(
        source="provision.eid",
        required=False,
        allow_null=True,
        default=None,
        help_text="Identifier of the provision in the document, or null for a note on the whole document.",
    )
    body_html = serializers.SerializerMethodField(help_text="The body rendered from Markdown and sanitised.")
    author = serializers.SerializerMethodField()

    class Meta:
        model = Annotation
        fields = [
            "id",
            "url",
            "document",
            "provision",
            "kind",
            "title",
            "body",
            "body_html",
            "effective_date",
            "source_url",
            "visibility",
            "publication",
            "author",
            "written_against_revision",
            "written_against_at",
            "revision",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["written_against_revision", "written_against_at", "created_at", "updated_at"]

    def get_body_html(self, annotation) -> str:
        from regulations.text.rendering import render_markdown

        return str(render_markdown(annotation.body))

    def get_author(self, annotation) -> str | None:
        if annotation.author is None or not self.context.get("drafts"):
            return None
        return annotation.author.get_full_name() or annotation.author.get_username()

    def validate(self, attrs):
        document = attrs.get("document") or getattr(self.instance, "document", None)
        if "provision" in attrs:
            eid = (attrs.pop("provision") or {}).get("eid")
            if eid and document is None:
                raise serializers.ValidationError({"document": "Name the document the provision belongs to."})
            attrs["provision"] = document.provisions.filter(eid=eid).first() if eid else None
            if eid and attrs["provision"] is None:
                raise serializers.ValidationError({"provision": f"No provision “{eid}” in {document.slug}."})
        if document is None:
            raise serializers.ValidationError({"document": "Name the document (and the provision, if any)."})
        return super().validate(attrs)

    def create(self, validated_data):
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            validated_data["author"] = request.user
        return super().create(validated_data)
