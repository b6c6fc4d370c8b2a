"""Synthetic demonstration data.

Every record made here is flagged `is_synthetic` and its text says so. Nothing
here is a real account: persons, testimonies and events are drawn from a seeded
random generator, so the same seed gives the same database.
"""

import datetime
import random

from django.db import transaction

from cases import publication, reidentification, workflow
from cases.dates import DatePrecision
from cases.disclosure import public_province
from cases.models import (
    BorderCrossing,
    Confidentiality,
    ConsentScope,
    CrossingLeg,
    Event,
    Facility,
    Information,
    Involvement,
    Knowledge,
    Organization,
    Person,
    Place,
    Proceeding,
    ProceedingEvent,
    ProceedingPerson,
    Reliability,
    Sex,
    Source,
    Testimony,
    TestimonySource,
    Violation,
    ViolationType,
    WorkflowStatus,
    new_code,
)

# Most people who reach the South come from the two border provinces.
ORIGIN_WEIGHTS = {"KP-09": 45, "KP-10": 25, "KP-08": 8, "KP-04": 4, "KP-03": 4, "KP-02": 4}
SETTLEMENT_WEIGHTS = {"KR-41": 30, "KR-11": 25, "KR-28": 10, "KR-26": 5, "KR-44": 5, "KR-43": 4}
STATUS_WEIGHTS = {
    WorkflowStatus.PUBLISHED: 60,
    WorkflowStatus.IN_REVIEW: 15,
    WorkflowStatus.DRAFT: 15,
    WorkflowStatus.RETURNED: 10,
}
CONFIDENTIALITY_WEIGHTS = {
    Confidentiality.STANDARD: 85,
    Confidentiality.RESTRICTED: 10,
    Confidentiality.CONFIDENTIAL: 5,
}
CONSENT_WEIGHTS = {
    ConsentScope.FULL: 35,
    ConsentScope.ANONYMISED: 30,
    ConsentScope.INTERNAL: 20,
    ConsentScope.NONE: 15,
}
# A few categories dominate real testimony databases.
CATEGORY_WEIGHTS = {"V04": 30, "V09": 20, "V05": 15, "V08": 10, "V01": 5, "V10": 5, "V14": 5}

STORIES = {
    "V04": (
        "Detention by the Ministry of State Security (보위부) in {place_en}",
        "{place_ko} 보위부 구금",
        "The witness describes being held for questioning by the state security department "
        "after an attempt to leave the country.",
        "증언자는 탈북 시도 후 보위부에 구금되어 조사를 받았다고 진술하였다.",
    ),
    "V09": (
        "Forced repatriation from China and interrogation in {place_en}",
        "중국에서 강제북송 후 {place_ko}에서 조사",
        "Arrested by Chinese public security, the witness was forcibly repatriated and "
        "questioned about contacts with South Koreans and churches.",
        "중국 공안에 체포되어 강제북송된 후 한국인 및 교회 접촉 여부를 조사받았다.",
    ),
    "V05": (
        "Beatings during pre-trial detention in {place_en}",
        "{place_ko} 예심 중 구타",
        "The witness reports beatings and forced kneeling for long periods during interrogation.",
        "증언자는 예심 과정에서 구타와 장시간 무릎 꿇기를 강요당했다고 진술하였다.",
    ),
    "V08": (
        "Travel permit refused and punishment for unauthorised travel in {place_en}",
        "{place_ko} 여행증명서 없이 이동하여 처벌",
        "The witness was punished for travelling to another province without a permit.",
        "증언자는 여행증명서 없이 다른 도로 이동하였다는 이유로 처벌받았다.",
    ),
    "V01": (
        "Public execution witnessed in {place_en}",
        "{place_ko} 공개처형 목격",
        "The witness saw a public execution held in a market square; residents were "
        "ordered to attend.",
        "증언자는 장마당 앞에서 열린 공개처형을 목격하였으며 주민들은 참석을 강요받았다.",
    ),
    "V10": (
        "Food shortage and deaths from hunger in {place_en}",
        "{place_ko} 식량난과 아사",
        "The witness describes the food shortage of the late 1990s and deaths nearby.",
        "증언자는 1990년대 후반 식량난과 이웃의 아사를 진술하였다.",
    ),
    "V14": (
        "Forced labour in a detention facility in {place_en}",
        "{place_ko} 구금시설 강제노동",
        "The witness was made to work in logging and farming for long hours without pay.",
        "증언자는 벌목과 농사에 장시간 무보수로 동원되었다.",
    ),
}
SYNTHETIC_NOTE_EN = "[Synthetic demo record, not a real account] "
SYNTHETIC_NOTE_KO = "[합성 예시 자료, 실제 증언 아님] "


def weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def random_date(rng, first_year, last_year):
    start = datetime.date(first_year, 1, 1).toordinal()
    end = datetime.date(last_year, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


class DemoGenerator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        # The sources' codes from a generator of their own: the records drawn from
        # `rng` stay what they were for each seed.
        self.source_rng = random.Random(f"sources-{seed}")
        self.recordings = {}
        self.places = {place.code: place for place in Place.objects.filter(level="province")}
        self.countries = {place.code: place for place in Place.objects.filter(level="country")}
        self.categories = {
            vt.code: list(vt.children.all()) or [vt]
            for vt in ViolationType.objects.filter(parent=None).prefetch_related("children")
        }
        self.organizations = list(Organization.objects.filter(country="KP"))
        self.facilities = list(Facility.objects.select_related("place__parent__parent"))
        missing = not (self.places and self.countries and self.categories)
        if missing:
            raise ValueError("Reference data is missing: run `python manage.py bootstrap` first.")

    def code(self, prefix):
        return new_code(prefix, rng=self.rng)

    def publication(self):
        return {
            "status": weighted(self.rng, STATUS_WEIGHTS),
            "confidentiality": weighted(self.rng, CONFIDENTIALITY_WEIGHTS),
            "is_synthetic": True,
        }

    def person(self, number):
        birth_year = self.rng.randint(1950, 1998)
        return Person.objects.create(
            code=self.code("P"),
            pseudonym=f"Demo {number:03d}",
            sex=self.rng.choices([Sex.FEMALE, Sex.MALE], weights=[72, 28])[0],
            birth_year=birth_year,
            birth_year_is_approximate=self.rng.random() < 0.3,
            origin_place=self.places.get(weighted(self.rng, ORIGIN_WEIGHTS)),
            occupation_in_north=self.rng.choice(Person.Occupation.values),
            education_in_north=self.rng.choice(
                [Person.Education.SECONDARY, Person.Education.SECONDARY, Person.Education.COLLEGE]
            ),
            is_alive=self.rng.random() < 0.95,
            **self.publication(),
        )

    def testimony(self, person):
        # After the period the testimony covers, which starts at 15 (below).
        interview_date = random_date(self.rng, max(2005, person.birth_year + 16), 2024)
        consent = weighted(self.rng, CONSENT_WEIGHTS)
        withdrawn = None
        if consent != ConsentScope.NONE and self.rng.random() < 0.05:
            withdrawn = interview_date + datetime.timedelta(days=self.rng.randint(30, 700))
        place = person.origin_place
        return Testimony.objects.create(
            code=self.code("T"),
            interviewee=person,
            interviewer="Demo interviewer",
            interview_date=interview_date,
            interview_country="KR",
            title_en=f"{SYNTHETIC_NOTE_EN}Testimony of {person.pseudonym} from {place.name_en}",
            title_ko=f"{SYNTHETIC_NOTE_KO}{place.name_ko} 출신 {person.pseudonym} 증언",
            public_summary_en=SYNTHETIC_NOTE_EN
            + "A generated summary of a life in the North and the journey out.",
            public_summary_ko=SYNTHETIC_NOTE_KO + "북한에서의 생활과 탈북 과정에 대한 생성된 요약.",
            transcript=SYNTHETIC_NOTE_KO + "녹취록 (생성된 예시 자료).",
            knowledge=Knowledge.EXPERIENCED,
            consent_scope=consent,
            consent_given_on=None if consent == ConsentScope.NONE else interview_date,
            consent_method="" if consent == ConsentScope.NONE else "signed form (demo)",
            consent_withdrawn_on=withdrawn,
            start_date=datetime.date(person.birth_year + 15, 1, 1),
            start_precision=DatePrecision.YEAR,
            end_date=interview_date,
            end_precision=DatePrecision.MONTH,
            **self.publication(),
        )

    def recording(self, testimony):
        """The testimony's own recording: held in confidence, named by its kind only
        in public, and counted with the testimony, never as a second source."""
        source = Source.objects.create(
            code=new_code("S", rng=self.source_rng),
            kind=Source.Kind.INTERVIEW,
            title=f"{SYNTHETIC_NOTE_EN}Recording of testimony {testimony.code}",
            is_public_document=False,
            is_synthetic=True,
        )
        TestimonySource.objects.create(
            testimony=testimony, source=source, notes="Synthetic: the interview's audio."
        )
        self.recordings[testimony.pk] = source
        return source

    def cite(self, event, testimony, facility):
        """The recording behind the testimony, and the public report documenting the
        facility (its public citation shown): one independent source more."""
        Information.objects.create(
            source=self.recordings[testimony.pk], event=event, knowledge=Knowledge.EXPERIENCED
        )
        if facility is not None and facility.source is not None:
            Information.objects.create(
                source=facility.source, event=event, knowledge=Knowledge.DOCUMENT
            )

    def event(self, testimony):
        person = testimony.interviewee
        category = weighted(self.rng, CATEGORY_WEIGHTS)
        if category not in self.categories:
            category = self.rng.choice(list(self.categories))
        place = person.origin_place
        title_en, title_ko, text_en, text_ko = STORIES.get(category, STORIES["V04"])
        year = self.rng.randint(max(1995, person.birth_year + 15), 2019)
        precision = self.rng.choices(
            [DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.APPROXIMATE], weights=[6, 3, 1]
        )[0]
        facility = None
        if category in ("V04", "V05", "V14") and self.facilities:
            facility = self.rng.choice(self.facilities)
            # Held where the facility is: a camp in North Hamgyong is not in Ryanggang.
            place = public_province(facility.place) or place
        event = Event.objects.create(
            code=self.code("E"),
            title_en=SYNTHETIC_NOTE_EN + title_en.format(place_en=place.name_en),
            title_ko=SYNTHETIC_NOTE_KO + title_ko.format(place_ko=place.name_ko),
            description_en=text_en,
            description_ko=text_ko,
            start_date=datetime.date(year, self.rng.randint(1, 12), 1),
            start_precision=precision,
            place=place,
            facility=facility,
            **self.publication(),
        )
        Information.objects.create(
            testimony=testimony,
            event=event,
            knowledge=Knowledge.EXPERIENCED,
            reliability=self.rng.choice([Reliability.HIGH, Reliability.MEDIUM]),
        )
        self.cite(event, testimony, facility)
        violation_type = self.rng.choice(self.categories[category])
        violation = Violation.objects.create(
            code=self.code("A"),
            event=event,
            violation_type=violation_type,
            victim=person,
            victim_age=year - person.birth_year,
            start_date=event.start_date,
            start_precision=precision,
            place=place,
            facility=facility,
            description_en=text_en,
            description_ko=text_ko,
            **self.publication(),
        )
        if self.organizations:
            Involvement.objects.create(
                violation=violation, perpetrator_organization=self.rng.choice(self.organizations)
            )
        Information.objects.create(
            testimony=testimony, violation=violation, knowledge=Knowledge.EXPERIENCED
        )
        return event

    def border_crossing(self, testimony):
        person = testimony.interviewee
        crossed = random_date(self.rng, 1997, 2019)
        outcome = self.rng.choices(
            [
                BorderCrossing.Outcome.REACHED_SOUTH_KOREA,
                BorderCrossing.Outcome.FORCIBLY_REPATRIATED,
                BorderCrossing.Outcome.TRAFFICKED,
            ],
            weights=[70, 20, 10],
        )[0]
        reached = outcome == BorderCrossing.Outcome.REACHED_SOUTH_KOREA
        crossing = BorderCrossing.objects.create(
            code=self.code("B"),
            person=person,
            testimony=testimony,
            departure_place=person.origin_place,
            crossing_date=crossed,
            crossing_date_precision=DatePrecision.MONTH,
            crossing_point=self.rng.choice(["Tumen River", "Yalu River"]) + " (demo)",
            broker=self.rng.choice(BorderCrossing.Broker.values),
            outcome=outcome,
            arrival_date=crossed + datetime.timedelta(days=self.rng.randint(60, 1500))
            if reached
            else None,
            arrival_date_precision=DatePrecision.MONTH if reached else DatePrecision.UNKNOWN,
            settlement_place=self.places.get(weighted(self.rng, SETTLEMENT_WEIGHTS))
            if reached
            else None,
            description_en=SYNTHETIC_NOTE_EN + "A generated route through China.",
            description_ko=SYNTHETIC_NOTE_KO + "중국을 거친 생성된 경로.",
            **self.publication(),
        )
        legs = [("CN", CrossingLeg.WhatHappened.HID)]
        if outcome == BorderCrossing.Outcome.FORCIBLY_REPATRIATED:
            legs.append(("CN", CrossingLeg.WhatHappened.REPATRIATED))
        elif outcome == BorderCrossing.Outcome.TRAFFICKED:
            legs.append(("CN", CrossingLeg.WhatHappened.TRAFFICKED))
        else:
            legs.append(
                (self.rng.choice(["LA", "TH", "MN", "VN"]), CrossingLeg.WhatHappened.DETAINED)
            )
            legs.append(("TH", CrossingLeg.WhatHappened.TRANSITED))
        for order, (country, what) in enumerate(legs, start=1):
            CrossingLeg.objects.create(
                crossing=crossing, order=order, country=self.countries[country], what_happened=what
            )
        return crossing


# Enough persons that some crossings reach k = 5 once their details are withheld
# (withhold_crossing_details); with 40, none did.
DEMO_PERSONS = 80


@transaction.atomic
def generate_demo_data(*, persons=DEMO_PERSONS, seed=1):
    """Create `persons` synthetic persons with their testimonies, events and routes."""
    # Synthetic records are made in the states the workflow would have reached.
    with publication.batch(), workflow.acting():  # the flags computed once, at the end
        counts = _generate(DemoGenerator(seed), persons)
        counts["proceedings"] = demo_proceedings(seed)
    withheld = withhold_singled_out()
    if withheld:
        counts["persons returned as below k"] = withheld
    details, returned = withhold_crossing_details()
    if details or returned:
        counts["crossing details withheld as below k"] = details
        counts["crossings returned as below k"] = returned
    return counts


def withhold_singled_out():
    """Synthetic public persons whose details fewer than k public persons share go
    back to "returned", as a reviewer's publication of them would have been refused
    (cases/reidentification.py): the demo keeps the publication policy too. Their
    groups are removed whole, so no other group shrinks. Returns how many."""
    codes = [code for code, _combination, _count in reidentification.below_k()]
    singled_out = list(Person._base_manager.filter(code__in=codes, is_synthetic=True))
    with publication.batch(), workflow.acting():
        for person in singled_out:
            person.status = WorkflowStatus.RETURNED
            person.save()
    return len(singled_out)


def withhold_crossing_details():
    """Synthetic public crossings of persons not published that look like fewer than k
    public crossings: as a reviewer would, withhold their dates, then where they
    started, then their region of settlement, and return those still below k.
    Returns (details withheld, crossings returned)."""
    details = 0
    for flag in ("withhold_year", "withhold_departure", "withhold_settlement", None):
        codes = [code for code, _details, _count in reidentification.crossings_below_k()]
        crossings = list(BorderCrossing._base_manager.filter(code__in=codes, is_synthetic=True))
        with publication.batch(), workflow.acting():
            for crossing in crossings:
                if flag is None:
                    crossing.status = WorkflowStatus.RETURNED
                else:
                    setattr(crossing, flag, True)
                    details += 1
                crossing.save()
    return details, len(crossings)


def _generate(generator, persons):
    counts = {"persons": 0, "testimonies": 0, "sources": 0, "events": 0, "border crossings": 0}
    for number in range(1, persons + 1):
        person = generator.person(number)
        counts["persons"] += 1
        if generator.rng.random() < 0.15:
            continue  # a victim named in others' accounts, with no testimony of their own
        testimony = generator.testimony(person)
        counts["testimonies"] += 1
        generator.recording(testimony)
        counts["sources"] += 1
        for _ in range(generator.rng.randint(1, 3)):
            generator.event(testimony)
            counts["events"] += 1
        if generator.rng.random() < 0.6:
            generator.border_crossing(testimony)
            counts["border crossings"] += 1
    return counts


Forum, Action, Result = Proceeding.Forum, Proceeding.Kind, Proceeding.Outcome
# (forum, kind of action, outcome, whether it names the victims, summary in English, in Korean)
PROCEEDINGS = [
    (Forum.WGAD, Action.SUBMISSION, Result.VIOLATION_FOUND, False,
     "A submission on detention without trial in a political prison camp.",
     "정치범수용소의 재판 없는 구금에 관한 진정."),
    (Forum.WGEID, Action.SUBMISSION, Result.TRANSMITTED, False,
     "A request to trace persons taken by state security and not seen since.",
     "보위부에 끌려간 뒤 소식이 끊긴 사람들의 소재 확인 요청."),
    (Forum.SPECIAL_RAPPORTEUR, Action.URGENT_APPEAL, Result.NO_RESPONSE, False,
     "An urgent appeal against the forced repatriation of a group held in China.",
     "중국에 억류된 일행의 강제송환에 반대하는 긴급 호소."),
    (Forum.WGEID, Action.FOLLOW_UP, Result.REPLIED, False,
     "Further information sent after the government's first reply.",
     "정부의 첫 답변 이후 보낸 추가 정보."),
    (Forum.CAT, Action.SUBMISSION, Result.PENDING, False,
     "A shadow report on torture during interrogation after repatriation.",
     "송환 후 조사 과정의 고문에 관한 대안 보고서."),
    (Forum.ACCOUNTABILITY, Action.OTHER, Result.OTHER, False,
     "Accounts shared with the accountability project, with the witnesses' consent.",
     "증언자의 동의를 받아 책임규명 프로젝트에 제공한 증언."),
    # Naming persons who are not published: never public (the persons' consent rule).
    (Forum.WGAD, Action.URGENT_APPEAL, Result.PENDING, True,
     "An urgent appeal for a named detainee.", "구금된 당사자를 위한 긴급 호소."),
    (Forum.HUMAN_RIGHTS_COMMITTEE, Action.SUBMISSION, Result.DISCONTINUED, True,
     "An individual communication, discontinued.", "개인 통보, 중단됨."),
]  # fmt: skip


def demo_proceedings(seed):
    """Synthetic proceedings about published demo events, from a generator of their
    own (the other records stay what they were for each seed). Returns how many."""
    rng = random.Random(f"proceedings-{seed}")
    events = list(
        Event._base_manager.filter(is_synthetic=True, status=WorkflowStatus.PUBLISHED).order_by(
            "code"
        )
    )
    if not events:
        return 0
    for forum, kind, outcome, names_victims, text_en, text_ko in PROCEEDINGS:
        submitted = random_date(rng, 2012, 2023)
        concerned = rng.sample(events, k=min(len(events), rng.randint(1, 3)))
        decided = outcome != Result.PENDING
        proceeding = Proceeding.objects.create(
            code=new_code("J", rng=rng),
            forum=forum,
            kind=kind,
            outcome=outcome,
            submitted_by="[Synthetic] NKDB",
            submitted_on=submitted,
            submitted_on_precision=DatePrecision.MONTH,
            outcome_on=datetime.date(submitted.year + 1, 1, 1) if decided else None,
            outcome_on_precision=DatePrecision.YEAR if decided else DatePrecision.UNKNOWN,
            summary_en=SYNTHETIC_NOTE_EN + text_en,
            summary_ko=SYNTHETIC_NOTE_KO + text_ko,
            status=WorkflowStatus.PUBLISHED,
            is_synthetic=True,
        )
        for event in concerned:
            ProceedingEvent.objects.create(proceeding=proceeding, event=event)
            if names_victims:
                for victim in Person._base_manager.filter(violations_suffered__event=event):
                    ProceedingPerson.objects.get_or_create(proceeding=proceeding, person=victim)
    return len(PROCEEDINGS)
