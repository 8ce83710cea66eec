"""Customer feedback in THL's national feedback model: the net promoter score with its confidence
interval, agreement with the basic statements and the number of answers, by unit, service,
service channel, response channel, language and service area; and, outside the registry, the
list of free-text comments for the roles entitled to read them (`comments`).

Source: `feedback_responses` (one row per answer: recommendation 0–10, six basic statements
1–5, an open comment), with `units` for the service area. Answers are anonymous and carry no
person identifier, so each answer stands as its own "person" (`subject` = response_id): a cell
with fewer answers than the minimum cell size is hidden like any small group of persons.

Assumptions (each stated in the indicators' definitions too):

- An answer is placed in the month of the Helsinki date it was given (`responded_at`), not of
  the service it is about: the answer does not record when the service was given.
- NPS = % of 9–10 minus % of 0–6 (access-rules.md). It is computed as the mean of a score of
  100 (9–10), 0 (7–8) or −100 (0–6) per answer, which equals that difference exactly, so the
  engine's Student t interval of a mean is the interval of the NPS. Answers without a
  recommendation are outside it.
- A basic statement is agreed with when answered 4 ("somewhat agree") or 5 ("fully agree") on
  the model's 1–5 scale; 3 (neither agree nor disagree) is not agreement. This "top two boxes"
  cut is the usual reading of a five-point agreement scale; unanswered statements are outside.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from .model import Count, Indicator, Mean, Names, Share
from .sources import Sources
from .waits import with_unit

#: The basic statements as the `statement` dimension names them (columns statement_<name>).
STATEMENTS = ("access", "treatment", "participation", "safety", "information", "usefulness")

#: Lowest statement score that counts as agreeing (4 = somewhat agree, 5 = fully agree).
AGREE_FROM = 4

#: Recommendation scores of promoters and the lowest score of passives (THL / NPS).
PROMOTER_FROM = 9
PASSIVE_FROM = 7


def answers(src: Sources) -> ir.Table:
    """One row per answer, placed on its Helsinki date, with its dimensions; the answer is its
    own subject (anonymous)."""
    f = src.table("feedback_responses")
    t = f.select(
        subject=f.response_id, day=f.responded_at.date(), unit=f.unit_id, service=f.service,
        service_channel=f.service_channel, response_channel=f.response_channel,
        language=f.language, recommendation=f.recommendation,
        **{f"statement_{name}": f[f"statement_{name}"] for name in STATEMENTS})
    return with_unit(t, src)


def recommendations(src: Sources) -> ir.Table:
    """Answers with a recommendation, `amount` their NPS score: 100, 0 or −100."""
    t = answers(src)
    t = t.filter(t.recommendation.notnull())
    return t.mutate(amount=ibis.cases((t.recommendation >= PROMOTER_FROM, 100),
                                      (t.recommendation >= PASSIVE_FROM, 0), else_=-100))


def statement_answers(src: Sources) -> ir.Table:
    """One row per answered basic statement of an answer: `statement` its name, `hit` when
    the score is `AGREE_FROM` or more."""
    t = answers(src).drop("recommendation")
    t = t.pivot_longer(ibis.selectors.startswith("statement_"), names_to="statement",
                       names_pattern=r"statement_(.+)", values_to="score")
    t = t.filter(t.score.notnull())
    return t.mutate(hit=t.score >= AGREE_FROM)


def comments(backend: ibis.BaseBackend, start: date, end: date,
             units: Sequence[str] | None) -> pd.DataFrame:
    """The free-text comments given from `start` to `end` (Helsinki dates, both included) on
    the units `units` (None: every unit), newest first: response_id, unit_id, responded_on
    (Helsinki date), service, service_channel, language, recommendation, comment. Comments
    that are missing, empty or only white space are left out.

    This is not an aggregate and is not suppressed: a comment can tell who wrote it or whom it
    is about even though the answer has no person identifier (identity codes are redacted at
    import, other details are not). The caller — the web layer — must show it only to the
    roles entitled to read feedback of those units and write every view to the audit log.
    `backend` is the Ibis backend of the county's tables (`Sources.backend`)."""
    f = backend.table("feedback_responses")
    day = f.responded_at.date()
    keep = [day >= start, day <= end, f.comment.notnull(), f.comment.strip().length() > 0]
    if units is not None:
        keep.append(f.unit_id.isin(list(units)))
    t = f.filter(*keep).order_by([f.responded_at.desc(), f.response_id])
    listed = t.select("response_id", "unit_id", responded_on=day, service="service",
                      service_channel="service_channel", language="language",
                      recommendation="recommendation", comment="comment").to_pandas()
    listed["responded_on"] = pd.to_datetime(listed["responded_on"]).dt.date
    return listed


DIMENSIONS = ("unit", "service", "service_channel", "response_channel", "language",
              "service_area")
TABLES = ("feedback_responses", "units")

#: Ends with a space or a full stop: the last fragment of every definition.
PLACED = Names(
    fi=("Vastaukset ovat nimettömiä: kukin vastaus lasketaan omaksi vastaajakseen "
        "pienten lukujen salauksessa, joten solu, jossa on vähemmän vastauksia kuin "
        "vähimmäismäärä, piilotetaan. Tilastoidaan vastauspäivän (Helsingin aika) "
        "kuukaudelle. Yksikkö on yksikkö, jota palaute koskee, palvelu ja palvelukanava "
        "kertovat, mitä palvelua ja miten annettiin, vastauskanava, miten vastaus kerättiin, "
        "ja kieli on kyselyn kieli."),
    sv=("Svaren är anonyma: varje svar räknas som en egen svarande vid skyddet av små tal, så "
        "en cell med färre svar än minimiantalet döljs. Hänförs till månaden för svarsdagen "
        "(Helsingforstid). Enhet är den enhet responsen gäller, tjänst och servicekanal anger "
        "vilken tjänst som gavs och hur, svarskanal hur svaret samlades in och språk "
        "enkätens språk."),
    en=("Answers are anonymous: each answer counts as its own respondent for small-count "
        "suppression, so a cell with fewer answers than the minimum is hidden. Placed in the "
        "month of the day of the answer (Helsinki date). Unit is the unit the feedback is "
        "about, service and service channel what service was given and how, response channel "
        "how the answer was collected, and language the questionnaire's."),
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "feedback_nps",
        Names("Suositteluindeksi (NPS)", "Rekommendationsindex (NPS)",
              "Net promoter score (NPS)"),
        Names("Asiakaspalautteen suositteluindeksi THL:n valtakunnallisessa mallissa: niiden "
              "vastausten prosenttiosuus, jotka antoivat suosittelukysymykseen (0–10: kuinka "
              "todennäköisesti suosittelisit saamaasi palvelua samassa tilanteessa olevalle "
              "läheisellesi tai ystävällesi) arvon 9 tai 10, vähennettynä arvon 0–6 antaneiden "
              "osuudella; arvot 7–8 ovat vain nimittäjässä. Vaihteluväli −100…+100. Vastauksia "
              "ilman suosittelua ei lasketa. Luku on keskiarvo pisteistä 100 (9–10), 0 (7–8) "
              "ja −100 (0–6), joten alaraja–yläraja on tämän keskiarvon 95 %:n luottamusväli "
              "Studentin t-jakaumasta (vapausasteita vastauksia − 1). ",
              "Rekommendationsindex för kundrespons i THL:s nationella modell: andelen svar i "
              "procent som gav 9 eller 10 på rekommendationsfrågan (0–10: hur sannolikt är det "
              "att du skulle rekommendera tjänsten du fick till en anhörig eller vän i samma "
              "situation) minus andelen som gav 0–6; svaren 7–8 ingår bara i nämnaren. "
              "Variationsvidd −100…+100. Svar utan rekommendation räknas inte. Talet är "
              "medelvärdet av poängen 100 (9–10), 0 (7–8) och −100 (0–6), så nedre–övre "
              "gränsen är medelvärdets 95 % konfidensintervall enligt Students t-fördelning "
              "(frihetsgrader antalet svar − 1). ",
              "Net promoter score of customer-feedback answers in THL's national model: the "
              "percentage of answers giving 9 or 10 to the recommendation question (0–10: how "
              "likely would you recommend the service you received to a family member or "
              "friend in the same situation) minus the percentage giving 0–6; answers of 7–8 "
              "count in the denominator only. Range −100…+100. Answers without a "
              "recommendation are not counted. The figure is the mean of a score of 100 "
              "(9–10), 0 (7–8) and −100 (0–6), so low–high is the 95 % confidence interval of "
              "that mean from Student's t (answers − 1 degrees of freedom). ") + PLACED,
        unit="score", better="higher", measure=Mean(), events=recommendations,
        dimensions=DIMENSIONS, source_tables=TABLES, group="feedback"),
    Indicator(
        "feedback_responses",
        Names("Asiakaspalautteen vastaukset", "Svar på kundresponsen",
              "Customer-feedback answers"),
        Names("Valtakunnallisen asiakaspalautemallin mukaisten vastausten lukumäärä, vastattiin "
              "suosittelukysymykseen tai väittämiin tai ei. ",
              "Antalet svar enligt den nationella modellen för kundrespons, oavsett om "
              "rekommendationsfrågan eller påståendena besvarades. ",
              "Number of answers in the national customer-feedback model, whether or not the "
              "recommendation question or any statement was answered. ") + PLACED,
        unit="count", better=None, measure=Count("rows"), events=answers,
        dimensions=DIMENSIONS, source_tables=TABLES, group="feedback"),
    Indicator(
        "feedback_statement_agreement",
        Names("Samaa mieltä perusväittämien kanssa", "Instämmer i grundpåståendena",
              "Agreement with the basic statements"),
        Names("Niiden vastausten osuus kuhunkin valtakunnallisen asiakaspalautemallin "
              "perusväittämään, jotka ovat samaa mieltä eli antavat asteikolla 1–5 arvon 4 "
              "(jokseenkin samaa mieltä) tai 5 (täysin samaa mieltä); 3 (ei samaa eikä eri "
              "mieltä) ei ole samaa mieltä. Väittämät: access (sain apua riittävän nopeasti), "
              "treatment (minua kohdeltiin hyvin), participation (sain osallistua päätöksiin), "
              "safety (tunsin oloni turvalliseksi), information (sain ymmärrettävää tietoa) ja "
              "usefulness (palvelusta oli apua). Kukin vastauksen vastattu väittämä on yksi "
              "rivi; vastaamatta jätettyjä ei lasketa. Näytetään aina väittämittäin, koska eri "
              "väittämien yhteinen osuus ei kerro mitään. ",
              "Andelen svar på varje grundpåstående i den nationella modellen för kundrespons "
              "som instämmer, det vill säga ger 4 (instämmer delvis) eller 5 (instämmer helt) "
              "på skalan 1–5; 3 (varken eller) räknas inte som att instämma. Påståendena: "
              "access (jag fick hjälp tillräckligt snabbt), treatment (jag blev väl bemött), "
              "participation (jag fick delta i besluten), safety (jag kände mig trygg), "
              "information (jag fick begriplig information) och usefulness (tjänsten hjälpte "
              "mig). Varje besvarat påstående i ett svar är en rad; obesvarade räknas inte. "
              "Visas alltid per påstående, eftersom en andel över olika påståenden inte säger "
              "något. ",
              "Share of the answers to each basic statement of the national customer-feedback "
              "model that agree: 4 (somewhat agree) or 5 (fully agree) on the 1–5 scale; 3 "
              "(neither agree nor disagree) is not agreement. Statements: access (I got help "
              "quickly enough), treatment (I was treated well), participation (I could take "
              "part in decisions), safety (I felt safe), information (I got understandable "
              "information) and usefulness (the service helped me). Each answered statement "
              "of an answer is one row; statements left unanswered are not counted. Always "
              "shown per statement, as a share over different statements means nothing. ")
        + PLACED,
        unit="share", better="higher", measure=Share(), events=statement_answers,
        dimensions=DIMENSIONS, source_tables=TABLES, group="feedback",
        always_by=("statement",)),
)
