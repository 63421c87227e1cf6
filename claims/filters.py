"""The claims domain's query language: filters, sort orders and facet counts.

The claim list page, its CSV export and the API's claim, attribution and
annotation lists all read their query strings through these FilterSets.
Every filter lives in the query string, so a filtered, sorted page is a
bookmarkable URL. Filters that look
through attributions (speaker, outlet, disputes) use EXISTS subqueries, so a
claim is never listed twice and no DISTINCT is needed.
"""

import django_filters
from django import forms
from django.db import connections
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.utils.functional import cached_property

from claims import search
from claims.models import (
    Actor,
    Annotation,
    Attribution,
    Claim,
    ClaimCount,
    ClaimSearchDocument,
    Tag,
    queue_priority,
)
from lib.text import normalize_name
from sources.models import Outlet

# Speaker kind for attributions with no speaker: the outlet speaks for itself.
OUTLET_VOICE = "outlet_voice"
SPEAKER_KIND_CHOICES = [*Actor.Kind.choices, (OUTLET_VOICE, "Outlet's own voice")]
# Outlet kind for sources whose outlet is not known.
UNKNOWN_OUTLET = "unknown"
OUTLET_KIND_CHOICES = [*Outlet.Kind.choices, (UNKNOWN_OUTLET, "Unknown outlet")]

REVIEWED_CHOICES = [("yes", "Reviewed"), ("no", "Unreviewed")]

# Filters on the columns ClaimCount keeps (status, verdict, outlet_kinds): with no
# other filter, the facets come from ClaimCount, without a scan of the claims.
COUNTED_FILTERS = ("status", "verdict", "reviewed", "outlet_kind")


def status_position():
    """Statuses in their declared order (corroborated first), for sorting."""
    return Case(
        *[When(status=value, then=Value(i)) for i, value in enumerate(Claim.Status.values)],
        output_field=IntegerField(),
    )


# Sort key -> (label, ordering). Every ordering ends on the primary key so that
# pages never overlap or skip rows.
SORTS = {
    "relevance": ("Best match", ["-search_rank", "-created_at", "-pk"]),
    "newest": ("Newest first", ["-created_at", "-pk"]),
    "oldest": ("Oldest first", ["created_at", "pk"]),
    "event": ("Latest event", [("event_start", "desc"), "-pk"]),
    "status": ("Status", [status_position, "-created_at", "-pk"]),
    "grade": ("Credibility grade", ["grade", "-created_at", "-pk"]),
    "evidence": ("Most independent origins", ["-origin_count", "-created_at", "-pk"]),
    "queue": ("Review queue", [queue_priority, "created_at", "pk"]),
}


# The sorts a search document orders by on its copies (ClaimFilter.ordered_documents).
DOCUMENT_SORTS = ("relevance", "newest", "oldest", "status")


def _ordering(key):
    terms = []
    for term in SORTS[key][1]:
        if callable(term):
            terms.append(term().asc())
        elif isinstance(term, tuple):
            terms.append(F(term[0]).desc(nulls_last=True))
        else:
            terms.append(term)
    return terms


class AnyYesNoSelect(forms.NullBooleanSelect):
    """A yes/no/either select whose "either" option reads "Any"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", "Any"), ("true", "Yes"), ("false", "No")]


def _resolving(model, value):
    """The pks of `model` rows called `value`, by name or alias, as a subquery."""
    key = normalize_name(value)
    return model.objects.filter(Q(name_key=key) | Q(aliases__name_key=key)).values("pk")


def _with_attribution(queryset, condition):
    # Only live attributions are evidence: removed and orphaned ones never match a filter.
    return queryset.filter(
        Exists(Attribution.objects.live().filter(condition, claim=OuterRef("pk")))
    )


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Words in claims or quotes"}
        ),
    )
    status = django_filters.MultipleChoiceFilter(choices=Claim.Status.choices, distinct=False)
    grade = django_filters.MultipleChoiceFilter(
        label="Credibility grade",
        choices=Claim.Grade.choices,
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    verdict = django_filters.MultipleChoiceFilter(choices=Claim.Verdict.choices, distinct=False)
    reviewed = django_filters.ChoiceFilter(
        label="Reviewed", choices=REVIEWED_CHOICES, empty_label="Any", method="filter_reviewed"
    )
    speaker = django_filters.CharFilter(
        label="Speaker", method="filter_speaker", help_text="A name or alias, e.g. Jiechi"
    )
    speaker_kind = django_filters.MultipleChoiceFilter(
        label="Speaker kind",
        choices=SPEAKER_KIND_CHOICES,
        method="filter_speaker_kind",
        widget=forms.CheckboxSelectMultiple,
    )
    outlet = django_filters.CharFilter(
        label="Outlet", method="filter_outlet", help_text="A name or alias, e.g. TASS"
    )
    outlet_kind = django_filters.MultipleChoiceFilter(
        label="Outlet kind", choices=OUTLET_KIND_CHOICES, method="filter_outlet_kind"
    )
    tag = django_filters.ModelChoiceFilter(
        label="Tag", queryset=Tag.objects.all(), to_field_name="slug", field_name="tags"
    )
    event_from = django_filters.DateFilter(
        label="Event from",
        method="filter_event_from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    event_to = django_filters.DateFilter(
        label="Event to", method="filter_event_to", widget=forms.DateInput(attrs={"type": "date"})
    )
    has_disputes = django_filters.BooleanFilter(
        label="Has disputes", method="filter_has_disputes", widget=AnyYesNoSelect
    )
    # Applied last, in filter_queryset, so it can order by the search rank.
    sort = django_filters.ChoiceFilter(
        label="Sort",
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        empty_label=None,
        method="filter_nothing",
    )

    class Meta:
        model = Claim
        fields = []

    def filter_search(self, queryset, name, value):
        return search.search(queryset, value)

    def filter_reviewed(self, queryset, name, value):
        if value == "yes":
            return queryset.exclude(verdict="")
        return queryset.filter(verdict="")

    def filter_speaker(self, queryset, name, value):
        return _with_attribution(queryset, Q(speaker__in=_resolving(Actor, value)))

    def filter_speaker_kind(self, queryset, name, value):
        condition = Q(speaker__kind__in=[kind for kind in value if kind != OUTLET_VOICE])
        if OUTLET_VOICE in value:
            condition |= Q(speaker__isnull=True)
        return _with_attribution(queryset, condition)

    def filter_outlet(self, queryset, name, value):
        return _with_attribution(queryset, Q(source__outlet__in=_resolving(Outlet, value)))

    def filter_outlet_kind(self, queryset, name, value):
        # Claim.outlet_kinds holds the kinds of its live attributions' outlets.
        mask = Claim.outlet_kind_mask(None if kind == UNKNOWN_OUTLET else kind for kind in value)
        return queryset.alias(outlet_kind_match=F("outlet_kinds").bitand(mask)).filter(
            outlet_kind_match__gt=0
        )

    def filter_event_from(self, queryset, name, value):
        # The event (a day or a range) ends on or after `value`.
        return queryset.filter(
            Q(event_end__gte=value) | Q(event_end__isnull=True, event_start__gte=value)
        )

    def filter_event_to(self, queryset, name, value):
        # The event starts on or before `value`.
        return queryset.filter(event_start__lte=value)

    def filter_has_disputes(self, queryset, name, value):
        disputes = Exists(
            Attribution.objects.live().filter(
                claim=OuterRef("pk"), stance=Attribution.Stance.DISPUTES
            )
        )
        return queryset.filter(disputes if value else ~disputes)

    def filter_nothing(self, queryset, name, value):
        return queryset

    @property
    def sort_key(self):
        """The sort in force: the one asked for, else best match when searching."""
        data = (
            self.form.cleaned_data if self.is_bound and hasattr(self.form, "cleaned_data") else {}
        )
        key = data.get("sort") or ("relevance" if data.get("q") else "newest")
        if key == "relevance" and not data.get("q"):
            key = "newest"
        return key

    def filter_queryset(self, queryset):
        """Filter, then sort. `self.filtered` keeps the unsorted set for the facets."""
        self.filtered = super().filter_queryset(queryset)
        return self.filtered.order_by(*_ordering(self.sort_key))

    # Facets ----------------------------------------------------------------

    def _only_counted_filters(self, *also):
        data = getattr(self.form, "cleaned_data", {})
        ignored = (*COUNTED_FILTERS, *also)
        return all(not value for name, value in data.items() if name not in ignored)

    def _counted_filters(self, rows):
        """`rows` (ClaimCount rows or search documents) filtered by COUNTED_FILTERS,
        with the same filter methods on their copies: identical semantics."""
        data = self.form.cleaned_data
        for name in COUNTED_FILTERS:
            rows = self.filters[name].filter(rows, data.get(name))
        return rows

    @cached_property
    def documents(self):
        """The search documents of the listed claims, where they alone can list them.

        On PostgreSQL, for a search that nothing but COUNTED_FILTERS narrows:
        the ClaimSearchDocuments it matches, of current claims, filtered on the
        documents' copies of status, verdict and outlet kinds, and annotated
        with `search_rank`. None otherwise. A broad word matches tens of
        thousands of claims: they are counted and paged from their documents,
        without joining each to its claim.
        """
        self.qs  # noqa: B018 -- runs the filters, validating the form
        data = getattr(self.form, "cleaned_data", {})
        if (
            not data.get("q")
            or self.form.errors
            or connections[self.queryset.db].vendor != "postgresql"
            or not self._only_counted_filters("q", "sort")
        ):
            return None
        documents = ClaimSearchDocument.objects.using(self.queryset.db).filter(current=True)
        return self._counted_filters(search.search_documents(documents, data["q"]))

    def ordered_documents(self):
        """The search documents of the listed claims in the order of the sort in force
        (`documents`), or None where those can't order them."""
        if self.documents is None or self.sort_key not in DOCUMENT_SORTS:
            return None
        return self.documents.order_by(*_ordering(self.sort_key))

    def facet_counts(self):
        """Counts of the filtered claims by status, verdict and outlet kind, and the total.

        One query: over ClaimCount when only status, verdict, reviewed and
        outlet kind filter the claims; over the documents a search matches
        when nothing else narrows it (`documents`); otherwise over the
        filtered claims (ClaimQuerySet.facet_counts). A claim carried by
        outlets of several kinds counts once under each.
        """
        self.qs  # noqa: B018 -- runs the filters, setting self.filtered
        if self._only_counted_filters("sort"):
            counts = self._counted_filters(ClaimCount.objects.all()).facet_counts()
        elif self.documents is not None:
            counts = self.documents.facet_counts()
        else:
            counts = self.filtered.facet_counts()
        return shaped(counts)


def shaped(counts):
    """Facet counts (ClaimQuerySet.facet_counts) as the claim list shows them."""
    by_verdict = counts["verdict"]
    by_outlet_kind = counts["outlet_kind"]
    by_outlet_kind[UNKNOWN_OUTLET] = by_outlet_kind.pop(None, 0)
    return {
        "status": counts["status"],
        "verdict": {key: n for key, n in by_verdict.items() if key},
        "unreviewed": by_verdict.get("", 0),
        "outlet_kind": by_outlet_kind,
        "total": counts["total"],
    }


# REST API lists (api/claims.py) ----------------------------------------------------

# The largest id a database integer column holds: larger ones are refused with a message.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An object's id: a whole number from 1 (a bad one gets 400, never a database error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


ATTRIBUTION_STATES = [
    ("live", "Live: evidence"),
    ("orphaned", "Orphaned: quote lost by a text correction"),
    ("removed", "Removed (soft-deleted)"),
    ("all", "All"),
]


class AttributionFilter(django_filters.FilterSet):
    """The API's attribution list. Without `state`, only live attributions (the evidence)."""

    claim = IdFilter(field_name="claim_id")
    source = IdFilter(field_name="source_id")
    speaker = IdFilter(field_name="speaker_id")
    relayed_via = IdFilter(field_name="relayed_via_id")
    kind = django_filters.ChoiceFilter(choices=Attribution.Kind.choices)
    stance = django_filters.ChoiceFilter(choices=Attribution.Stance.choices)
    state = django_filters.ChoiceFilter(
        choices=ATTRIBUTION_STATES, method="filter_state", help_text="Default: live"
    )

    class Meta:
        model = Attribution
        fields = []

    def filter_state(self, queryset, name, value):
        return queryset  # applied in filter_queryset, also when absent

    def filter_queryset(self, queryset):
        state = self.form.cleaned_data.get("state") or "live"
        if state == "live":
            queryset = queryset.live()
        elif state == "orphaned":
            queryset = queryset.orphaned()
        elif state == "removed":
            queryset = queryset.removed()
        return super().filter_queryset(queryset)


class AnnotationFilter(django_filters.FilterSet):
    """The API's annotation list. Deleted notes only with deleted=true."""

    claim = IdFilter(field_name="claim_id")
    attribution = IdFilter(field_name="attribution_id")
    source = IdFilter(field_name="source_id")
    parent = IdFilter(field_name="parent_id")
    author = django_filters.CharFilter(field_name="author__username")
    deleted = django_filters.BooleanFilter(
        method="filter_deleted", help_text="true: deleted notes only; default: live ones"
    )

    class Meta:
        model = Annotation
        fields = []

    def filter_deleted(self, queryset, name, value):
        return queryset  # applied in filter_queryset, also when absent

    def filter_queryset(self, queryset):
        deleted = bool(self.form.cleaned_data.get("deleted"))
        return super().filter_queryset(queryset.filter(deleted_at__isnull=not deleted))
