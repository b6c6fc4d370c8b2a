"""Persons, their identities kept apart, and their testimonies with consent."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases import names
from cases.models.base import (
    DERIVED_FIELDS,
    Knowledge,
    PeriodQuerySet,
    Publishable,
    PublishableQuerySet,
    Searchable,
    Sex,
    UncertainPeriod,
    public_in_order,
)
from cases.models.reference import Place
from cases.states import Confidentiality
from cases.vault import EncryptedTextField


def withheld_testimony_by(person_ref):
    """A subquery: the person gave a testimony without (or withdrawn) publication consent."""
    return Exists(Testimony.objects.without_publication_consent().filter(interviewee=person_ref))


class PersonQuerySet(PublishableQuerySet):
    def by_publication_rules(self):
        return self.reviewed_for_publication().exclude(withheld_testimony_by(OuterRef("pk")))


class Person(Publishable):
    """A victim, witness, interviewee or individual perpetrator, by pseudonym only."""

    code_prefix = "P"
    publication_fields = ("status", "confidentiality", "is_alive")

    class Education(models.TextChoices):
        NONE = "none", _("no schooling")
        KINDERGARTEN = "kindergarten", _("kindergarten")
        PRIMARY = "primary", _("primary school")
        SECONDARY = "secondary", _("secondary school")
        COLLEGE = "college", _("college")
        UNIVERSITY = "university", _("university or above")
        OTHER = "other", _("other")
        UNKNOWN = "unknown", _("unknown")

    class Occupation(models.TextChoices):
        # The Ministry of Unification's eight categories of occupation in the North.
        MANAGEMENT = "management", _("management")
        MILITARY = "military", _("military")
        WORKER = "worker", _("worker")
        UNEMPLOYED = "unemployed", _("unemployed or dependent")
        SERVICE = "service", _("service")
        ARTS_SPORTS = "arts_sports", _("arts and sports")
        PROFESSIONAL = "professional", _("professional")
        CHILD = "child", _("not applicable (child)")
        UNKNOWN = "unknown", _("unknown")

    pseudonym = models.CharField(
        _("pseudonym"),
        max_length=100,
        help_text=_("A name that cannot identify the person. Real names go in the identity vault."),
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    birth_year_is_approximate = models.BooleanField(_("year of birth approximate"), default=False)
    origin_place = models.ForeignKey(
        Place,
        verbose_name=_("place of origin"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="persons_from",
    )
    occupation_in_north = models.CharField(
        _("occupation in the North"),
        max_length=20,
        choices=Occupation.choices,
        default=Occupation.UNKNOWN,
    )
    education_in_north = models.CharField(
        _("education in the North"),
        max_length=20,
        choices=Education.choices,
        default=Education.UNKNOWN,
    )
    is_alive = models.BooleanField(
        _("living"),
        null=True,
        blank=True,
        help_text=_(
            "Events involving a living witness are never located more precisely than the province."
        ),
    )
    notes = models.TextField(_("internal notes"), blank=True)
    name_key = models.CharField(
        _("name key"),
        max_length=200,
        blank=True,
        default="",
        editable=False,
        help_text=_(
            "The pseudonym as the duplicate checks compare it, the same in Hangul and "
            "in romanization (cases/names.py); computed on save."
        ),
    )
    history = HistoricalRecords(excluded_fields=["is_public", "name_key"])

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["code"]
        permissions = [("merge_person", _("Can merge duplicate persons"))]
        indexes = [
            models.Index(fields=["pseudonym"]),
            models.Index(fields=["birth_year"]),
            models.Index(fields=["name_key"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1880, birth_year__lte=2100),
                name="person_birth_year_plausible",
            )
        ]

    def __str__(self):
        return f"{self.label} {self.pseudonym}"

    def save(self, *args, **kwargs):
        self.set_name_key()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    def set_name_key(self):
        """What save() computes; bulk writes (imports, seed_scale) call it themselves."""
        self.name_key = names.name_key(self.pseudonym)[
            : self._meta.get_field("name_key").max_length
        ]


class Identity(models.Model):
    """Who a person really is. Kept apart from Person; never shown publicly.

    Every field but the person is encrypted at rest (cases.vault). Only
    custodians read it, and each read is logged in IdentityAccess. Not versioned:
    history rows would be one more copy to protect.
    """

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="identity"
    )
    real_name = EncryptedTextField(_("real name"))
    other_names = EncryptedTextField(_("other names"), blank=True)
    contacts = EncryptedTextField(_("contacts"), blank=True)
    relatives_in_north = EncryptedTextField(_("relatives still in the North"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        permissions = [("deposit_identity", _("Can deposit an identity without reading it back"))]

    def __str__(self):
        return _("Identity of %(code)s") % {"code": self.person.code}

    def __repr__(self):
        return f"<Identity of person {self.person_id}>"


class IdentityAccess(models.Model):
    """One read or change of an identity: who, when, which person. Never the values."""

    class Action(models.TextChoices):
        READ = "read", _("read")
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        # A name of this identity found in a text a researcher saved (cases.vault).
        MATCHED = "matched", _("name found in a saved text")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    person_code = models.CharField(_("person"), max_length=20, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("identity access")
        verbose_name_plural = _("identity accesses")
        ordering = ["-at"]

    def __str__(self):
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()} {self.person_code}"
        )


class InterviewLanguage(models.TextChoices):
    KOREAN = "ko", _("Korean")
    ENGLISH = "en", _("English")
    CHINESE = "zh", _("Chinese")
    OTHER = "other", _("other")


class ConsentScope(models.TextChoices):
    NONE = "none", _("none recorded")
    INTERNAL = "internal", _("internal use only")
    ANONYMISED = "anonymised", _("anonymised publication")
    FULL = "full", _("full publication")


PUBLISHABLE_CONSENT = (ConsentScope.ANONYMISED, ConsentScope.FULL)


class TestimonyQuerySet(PeriodQuerySet):
    def consented_for_publication(self):
        return self.filter(consent_scope__in=PUBLISHABLE_CONSENT, consent_withdrawn_on__isnull=True)

    def without_publication_consent(self):
        return self.exclude(
            consent_scope__in=PUBLISHABLE_CONSENT, consent_withdrawn_on__isnull=True
        )

    def by_publication_rules(self):
        return (
            self.reviewed_for_publication()
            .consented_for_publication()
            .filter(interviewee__confidentiality=Confidentiality.STANDARD)
        )


class Testimony(Publishable, UncertainPeriod, Searchable):
    """An interview. Its period is the span of time the account covers."""

    code_prefix = "T"
    publication_fields = (
        "status",
        "confidentiality",
        "consent_scope",
        "consent_withdrawn_on",
        "interviewee",
    )
    workflow_fields = (
        "status",
        "confidentiality",
        "consent_scope",
        "consent_given_on",
        "consent_method",
        "consent_withdrawn_on",
    )

    interviewee = models.ForeignKey(
        Person, verbose_name=_("interviewee"), on_delete=models.PROTECT, related_name="testimonies"
    )
    interviewer = models.CharField(_("interviewer"), max_length=100, blank=True)
    interview_date = models.DateField(_("interview date"), null=True, blank=True)
    interview_country = models.CharField(
        _("country of interview"), max_length=2, blank=True, help_text=_("ISO alpha-2 code.")
    )
    language = models.CharField(
        _("language of the interview"),
        max_length=10,
        choices=InterviewLanguage.choices,
        default=InterviewLanguage.KOREAN,
    )
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    title_ko = models.CharField(_("Korean title"), max_length=300, blank=True)
    public_summary_en = models.TextField(
        _("public summary (English)"),
        blank=True,
        help_text=_("Written for publication: nothing that could identify the witness."),
    )
    public_summary_ko = models.TextField(_("public summary (Korean)"), blank=True)
    transcript = models.TextField(
        _("transcript"), blank=True, help_text=_("Restricted. Never published.")
    )
    knowledge = models.CharField(
        _("how the witness knows"),
        max_length=12,
        choices=Knowledge.choices,
        default=Knowledge.EXPERIENCED,
    )
    consent_scope = models.CharField(
        _("consent"), max_length=12, choices=ConsentScope.choices, default=ConsentScope.NONE
    )
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_method = models.CharField(
        _("how consent was given"),
        max_length=200,
        blank=True,
        help_text=_("For example: signed form, recorded oral consent."),
    )
    consent_withdrawn_on = models.DateField(_("consent withdrawn on"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=DERIVED_FIELDS)

    objects = TestimonyQuerySet.as_manager()

    class Meta:
        verbose_name = _("testimony")
        verbose_name_plural = _("testimonies")
        ordering = ["-interview_date", "code"]
        permissions = [
            (
                "view_restricted",
                _("Can see confidential records and transcripts of restricted testimonies"),
            ),
            ("withdraw_consent", _("Can record a withdrawal of consent")),
        ]
        indexes = [
            models.Index(fields=["status", "consent_scope"]),
            models.Index(fields=["earliest_date", "latest_date"]),
            public_in_order("testimony", ordering),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_scope=ConsentScope.NONE) | Q(consent_given_on__isnull=False),
                name="testimony_consent_dated",
                violation_error_message=_("Consent needs the date it was given."),
            ),
            models.CheckConstraint(
                condition=Q(consent_withdrawn_on__isnull=True)
                | Q(
                    consent_given_on__isnull=False,
                    consent_withdrawn_on__gte=models.F("consent_given_on"),
                ),
                name="testimony_withdrawal_after_consent",
                violation_error_message=_("Consent cannot be withdrawn before it was given."),
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.title or ''}".strip()

    @property
    def title(self):
        if (get_language() or "").startswith("ko") and self.title_ko:
            return self.title_ko
        return self.title_en or self.title_ko

    @property
    def consents_to_publication(self):
        return self.consent_scope in PUBLISHABLE_CONSENT and self.consent_withdrawn_on is None
