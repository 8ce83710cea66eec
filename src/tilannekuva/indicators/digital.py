"""Digital services: the county's portfolio of digital care pathways through its lifecycle, the
clients invited to, activated on and connected to the pathways, clients logged in to digital
services, remote contacts among realised visits, and chat volumes and response times.

Sources and what each is read as:

- `digital_pathway_stages`: the pathways as services. A pathway is in the stage of its latest
  row begun on or before a day (on a tie, the later stage in the lifecycle order of the code
  list `pathway_stage`: idea, queue, development, pilot, production, ended); an ended pathway
  stays "ended" until a later row restarts it. Only rows of stage "ended" carry a retirement
  reason (`end_reason`, code list `pathway_retirement_reason`).
- `digital_pathways`: clients' enrolments. Invited = the enrolment exists (`invited_at`);
  activated = `activated_at` recorded, whenever up to the extract; ended = `ended_at`, with the
  status saying how (`completed` as planned, `ended_early`). An enrolment's unit is the unit
  responsible for it and its age the client's age on the invitation day.
- Connected to a pathway: from the day the client activated an enrolment to the day it ended,
  both included. An enrolment still open is connected up to the latest day recorded anywhere in
  `digital_pathways` (an invitation, activation or end: the day of the extract), because the
  data hold no extract date and an open enrolment cannot be followed past the data. Invited
  clients who never activated are not connected: they are counted by the invitation and
  activation indicators.
- Logged in: a use of any digital service in `digital_usage` with the person recorded (the
  client identified themself); an anonymous chat is not a login.
- Remote contacts: realised visits (status `done`) by phone, video, chat or asynchronous
  message, among all realised visits. Chat and message contacts count: they are encounters the
  professional recorded as visits without the client present (remote contacts, etäasiointi, in
  the broad sense), and the mode is a dimension of the count, so a reader who means only phone
  and video appointments (etävastaanotto) can keep them apart. The chat platform's own
  conversations are the chat indicators below, not visits.
- Chats: usage events of the nurse chat and the social-care chat (`CHAT_SERVICES`), placed by
  the day they started. Response time is the elapsed time from the start to the first response
  (real minutes, also across a daylight-saving change); a chat with no first response is
  unanswered. Anonymous chats have no person: for suppression each counts as a person of its
  own, and the chat indicators have no municipality or age dimension.

Persons over a period (connected and logged-in clients) are aged on the period's first day, so
each person has one age band per period.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ..schema import codes
from .model import Count, Distribution, Indicator, Names, Quantile, Share
from .sources import Sources
from .waits import with_person, with_unit

#: Digital services that are chats (conversations with a professional in real time).
CHAT_SERVICES = ("nurse_chat", "social_chat")
#: Visit modes that are remote contacts (the rest, physical and home visits, are in person).
REMOTE_CONTACT_TYPES = ("phone", "video", "chat", "async_message")
#: Months between the first days of consecutive periods of each grain.
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}

GROUP = "digital"
ENROLMENT_DIMENSIONS = ("pathway", "unit", "service_area", "municipality", "age_band")
ENROLMENT_TABLES = ("digital_pathways", "persons", "units")
VISIT_DIMENSIONS = ("unit", "service_area", "service", "profession", "municipality", "age_band")
CHAT_DIMENSIONS = ("digital_service", "unit", "service_area")


def _stage_order(stage: ir.StringValue) -> ir.IntegerValue:
    """Position of a stage in the lifecycle (the order of the code list `pathway_stage`)."""
    return ibis.cases(*((stage == code, i) for i, code in enumerate(codes("pathway_stage"))),
                      else_=-1)


def pathway_stages_on_days(src: Sources) -> ir.Table:
    """One row per (measurement day, pathway) with the stage the pathway was in that day."""
    s = src.table("digital_pathway_stages")
    days = src.as_of()
    t = s.join(days, s.entered_on <= days.as_of)
    t = t.mutate(_k=ibis.row_number().over(
        group_by=[t.as_of, t.pathway],
        order_by=[ibis.desc(t.entered_on), ibis.desc(_stage_order(t.stage))]))
    t = t.filter(t._k == 0)
    return t.select(day=t.as_of, subject=ibis.null("string"), pathway=t.pathway,
                    pathway_stage=t.stage)


def ended_pathways(src: Sources) -> ir.Table:
    """Each entry of a pathway into the stage "ended", on its day, with the reason."""
    s = src.table("digital_pathway_stages")
    s = s.filter(s.stage == "ended")
    return s.select(day=s.entered_on, subject=ibis.null("string"), pathway=s.pathway,
                    end_reason=s.end_reason)


def enrolments(src: Sources) -> ir.Table:
    """Enrolments placed by the invitation day, `hit` = activated (for the activation share),
    with the client's age band and municipality and the unit's service area."""
    e = src.table("digital_pathways")
    t = e.select(person_id=e.person_id, unit=e.unit_id, pathway=e.pathway,
                 invited=e.invited_at.date(), hit=e.activated_at.notnull())
    t = with_unit(with_person(t, src, on="invited"), src)
    return t.mutate(day=t.invited, subject=t.person_id)


def ended_enrolments(src: Sources) -> ir.Table:
    """Enrolments that ended, completed or early, placed by the day they ended; `hit` = ended
    early. Age is still taken on the invitation day, as for the other enrolment figures."""
    e = src.table("digital_pathways")
    e = e.filter(e.status.isin(("completed", "ended_early")), e.ended_at.notnull())
    t = e.select(person_id=e.person_id, unit=e.unit_id, pathway=e.pathway,
                 invited=e.invited_at.date(), ended=e.ended_at.date(),
                 hit=e.status == "ended_early")
    t = with_unit(with_person(t, src, on="invited"), src)
    return t.mutate(day=t.ended, subject=t.person_id)


def connected_clients(src: Sources) -> ir.Table:
    """One row per (activated enrolment, period it was connected in), placed on the period's
    first day. An open enrolment runs to the latest day recorded in the table."""
    e = src.table("digital_pathways")
    e = e.mutate(_last=ibis.greatest(e.invited_at.max(), e.activated_at.max(),
                                     e.ended_at.max()).date())
    e = e.filter(e.activated_at.notnull())
    first = src.period(e.activated_at.date()).cast("timestamp")
    last = src.period(ibis.coalesce(e.ended_at.date(), e._last)).cast("timestamp")
    # Period starts from the activation's to the end's; the stop is exclusive, hence a day more.
    starts = ibis.range(first, last + ibis.interval(days=1),
                        ibis.interval(months=PERIOD_MONTHS[src.grain]))
    t = e.select(person_id=e.person_id, unit=e.unit_id, pathway=e.pathway, _start=starts)
    t = t.unnest("_start")
    t = t.mutate(day=t._start.date()).drop("_start")
    t = with_unit(with_person(t, src, on="day"), src)
    return t.mutate(subject=t.person_id)


def logged_in_clients(src: Sources) -> ir.Table:
    """Uses of digital services by an identified person, placed by the day the use started;
    the person is aged on the first day of that day's period."""
    u = src.table("digital_usage")
    u = u.filter(u.person_id.notnull())
    t = u.select(person_id=u.person_id, unit=u.unit_id, digital_service=u.digital_service,
                 day=u.started_at.date())
    t = t.mutate(period_start=src.period(t.day))
    t = with_unit(with_person(t, src, on="period_start"), src)
    return t.mutate(subject=t.person_id)


def realised_visits(src: Sources) -> ir.Table:
    """Realised visits (status done), `hit` = remote contact, placed by the day of the visit."""
    v = src.table("visits")
    v = v.filter(v.status == "done")
    t = v.select(person_id=v.person_id, unit=v.unit_id, profession=v.profession,
                 service=v.service, contact_type=v.contact_type, day=v.start_at.date(),
                 hit=v.contact_type.isin(REMOTE_CONTACT_TYPES))
    t = with_unit(with_person(t, src, on="day"), src)
    return t.mutate(subject=t.person_id)


def remote_visits(src: Sources) -> ir.Table:
    """The remote contacts among the realised visits (the rows `remote_appointments` counts)."""
    t = realised_visits(src)
    return t.filter(t.hit)


def chats(src: Sources) -> ir.Table:
    """Chat conversations placed by the day they started; `hit` = unanswered, `amount` =
    minutes to the first response (null when unanswered). An anonymous chat is its own
    subject, marked so that no usage id can pass for a person's pseudonym."""
    u = src.table("digital_usage")
    u = u.filter(u.digital_service.isin(CHAT_SERVICES))
    minutes = u.first_response_at.delta(u.started_at, unit="millisecond") / 60_000
    subject = ibis.coalesce(u.person_id, "usage:" + u.usage_id)
    t = u.select(day=u.started_at.date(), subject=subject, unit=u.unit_id,
                 digital_service=u.digital_service, hit=u.first_response_at.isnull(),
                 amount=minutes.cast("float64"))
    return with_unit(t, src)


def answered_chats(src: Sources) -> ir.Table:
    """The chats with a first response: an unanswered chat has no wait to take a quantile of."""
    t = chats(src)
    return t.filter(~t.hit)


ENROLMENT_PLACE = Names(
    fi=("Yksikkö on hoitopolkujaksosta vastaava yksikkö, ikä asiakkaan ikä täysinä vuosina "
        "kutsupäivänä ja kunta asiakkaan asuinkunta. "),
    sv=("Enhet är den enhet som ansvarar för inskrivningen, ålder klientens ålder i hela år "
        "på inbjudningsdagen och kommun klientens hemkommun. "),
    en=("Unit is the unit responsible for the enrolment, age the client's age in whole years "
        "on the invitation day, and municipality the client's municipality of residence. "),
)
CHAT_SCOPE = Names(
    fi=("Chat-keskustelut ovat digital_usage-taulun hoitajan chatin ja sosiaalihuollon chatin "
        "käyttötapahtumia (digital_service nurse_chat, social_chat), ja ne tilastoidaan "
        "päivälle, jona asiakas aloitti keskustelun (started_at, Helsingin aika). Yksikkö on "
        "vastaava yksikkö. Pienten lukujen peittämisessä nimetön chat lasketaan omaksi "
        "henkilökseen. "),
    sv=("Chattsamtalen är användningshändelser i tabellen digital_usage för sjukskötarchatten "
        "och socialvårdschatten (digital_service nurse_chat, social_chat) och hänförs till den "
        "dag klienten inledde samtalet (started_at, Helsingforstid). Enhet är den svarande "
        "enheten. Vid döljandet av små tal räknas en anonym chatt som en egen person. "),
    en=("Chat conversations are the usage events of the nurse chat and the social-care chat "
        "(digital_service nurse_chat, social_chat) in digital_usage, placed by the day the "
        "client started the chat (started_at, Helsinki date). Unit is the answering unit. For "
        "small-count suppression an anonymous chat counts as a person of its own. "),
)
RESPONSE_TIME = Names(
    fi=("Odotusaika on kulunut aika minuutteina keskustelun alusta (started_at) ammattilaisen "
        "ensimmäiseen vastaukseen (first_response_at), myös kesäaikaan siirryttäessä todellisena "
        "aikana. Mukana ovat vain vastatut keskustelut; vastaamattomat ovat luvussa "
        "chat_unanswered_share. "),
    sv=("Väntetiden är den förflutna tiden i minuter från samtalets början (started_at) till "
        "det första svaret från en yrkesutbildad person (first_response_at), i verklig tid "
        "även vid övergång till sommartid. Endast besvarade samtal ingår; de obesvarade finns i "
        "talet chat_unanswered_share. "),
    en=("The wait is the elapsed time in minutes from the start of the chat (started_at) to "
        "the first response from a professional (first_response_at), in real time also "
        "across a daylight-saving change. Only answered chats are counted; the unanswered are "
        "in chat_unanswered_share. "),
)
VISIT_PLACE = Names(
    fi=("Peruttuja ja käyttämättä jääneitä aikoja ei lasketa. Tilastoidaan käyntipäivälle "
        "(Helsingin aika); yksikkö, ammattiryhmä ja palvelu ovat käynnin, ikä on ikä täysinä "
        "vuosina käyntipäivänä ja kunta asuinkunta."),
    sv=("Inställda och uteblivna besök räknas inte. Hänförs till besöksdagen "
        "(Helsingforstid); enhet, yrkesgrupp och tjänst är besökets, ålder är åldern i hela år "
        "på besöksdagen och kommun hemkommunen."),
    en=("Cancelled and no-show bookings are not counted. Placed by the day of the visit "
        "(Helsinki date); unit, profession and service are the visit's, age is the age in "
        "whole years on the day of the visit and municipality the municipality of "
        "residence."),
)
REMOTE_MEANING = Names(
    fi=("Etäasiointia ovat puhelin-, video-, chat- ja viestiasiointikäynnit (contact_type "
        "phone, video, chat, async_message): kaikki ovat ammattilaisen käyntinä kirjaamia "
        "kohtaamisia, joissa asiakas ei ollut paikalla. Pelkät puhelin- ja videovastaanotot "
        "saa yhteystavan mukaan jaetusta luvusta remote_appointments. Chat-palvelun omat "
        "keskustelut ovat luvussa chat_conversations eivätkä ole käyntejä. "),
    sv=("Distanskontakter är besök per telefon, video, chatt och meddelande (contact_type "
        "phone, video, chat, async_message): alla är möten som den yrkesutbildade registrerat "
        "som besök utan att klienten var på plats. Enbart telefon- och videomottagningar fås "
        "ur talet remote_appointments uppdelat efter kontaktsätt. Chattjänstens egna samtal "
        "finns i talet chat_conversations och är inte besök. "),
    en=("Remote contacts are visits by phone, video, chat and asynchronous message "
        "(contact_type phone, video, chat, async_message): all are encounters the "
        "professional recorded as visits without the client present. Phone and video "
        "appointments alone are in remote_appointments split by the mode of contact. The "
        "chat platform's own conversations are in chat_conversations and are not visits. "),
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "digital_pathways_by_stage",
        Names("Digihoitopolut elinkaaren vaiheittain",
              "Digitala vårdstigar efter livscykelskede",
              "Digital care pathways by lifecycle stage"),
        Names("Hyvinvointialueen digihoitopolut sen elinkaaren vaiheen mukaan, jossa ne olivat "
              "mittauspäivänä (jakson viimeinen päivä tai aikavälin viimeinen päivä): "
              "ideavaihe, kehitysjonossa, kehitteillä, pilotissa, tuotannossa, päättynyt. "
              "Hoitopolku on siinä vaiheessa, jonka viimeisin digital_pathway_stages-rivi alkoi "
              "(entered_on) viimeistään mittauspäivänä; jos kaksi vaihetta alkoi samana "
              "päivänä, lasketaan tässä järjestyksessä myöhempi. Hoitopolku, jonka mikään vaihe "
              "ei ole alkanut mittauspäivään mennessä, ei vielä kuulu valikoimaan; päättynyt "
              "hoitopolku pysyy luokassa päättynyt, kunnes myöhempi rivi käynnistää sen "
              "uudelleen. Osoittaja = vaiheen hoitopolut, nimittäjä = kaikki valikoiman "
              "hoitopolut mittauspäivänä. Luku koskee hoitopolkuja eikä henkilöitä, joten sitä "
              "ei koskaan peitetä.",
              "Välfärdsområdets digitala vårdstigar efter det livscykelskede de befann sig i "
              "på mätdagen (periodens sista dag eller intervallets sista dag): idéstadium, i "
              "utvecklingskön, under utveckling, i pilotfas, i produktion, avslutad. En "
              "vårdstig befinner sig i det skede vars senaste rad i digital_pathway_stages "
              "började (entered_on) senast på mätdagen; när två skeden började samma dag "
              "räknas det senare i denna ordning. En vårdstig utan något påbörjat skede på "
              "mätdagen hör ännu inte till utbudet; en avslutad vårdstig stannar i klassen "
              "avslutad tills en senare rad startar den på nytt. Täljare = vårdstigarna i "
              "skedet, nämnare = alla vårdstigar i utbudet på mätdagen. Talet gäller "
              "vårdstigar, inte personer, och döljs därför aldrig.",
              "The county's digital care pathways by the lifecycle stage they were in on the "
              "measurement day (the last day of the period or of the range): idea, queued for "
              "development, in development, pilot, in production, ended. A pathway is in the "
              "stage of its latest row in digital_pathway_stages begun (entered_on) on or "
              "before the measurement day; when two stages began on the same day, the later "
              "one in this order counts. A pathway with no stage begun by the day is not yet "
              "in the portfolio; an ended pathway stays in the class ended until a later row "
              "restarts it. Numerator = pathways in the stage, denominator = all pathways in "
              "the portfolio on the day. About pathways, not persons: never suppressed."),
        unit="share", better=None, measure=Distribution(by="pathway_stage"),
        events=pathway_stages_on_days, dimensions=("pathway",),
        source_tables=("digital_pathway_stages",), snapshot=True, about_persons=False,
        group=GROUP),
    Indicator(
        "digital_pathways_ended",
        Names("Päättyneet digihoitopolut", "Avslutade digitala vårdstigar",
              "Digital care pathways ended"),
        Names("Niiden digihoitopolkujen määrä, jotka siirtyivät vaiheeseen päättynyt (otettiin "
              "pois käytöstä), päättymisen syyn mukaan: korvattu toisella palvelulla, vähäinen "
              "käyttö, siirtynyt valtakunnalliseen palveluun, kustannukset, riittämätön "
              "kliininen näyttö, tietojärjestelmän vaihto, muu. Tilastoidaan päivälle, jona "
              "vaihe alkoi (digital_pathway_stages.entered_on). Päättyminen ilman kirjattua "
              "syytä näkyy tyhjänä syynä. Päättynyt, uudelleen käynnistetty ja uudelleen "
              "päättynyt hoitopolku lasketaan kumpanakin kertana. Luku koskee hoitopolkuja "
              "eikä henkilöitä, joten sitä ei peitetä.",
              "Antalet digitala vårdstigar som övergick till skedet avslutad (togs ur bruk), "
              "efter orsaken: ersatt av en annan tjänst, låg användning, överförd till en "
              "nationell tjänst, kostnader, otillräckliga kliniska belägg, byte av "
              "informationssystem, annan. Hänförs till den dag skedet började "
              "(digital_pathway_stages.entered_on). En avslutning utan registrerad orsak visas "
              "med tom orsak. En vårdstig som avslutats, startats på nytt och avslutats igen "
              "räknas båda gångerna. Talet gäller vårdstigar, inte personer, och döljs inte.",
              "Number of digital care pathways that entered the stage ended (were taken out "
              "of use), by the reason: replaced by another service, low use, moved to a "
              "national service, cost, insufficient clinical evidence, change of information "
              "system, other. Placed by the day the stage began "
              "(digital_pathway_stages.entered_on). An ending with no reason recorded shows "
              "with an empty reason. A pathway ended, restarted and ended again counts both "
              "times. About pathways, not persons: never suppressed."),
        unit="count", better=None, measure=Count("rows"), events=ended_pathways,
        dimensions=("pathway", "end_reason"), source_tables=("digital_pathway_stages",),
        about_persons=False, group=GROUP),
    Indicator(
        "digital_pathway_clients",
        Names("Digihoitopolulle kutsutut asiakkaat", "Klienter inbjudna till en digital "
              "vårdstig", "Clients invited to a digital care pathway"),
        Names("Niiden eri henkilöiden määrä, jotka kutsuttiin (liitettiin) digihoitopolulle "
              "jakson aikana: digital_pathways-taulun hoitopolkujaksot kutsupäivän (invited_at, "
              "Helsingin aika) mukaan, riippumatta siitä, ottiko asiakas hoitopolun käyttöön. "
              "Useasti kutsuttu henkilö lasketaan kerran kussakin solussa (kerran "
              "hoitopolkua ja yksikköä kohden, kun luku jaetaan niiden mukaan, ja kerran "
              "kokonaismäärässä). " + ENROLMENT_PLACE.fi,
              "Antalet olika personer som bjöds in till (skrevs in på) en digital vårdstig "
              "under perioden: inskrivningar i tabellen digital_pathways efter "
              "inbjudningsdagen (invited_at, Helsingforstid), oberoende av om klienten tog "
              "vårdstigen i bruk. En person som bjudits in flera gånger räknas en gång i varje "
              "cell (en gång per vårdstig och enhet när talet delas upp efter dem, och en gång "
              "i totalen). " + ENROLMENT_PLACE.sv,
              "Number of distinct persons invited to (enrolled on) a digital care pathway in "
              "the period: enrolments in digital_pathways placed by the invitation day "
              "(invited_at, Helsinki date), whether or not the client went on to use the "
              "pathway. A person invited several times is counted once in each cell (once per "
              "pathway and unit when broken down by them, once in the total). "
              + ENROLMENT_PLACE.en),
        unit="count", better=None, measure=Count("persons"), events=enrolments,
        dimensions=ENROLMENT_DIMENSIONS, source_tables=ENROLMENT_TABLES, group=GROUP),
    Indicator(
        "digital_pathway_activation",
        Names("Digihoitopolun käyttöön ottaneiden osuus kutsutuista",
              "Andelen av de inbjudna som tog den digitala vårdstigen i bruk",
              "Share of invited clients who activated the digital care pathway"),
        Names("Niiden digihoitopolkujaksojen osuus, joissa asiakas otti hoitopolun käyttöön: "
              "osoittaja = jaksot, joille on kirjattu käyttöönottoaika (activated_at), "
              "nimittäjä = kaikki jaksot, kutsupäivän (invited_at) mukaan. Kukin jakso "
              "lasketaan, joten kahdelle hoitopolulle kutsuttu henkilö on nimittäjässä kahdesti. "
              "Käyttöönotot lasketaan milloin tahansa ennen aineiston poimintaa, joten "
              "viimeisimpien jaksojen osuus voi vielä nousta myöhäisten käyttöönottojen "
              "myötä. " + ENROLMENT_PLACE.fi,
              "Andelen inskrivningar på en digital vårdstig där klienten tog vårdstigen i bruk: "
              "täljare = inskrivningar med registrerad ibruktagningstid (activated_at), nämnare "
              "= alla inskrivningar, efter inbjudningsdagen (invited_at). Varje inskrivning "
              "räknas, så en person som bjudits in till två vårdstigar finns två gånger i "
              "nämnaren. Ibruktagningar räknas när som helst före uttaget av materialet, så "
              "andelen för de senaste perioderna kan ännu stiga när sena ibruktagningar "
              "registreras. " + ENROLMENT_PLACE.sv,
              "Share of enrolments on a digital care pathway whose client activated (started "
              "using) it: numerator = enrolments with an activation time (activated_at) "
              "recorded, denominator = all enrolments, placed by the invitation day "
              "(invited_at). Each enrolment counts, so a person invited to two pathways is "
              "twice in the denominator. Activations count whenever they came before the data "
              "were extracted, so the latest periods can still rise as late activations are "
              "recorded. " + ENROLMENT_PLACE.en),
        unit="share", better="higher", measure=Share(), events=enrolments,
        dimensions=ENROLMENT_DIMENSIONS, source_tables=ENROLMENT_TABLES, group=GROUP),
    Indicator(
        "digital_pathway_ended_early",
        Names("Keskeytyneiden osuus päättyneistä digihoitopolkujaksoista",
              "Andelen avbrutna av de avslutade inskrivningarna på digitala vårdstigar",
              "Share of ended digital care pathway enrolments that ended early"),
        Names("Niiden päättyneiden digihoitopolkujaksojen osuus, jotka päättyivät ennen kuin "
              "hoito niillä oli valmis: osoittaja = jaksot, joiden tila on keskeytynyt "
              "(ended_early), nimittäjä = jaksot, joiden tila on päättynyt suunnitellusti "
              "(completed) tai keskeytynyt ja joille on kirjattu päättymisaika (ended_at); "
              "tilastoidaan päättymispäivälle. Yhä avoimia jaksoja ei lasketa, eikä jaksoja, "
              "joiden tila on ristiriidassa päättymisajan kanssa (kutsuttu tai aktiivinen, "
              "vaikka päättymisaika on kirjattu). Keskeytymisen syyt (ei käyttöä, siirtyi "
              "muuhun hoitoon, asiakas kieltäytyi, kuollut, muu) eivät ole tämän luvun "
              "ulottuvuus: ulottuvuus end_reason on koko hoitopolun päättymisen syy "
              "(digital_pathways_ended), ja oman syynsä mukaan jaettu osuus olisi aina 0 tai "
              "1. " + ENROLMENT_PLACE.fi,
              "Andelen av de avslutade inskrivningarna på en digital vårdstig som avslutades "
              "innan vården på den var klar: täljare = inskrivningar med status avbruten "
              "(ended_early), nämnare = inskrivningar med status avslutad enligt plan "
              "(completed) eller avbruten och en registrerad sluttid (ended_at); hänförs till "
              "slutdagen. Ännu öppna inskrivningar räknas inte, inte heller sådana vars status "
              "strider mot sluttiden (inbjuden eller aktiv fast en sluttid registrerats). "
              "Orsakerna till avbrott (ingen användning, överförd till annan vård, klienten "
              "avböjde, död, annan) är ingen dimension här: dimensionen end_reason är orsaken "
              "till att hela vårdstigen avslutades (digital_pathways_ended), och en andel "
              "uppdelad efter sin egen orsak vore alltid 0 eller 1. " + ENROLMENT_PLACE.sv,
              "Share of the ended enrolments on a digital care pathway that ended before the "
              "care on it was complete: numerator = enrolments with status ended early "
              "(ended_early), denominator = enrolments with status completed or ended early "
              "and an end time (ended_at) recorded; placed by the day the enrolment ended. "
              "Enrolments still open are not counted, nor those whose status contradicts the "
              "end time (invited or active although an end time is recorded). The reasons for "
              "ending early (no activity, moved to other care, client declined, died, other) "
              "are not a dimension here: the end_reason dimension is the reason a whole "
              "pathway was retired (digital_pathways_ended), and a share split by its own "
              "reason would always be 0 or 1. " + ENROLMENT_PLACE.en),
        unit="share", better="lower", measure=Share(), events=ended_enrolments,
        dimensions=ENROLMENT_DIMENSIONS, source_tables=ENROLMENT_TABLES, group=GROUP),
    Indicator(
        "digital_connected_clients",
        Names("Digihoitopolkuun liittyneet asiakkaat",
              "Klienter anslutna till en digital vårdstig",
              "Clients connected to a digital care pathway"),
        Names("Niiden eri henkilöiden määrä, jotka olivat liittyneinä digihoitopolkuun "
              "jossakin vaiheessa jaksoa. Asiakas on liittynyt siitä päivästä, jona hän otti "
              "hoitopolun käyttöön (activated_at), siihen päivään, jona jakso päättyi "
              "(ended_at), molemmat mukaan lukien; yhä avoin jakso lasketaan "
              "digital_pathways-taulun viimeisimpään kirjattuun päivään asti (kutsu, "
              "käyttöönotto tai päättyminen; aineiston poimintapäivä), koska aineistossa ei "
              "ole poimintapäivää. Kutsutut, jotka eivät ottaneet hoitopolkua käyttöön, eivät "
              "ole liittyneitä (ks. digital_pathway_clients). Henkilö lasketaan kerran jaksoa "
              "ja solua kohden, olipa hänellä kuinka monta hoitopolkua tahansa. Yksikkö ja "
              "hoitopolku ovat hoitopolkujakson, ikä on ikä täysinä vuosina jakson "
              "ensimmäisenä päivänä ja kunta asuinkunta.",
              "Antalet olika personer som var anslutna till en digital vårdstig någon gång "
              "under perioden. En klient är ansluten från den dag hen tog vårdstigen i bruk "
              "(activated_at) till den dag inskrivningen avslutades (ended_at), båda "
              "inräknade; en inskrivning som ännu är öppen räknas till den senaste dag som "
              "registrerats i tabellen digital_pathways (inbjudan, ibruktagning eller "
              "avslutning; dagen för uttaget), eftersom materialet saknar uttagsdag. Inbjudna "
              "som inte tog vårdstigen i bruk är inte anslutna (se digital_pathway_clients). "
              "En person räknas en gång per period och cell, hur många inskrivningar hen än "
              "hade. Enhet och vårdstig är inskrivningens, ålder är åldern i hela år på "
              "periodens första dag och kommun hemkommunen.",
              "Number of distinct persons connected to a digital care pathway at some time in "
              "the period. A client is connected from the day they activated the enrolment "
              "(activated_at) to the day it ended (ended_at), both included; an enrolment "
              "still open counts up to the latest day recorded in digital_pathways "
              "(invitation, activation or end; the day of the extract), as the data hold no "
              "extract date. Invited clients who never activated are not connected (see "
              "digital_pathway_clients). A person is counted once per period and cell however "
              "many enrolments they had. Unit and pathway are the enrolment's, age is the age "
              "in whole years on the first day of the period and municipality the "
              "municipality of residence."),
        unit="count", better=None, measure=Count("persons"), events=connected_clients,
        dimensions=ENROLMENT_DIMENSIONS, source_tables=ENROLMENT_TABLES, group=GROUP),
    Indicator(
        "digital_logged_in_clients",
        Names("Digipalveluihin tunnistautuneet asiakkaat",
              "Klienter som loggat in i digitala tjänster",
              "Clients logged in to digital services"),
        Names("Niiden eri henkilöiden määrä, jotka käyttivät jakson aikana vähintään yhtä "
              "digipalvelua tunnistautuneena asiakkaana: digital_usage-taulun "
              "käyttötapahtumat, joihin on kirjattu henkilö (chat, Omaolo-oirearvio, sähköinen "
              "ajanvaraus, viestiasiointi, etävastaanotto), käytön alkamispäivän (started_at, "
              "Helsingin aika) mukaan. Käyttö ilman henkilöä (nimetön chat) ei ole "
              "tunnistautuminen eikä sitä lasketa. Henkilö lasketaan kerran jaksoa ja solua "
              "kohden (kerran digipalvelua ja yksikköä kohden, kun luku jaetaan niiden "
              "mukaan, ja kerran kokonaismäärässä). Ikä on ikä täysinä vuosina jakson "
              "ensimmäisenä päivänä, kunta asuinkunta ja yksikkö vastannut yksikkö.",
              "Antalet olika personer som under perioden använde minst en digital tjänst som "
              "identifierad klient: användningshändelser i tabellen digital_usage med en "
              "registrerad person (chatt, Omaolo symtombedömning, elektronisk tidsbokning, "
              "säkert meddelande, distansmottagning), efter den dag användningen började "
              "(started_at, Helsingforstid). Användning utan person (en anonym chatt) är ingen "
              "inloggning och räknas inte. En person räknas en gång per period och cell (en "
              "gång per digital tjänst och enhet när talet delas upp efter dem, och en gång i "
              "totalen). Ålder är åldern i hela år på periodens första dag, kommun hemkommunen "
              "och enhet den enhet som svarade.",
              "Number of distinct persons who used at least one digital service as an "
              "identified client in the period: usage events in digital_usage with a person "
              "recorded (chat, Omaolo symptom check, online booking, secure message, remote "
              "appointment), placed by the day the use started (started_at, Helsinki date). A "
              "use with no person (an anonymous chat) is not a login and is not counted. A "
              "person is counted once per period and cell (once per digital service and unit "
              "when broken down by them, once in the total). Age is the age in whole years on "
              "the first day of the period, municipality the municipality of residence and "
              "unit the unit that answered."),
        unit="count", better=None, measure=Count("persons"), events=logged_in_clients,
        dimensions=("digital_service", "unit", "service_area", "municipality", "age_band"),
        source_tables=("digital_usage", "persons", "units"), group=GROUP),
    Indicator(
        "remote_appointment_share",
        Names("Etäasioinnin osuus toteutuneista käynneistä",
              "Andelen distanskontakter av de genomförda besöken",
              "Share of remote contacts among realised visits"),
        Names("Niiden toteutuneiden käyntien (tila toteutunut) osuus, jotka olivat "
              "etäasiointia: osoittaja = etäasiointikäynnit, nimittäjä = kaikki toteutuneet "
              "käynnit kaikissa palveluissa, sekä vastaanotto- ja kotikäynnit että "
              "etäasiointi. " + REMOTE_MEANING.fi + VISIT_PLACE.fi,
              "Andelen genomförda besök (status genomförd) som var distanskontakter: täljare = "
              "distanskontakterna, nämnare = alla genomförda besök i alla tjänster, både "
              "mottagnings- och hembesök och distanskontakter. " + REMOTE_MEANING.sv
              + VISIT_PLACE.sv,
              "Share of realised visits (status done) that were remote contacts: numerator = "
              "remote contacts, denominator = all realised visits in every service, visits "
              "in person (at the clinic or at home) and remote contacts alike. "
              + REMOTE_MEANING.en + VISIT_PLACE.en),
        unit="share", better=None, measure=Share(), events=realised_visits,
        dimensions=VISIT_DIMENSIONS, source_tables=("visits", "persons", "units"),
        group=GROUP),
    Indicator(
        "remote_appointments",
        Names("Toteutuneet etäasiointikäynnit", "Genomförda distanskontakter",
              "Realised remote contacts"),
        Names("Toteutuneiden etäasiointikäyntien määrä (tila toteutunut), eriteltävissä "
              "yhteystavan mukaan. " + REMOTE_MEANING.fi + VISIT_PLACE.fi,
              "Antalet genomförda distanskontakter (status genomförd), som kan delas upp efter "
              "kontaktsätt. " + REMOTE_MEANING.sv + VISIT_PLACE.sv,
              "Number of realised remote contacts (status done), which can be split by the "
              "mode of contact. " + REMOTE_MEANING.en + VISIT_PLACE.en),
        unit="count", better=None, measure=Count("rows"), events=remote_visits,
        dimensions=(*VISIT_DIMENSIONS, "contact_type"),
        source_tables=("visits", "persons", "units"), group=GROUP),
    Indicator(
        "chat_conversations",
        Names("Chat-keskustelut", "Chattsamtal", "Chat conversations"),
        Names("Jakson aikana aloitettujen chat-keskustelujen määrä, vastattiinpa niihin tai "
              "ei. " + CHAT_SCOPE.fi,
              "Antalet chattsamtal som inleddes under perioden, oberoende av om de besvarades. "
              + CHAT_SCOPE.sv,
              "Number of chat conversations started in the period, answered or not. "
              + CHAT_SCOPE.en),
        unit="count", better=None, measure=Count("rows"), events=chats,
        dimensions=CHAT_DIMENSIONS, source_tables=("digital_usage", "units"),
        group=GROUP),
    Indicator(
        "chat_first_response_minutes",
        Names("Chatin ensimmäisen vastauksen odotusajan mediaani",
              "Median för väntetiden till det första svaret i chatten",
              "Median wait for the first response in chat"),
        Names("Chat-keskustelujen odotusaikojen mediaani minuutteina (kahden keskimmäisen "
              "arvon keskiarvo, kun arvoja on parillinen määrä). " + RESPONSE_TIME.fi
              + CHAT_SCOPE.fi,
              "Medianen av chattsamtalens väntetider i minuter (medelvärdet av de två "
              "mittersta värdena när antalet är jämnt). " + RESPONSE_TIME.sv + CHAT_SCOPE.sv,
              "Median of the chat conversations' waits in minutes (the mean of the two middle "
              "values when their number is even). " + RESPONSE_TIME.en + CHAT_SCOPE.en),
        unit="minutes", better="lower", measure=Quantile(0.5), events=answered_chats,
        dimensions=CHAT_DIMENSIONS, source_tables=("digital_usage", "units"),
        group=GROUP),
    Indicator(
        "chat_first_response_minutes_p90",
        Names("Chatin ensimmäisen vastauksen odotusajan 90. persentiili",
              "90:e percentilen för väntetiden till det första svaret i chatten",
              "90th percentile of the wait for the first response in chat"),
        Names("Chat-keskustelujen odotusaikojen 90. persentiili minuutteina (jatkuva: "
              "lineaarinen interpolointi kahden lähimmän järjestysluvun välillä). "
              + RESPONSE_TIME.fi + CHAT_SCOPE.fi,
              "90:e percentilen av chattsamtalens väntetider i minuter (kontinuerlig: linjär "
              "interpolation mellan de två närmaste rangerna). " + RESPONSE_TIME.sv
              + CHAT_SCOPE.sv,
              "90th percentile of the chat conversations' waits in minutes (continuous: "
              "linear interpolation between the two nearest ranks). " + RESPONSE_TIME.en
              + CHAT_SCOPE.en),
        unit="minutes", better="lower", measure=Quantile(0.9), events=answered_chats,
        dimensions=CHAT_DIMENSIONS, source_tables=("digital_usage", "units"),
        group=GROUP),
    Indicator(
        "chat_unanswered_share",
        Names("Vastaamattomien chat-keskustelujen osuus", "Andelen obesvarade chattsamtal",
              "Share of chat conversations left unanswered"),
        Names("Niiden chat-keskustelujen osuus, joihin ei ole kirjattu ammattilaisen "
              "ensimmäistä vastausta (first_response_at tyhjä): asiakas poistui jonosta tai "
              "keskustelu suljettiin ennen vastausta. Poimintahetkellä yhä jonossa oleva "
              "keskustelu lasketaan vastaamattomaksi. " + CHAT_SCOPE.fi,
              "Andelen chattsamtal utan registrerat första svar från en yrkesutbildad person "
              "(first_response_at tom): klienten lämnade kön eller samtalet stängdes innan det "
              "besvarades. Ett samtal som ännu stod i kö vid uttaget räknas som obesvarat. "
              + CHAT_SCOPE.sv,
              "Share of chat conversations with no first response from a professional "
              "recorded (first_response_at empty): the client left the queue or the chat was "
              "closed before it was answered. A chat still queuing when the data were "
              "extracted counts as unanswered. " + CHAT_SCOPE.en),
        unit="share", better="lower", measure=Share(), events=chats,
        dimensions=CHAT_DIMENSIONS, source_tables=("digital_usage", "units"),
        group=GROUP),
)
