"""The contract list's filters (django-filter)."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from clauses.models import FamilleAchat
from core.models import Direction, Organisation

from .enums import Procedure, StatutConformite
from .models import Marche, consideration_environnementale, consideration_sociale
from .selectors import marche_search

CONSIDERATIONS = [
    ("sociale", "Avec une considération sociale"),
    ("clause_sociale", "Avec une clause sociale (condition d'exécution)"),
    ("critere_social", "Avec un critère social"),
    ("reserve", "Marché réservé"),
    ("environnementale", "Avec une considération environnementale"),
    ("sans_sociale", "Sans considération sociale"),
    ("sans_environnementale", "Sans considération environnementale"),
    ("aucune", "Sans aucune considération"),
]


class _ChoixListe(ModelChoiceIterator):
    """The options read with one plain query: Django's iterator() opens a server-side cursor on PostgreSQL
    (DECLARE, FETCH, CLOSE: three round trips) for lists of a few rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class _ChoixModeleField(ModelChoiceField):
    iterator = _ChoixListe


class _ChoixModeleFilter(django_filters.ModelChoiceFilter):
    field_class = _ChoixModeleField


def _years():
    this_year = datetime.date.today().year
    return [(str(y), str(y)) for y in range(this_year + 1, 2014, -1)]


class MarcheFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Recherche",
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": "Objet, identifiant, titulaire, SIRET"}),
    )
    annee = django_filters.ChoiceFilter(label="Année de notification", choices=_years, method="filter_annee",
                                     empty_label="Toutes les années")
    acheteur = _ChoixModeleFilter(label="Acheteur", queryset=Organisation.objects.none(),
                                                empty_label="Tous les acheteurs")
    direction = _ChoixModeleFilter(label="Direction", queryset=Direction.objects.none(),
                                                 empty_label="Toutes les directions")
    famille = _ChoixModeleFilter(label="Famille d'achat", queryset=FamilleAchat.objects.none(),
                                               empty_label="Toutes les familles")
    procedure = django_filters.ChoiceFilter(label="Procédure", choices=Procedure.choices,
                                          empty_label="Toutes les procédures")
    consideration = django_filters.ChoiceFilter(
        label="Considérations", choices=CONSIDERATIONS, method="filter_consideration",
        empty_label="Avec ou sans considération",
    )
    conformite = django_filters.ChoiceFilter(
        label="Conformité 2026", choices=StatutConformite.choices, field_name="statut_conformite",
        empty_label="Tous les statuts",
    )
    tri = django_filters.OrderingFilter(
        label="Trier par",
        empty_label="Date de notification (récentes d'abord)",
        fields=(
            ("date_notification", "date_notification"),
            ("montant_ht", "montant_ht"),
            ("objet", "objet"),
            ("identifiant", "identifiant"),
            ("acheteur__nom", "acheteur"),
        ),
        field_labels={
            "date_notification": "Date de notification",
            "montant_ht": "Montant",
            "objet": "Objet",
            "identifiant": "Identifiant",
            "acheteur": "Acheteur",
        },
    )

    class Meta:
        model = Marche
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        directions = Direction.objects.order_by("nom")
        if user is not None and user.role == "partenaire":
            self.filters["acheteur"].queryset = Organisation.objects.filter(pk=user.organisation_id)
            directions = directions.filter(organisation_id=user.organisation_id)  # not another buyer's
        else:
            # The instance, the partners and every buyer with a contract (EXISTS: one index probe per
            # organisation, where a join read the 100,000 contracts' buyer index).
            self.filters["acheteur"].queryset = Organisation.objects.filter(
                Q(type__in=["instance", "partenaire"]) | Exists(Marche.objects.filter(acheteur=OuterRef("pk")))
            ).order_by("nom")
        self.filters["direction"].queryset = directions
        self.filters["famille"].queryset = FamilleAchat.objects.order_by("nom")
        for field in self.form.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css

    def filter_q(self, queryset, name, value):
        return marche_search(queryset, value)

    def filter_annee(self, queryset, name, value):
        year = int(value)
        return queryset.filter(
            date_notification__gte=datetime.date(year, 1, 1),
            date_notification__lte=datetime.date(year, 12, 31),
        )

    def filter_consideration(self, queryset, name, value):
        sociale, env = consideration_sociale(), consideration_environnementale()
        return {
            "sociale": lambda: queryset.filter(sociale),
            "clause_sociale": lambda: queryset.filter(clause_sociale=True),
            "critere_social": lambda: queryset.filter(critere_social=True),
            "reserve": lambda: queryset.filter(marche_reserve=True),
            "environnementale": lambda: queryset.filter(env),
            "sans_sociale": lambda: queryset.exclude(sociale),
            "sans_environnementale": lambda: queryset.exclude(env),
            "aucune": lambda: queryset.exclude(sociale).exclude(env),
        }[value]()
