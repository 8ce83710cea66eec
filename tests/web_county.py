"""The small county the web tests read, with every figure they check worked out by hand.

Rules (docs/rules.md): from 2025-01-01, P5 gives people under 23 a primary-care visit within
14 days of the care-needs assessment. Everyone here was born 2005-06-15 (19 on the assessment
day, age band 18–22).

- Unit A ("Asema A", municipality 272): P1–P6 assessed 2025-03-03 (due 2025-03-17). P1–P4
  visited 2025-03-10 (7 days, in time), P5 and P6 on 2025-03-20 (17 days, late).
  March 2025: 4 of 6 in time = 66.7 %.
- Unit B ("Asema B", municipality 217): P7 and P8 assessed 2025-03-03, visited 2025-03-05
  (2 days, in time): 2 of 2, but 2 people < the minimum count 5, so hidden.
- The county: 6 of 8 in time = 75.0 %. Median wait: 2, 2, 7, 7, 7, 7, 17, 17 → 7 days.
- Waiting past the deadline on 2025-03-31: P9 at unit A, assessed 2025-03-03, no visit,
  due 2025-03-17: 14 days over. P10 at unit B, assessed 2025-03-10, due 2025-03-24: 7 over.
- A phone contact on 2025-03-31 makes the data run to the end of March, so March is the
  last complete month (the pages' default window ends there).
- Customer feedback in March 2025 (feedback answers do not move the end of the data). Unit A:
  six answers recommending 10, 9, 10, 8, 6 and 3, NPS scores 100, 100, 100, 0, −100, −100:
  NPS = (3 promoters − 2 detractors) / 6 = +16.7; the scores' sample standard deviation is
  98.32, so the 95 % interval is 16.67 ± t(0.975; 5) 2.5706 × 98.32 / √6 = 16.67 ± 103.18:
  −86.5 to +119.8. Unit B: two answers (10, 10), fewer than 5, so hidden. Comments: R1 and R4
  at unit A (R4 the newest), R7 at unit B; R2's comment is only spaces and is left out.

Users (password "password-" + name): johtaja (director), esihenkilo_a (supervisor of A),
esihenkilo_b (supervisor of B), analyytikko (analyst), tilannekeskus (situation-centre
staff), yllapitaja (administrator).
"""

from __future__ import annotations

from pathlib import Path

from county import County
from fastapi.testclient import TestClient

from tilannekuva.store import open_store
from tilannekuva.web import accounts

USERS = (("johtaja", "director", ()), ("esihenkilo_a", "supervisor", ("A",)),
         ("esihenkilo_b", "supervisor", ("B",)), ("analyytikko", "analyst", ()),
         ("tilannekeskus", "situation_centre", ()), ("yllapitaja", "administrator", ()))
BORN = "2005-06-15"
#: (response, unit, day, recommendation, comment) of the feedback answers.
FEEDBACK = (("R1", "A", "2025-03-10", 10, "Hyvä ja ystävällinen palvelu."),
            ("R2", "A", "2025-03-11", 9, "   "), ("R3", "A", "2025-03-12", 10, None),
            ("R4", "A", "2025-03-20", 8, "Jonotin puhelimessa pitkään."),
            ("R5", "A", "2025-03-13", 6, None), ("R6", "A", "2025-03-14", 3, None),
            ("R7", "B", "2025-03-15", 10, "Kiitos avusta!"),
            ("R8", "B", "2025-03-16", 10, None))


def password(user_name: str) -> str:
    return f"password-{user_name}"


def client_for(app, user: str | None, language: str = "en") -> TestClient:
    """A test client reading pages in `language`, signed in through the form as `user` (not
    signed in for None). Every web test county gives its users `password`."""
    client = TestClient(app)
    client.cookies.set("tilannekuva_lang", language)
    if user:
        response = client.post("/login", data={"username": user, "password": password(user)},
                               follow_redirects=False)
        assert response.status_code == 303, response.text
    return client


def bearer(app, user: str) -> dict[str, str]:
    """The Authorization header of an API token of `user`."""
    response = TestClient(app).post("/api/v1/token", data={
        "username": user, "password": password(user)})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def build(path: Path) -> Path:
    county = County(path)
    county.add("units", unit_id="A", name="Asema A", municipality="272")
    county.add("units", unit_id="B", name="Asema B", municipality="217")
    waits = [(n, "A", "272", "2025-03-03", "2025-03-10") for n in range(1, 5)]
    waits += [(n, "A", "272", "2025-03-03", "2025-03-20") for n in (5, 6)]
    waits += [(n, "B", "217", "2025-03-03", "2025-03-05") for n in (7, 8)]
    waits += [(9, "A", "272", "2025-03-03", None), (10, "B", "217", "2025-03-10", None)]
    for n, unit, municipality, assessed, visited in waits:
        county.person(f"P{n}", born=BORN, municipality=municipality)
        county.add("care_need_assessments", assessment_id=f"CA{n}", person_id=f"P{n}",
                   unit_id=unit, assessed_at=f"{assessed} 09:00")
        if visited:
            county.add("visits", visit_id=f"V{n}", person_id=f"P{n}", assessment_id=f"CA{n}",
                       unit_id=unit, start_at=f"{visited} 10:00", profession="nurse")
    county.add("contacts", contact_id="C1", person_id="P1", unit_id="A",
               contact_at="2025-03-31 12:00")
    for response, unit, day, recommendation, comment in FEEDBACK:
        county.add("feedback_responses", response_id=response, unit_id=unit,
                   responded_at=f"{day} 14:00", recommendation=recommendation,
                   comment=comment)
    return with_users(county)


def with_users(county: County) -> Path:
    """Writes `county` and gives it the web tests' users (`USERS`, each with `password`)."""
    db = county.write()
    con = open_store(db)
    try:
        accounts.create_tables(con)
        for name, role, units in USERS:
            accounts.add_user(con, name, password(name), role, units)
    finally:
        con.close()
    return db
