"""A user journey through a client GENERATED from /openapi.json (openapi-python-client).

Every call goes through the generated, typed code: request bodies are built from the
generated models and every response is parsed into them, so a document that lies about
what the server sends (a null where it promised an object, an undeclared status) makes
this script fail. `raise_on_unexpected_status` turns an undocumented status into an error.

    CXC_MAIL_DIR=DIR python journey.py BASE_URL   (the generated package `cxc_client` on sys.path)

The server must hold the demo data (`cxc seed --demo`): an open call, hosts and a
published group visit. It must send mail with the file transport into CXC_MAIL_DIR: the
journey confirms its address with the token from the verification mail, as a person would.
"""
import datetime
import email
import email.policy
import os
import pathlib
import re
import sys
import time
import uuid
from http import HTTPStatus

from cxc_client import AuthenticatedClient, Client
from cxc_client.api.accounts import login, me, register, verify_email
from cxc_client.api.applications import create_application, get_application, list_applications
from cxc_client.api.group_visits import list_visits, register_for_visit
from cxc_client.api.organisations import (
    check_eligibility,
    create_organisation,
    list_organisations,
    organisation_eligibility,
)
from cxc_client.api.partnerships import list_calls, list_partnerships
from cxc_client.models import (
    ApplicationDto,
    CheckRequest,
    CreateApplication,
    LoginRequest,
    OrgBody,
    OrgDto,
    RegisterRequest,
    RegistrationDto,
    ReportDto,
    TokenRequest,
    UserDto,
    VisitRegistrationRequest,
)
from cxc_client.types import UNSET

PASSWORD = "correct horse battery staple"


def expect(response, status, kind):
    """The status and the parsed model the document promises."""
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.content[:500]!r}"
    )
    assert isinstance(response.parsed, kind), f"parsed as {type(response.parsed)}"
    return response.parsed


def verification_token(mail_dir: pathlib.Path, to: str) -> str:
    """The token of the verification link mailed to `to` (the outbox sends within seconds)."""
    for _ in range(300):
        for path in sorted(mail_dir.glob("*")) if mail_dir.is_dir() else []:
            msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if to not in str(msg["To"]):
                continue
            for part in msg.walk():
                if part.get_content_type() == "text/plain":
                    found = re.search(r"/verify-email\?token=([A-Za-z0-9_.~-]+)", part.get_content())
                    if found:
                        return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no verification mail to {to} in {mail_dir}")


def main(base_url: str) -> None:
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
    email = f"journey-{uuid.uuid4().hex[:10]}@example.eu"

    # 1. Register, log in and confirm the address from the mail.
    register.sync_detailed(
        client=anonymous,
        body=RegisterRequest.from_dict(
            {"email": email, "password": PASSWORD, "full_name": "Jūratė Journey", "locale": "lt"}
        ),
    )
    token = login.sync(client=anonymous, body=LoginRequest(email=email, password=PASSWORD)).token
    mail_dir = pathlib.Path(os.environ["CXC_MAIL_DIR"])
    verified = expect(
        verify_email.sync_detailed(
            client=anonymous, body=TokenRequest(token=verification_token(mail_dir, email))
        ),
        HTTPStatus.OK,
        UserDto,
    )
    assert verified.email == email
    client = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True)
    assert me.sync(client=client).email == email

    # 2. Create the visiting organisation: an SME in Lithuania, member of a BIGINN cluster.
    biginn = next(p for p in list_partnerships.sync(client=client).items if p.name == "BIGINN")
    lt_cluster = next(p.organisation_id for p in biginn.partners if p.country == "LT")
    org_body = {
        "name": f"Journey Optics UAB {email[8:14]}",
        "country": "LT",
        "city": "Kaunas",
        "latitude": 54.8985,
        "longitude": 23.9036,
        "profile": "sme",
        "cluster_ids": [str(lt_cluster)],
        "headcount": 14.0,
        "annual_turnover_cents": 180_000_000,
        "balance_sheet_total_cents": 90_000_000,
        "sectors": ["photonics"],
    }
    org = expect(
        create_organisation.sync_detailed(client=client, body=OrgBody.from_dict(org_body)),
        HTTPStatus.CREATED,
        OrgDto,
    )

    # 3. Eligibility: stored (both roles) and ad hoc (no token needed).
    report = organisation_eligibility.sync(org.id, client=client)
    assert report.visitor.eligible, report.visitor.to_dict()
    adhoc = expect(
        check_eligibility.sync_detailed(
            client=anonymous, body=CheckRequest.from_dict({**org_body, "role": "visitor"})
        ),
        HTTPStatus.OK,
        ReportDto,
    )
    assert adhoc.eligible, adhoc.to_dict()

    # 4. Create a draft application in the open call with a Danish host, and list it: a
    #    draft has no eligibility report yet (null), which a generated client once choked on.
    call = next(c for c in list_calls.sync(client=client, open_=True).items)
    start = datetime.date.today() + datetime.timedelta(days=60)
    host = next(
        o
        for o in list_organisations.sync(client=client, limit=100).items
        if o.country == "DK" and o.profile == "sme"
    )
    draft = expect(
        create_application.sync_detailed(
            call.id,
            client=client,
            body=CreateApplication.from_dict(
                {
                    "organisation_id": str(org.id),
                    "participant": {
                        "full_name": "Jūratė Journey",
                        "email": email,
                        "nationality": "LT",
                        "base_country": "LT",
                    },
                    "host_organisation_id": str(host.id),
                    "start_date": start.isoformat(),
                    "end_date": (start + datetime.timedelta(days=4)).isoformat(),
                    "objectives": "Learn cryogenic test practice",
                    "sectors": ["photonics"],
                }
            ),
        ),
        HTTPStatus.CREATED,
        ApplicationDto,
    )
    assert draft.status == "draft" and draft.eligibility is None, draft.to_dict()
    assert get_application.sync(draft.id, client=client).eligibility is None
    mine = list_applications.sync(client=client).items
    assert [a.id for a in mine] == [draft.id], [a.to_dict() for a in mine]
    assert mine[0].eligibility is None

    # 5. Register for a published group visit with the new organisation.
    visit = next(v for v in list_visits.sync(client=client).items if v.status == "published")
    registration = expect(
        register_for_visit.sync_detailed(
            visit.id, client=client, body=VisitRegistrationRequest(organisation_id=org.id)
        ),
        HTTPStatus.CREATED,
        RegistrationDto,
    )
    assert registration.status in ("confirmed", "waitlisted"), registration.to_dict()
    assert registration.item_id in (None, UNSET)
    print(f"journey ok: {email} -> organisation {org.id}, draft {draft.id}, visit registration {registration.status}")


if __name__ == "__main__":
    main(sys.argv[1])
