"""Load pretix with data comparable to the benchmark's: one organizer, one event with a
ticket and an unlimited quota, a team with an API token, and N paid orders of one
position each, written through pretix's own ORM models (their save() assigns codes,
secrets and expiry exactly as pretix does), never by hand-written SQL.

Run with the venv's python and PRETIX_CONFIG_FILE set (scripts/peer/pretix.sh does):
    python load_pretix.py N OUT_DIR
Writes OUT_DIR/pretix.json: {"token", "base", "item", "codes": [...]}.
"""

import json
import os
import sys
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils.timezone import now  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from pretix.base.models import (  # noqa: E402
    Event,
    Item,
    Order,
    OrderPosition,
    Organizer,
    Quota,
    Team,
    TeamAPIToken,
)

BATCH = 500


def main() -> None:
    n, out = int(sys.argv[1]), sys.argv[2]
    with scopes_disabled():
        with transaction.atomic():
            org = Organizer.objects.create(name="Bench Organizer", slug="bench")
            event = Event.objects.create(
                organizer=org,
                name="Bench Conference",
                slug="conf",
                currency="EUR",
                date_from=now(),
                live=True,
            )
            item = Item.objects.create(
                event=event, name="Admission", default_price=Decimal("120.00"), admission=True
            )
            quota = Quota.objects.create(event=event, name="Admission", size=None)
            quota.items.add(item)
            team = Team.objects.create(
                organizer=org,
                name="API",
                all_events=True,
                all_event_permissions=True,
                all_organizer_permissions=True,
            )
            token = TeamAPIToken.objects.create(team=team, name="bench")
        web = org.sales_channels.get(identifier="web")
        codes = []
        for start in range(0, n, BATCH):
            with transaction.atomic():
                for i in range(start, min(n, start + BATCH)):
                    order = Order(
                        event=event,
                        email=f"attendee{i}@example.eu",
                        status=Order.STATUS_PAID,
                        locale="en",
                        total=Decimal("120.00"),
                        sales_channel=web,
                    )
                    order.save()
                    OrderPosition(
                        order=order,
                        item=item,
                        price=Decimal("120.00"),
                        positionid=1,
                        attendee_name_parts={"_legacy": f"Attendee Number {i}"},
                        attendee_email=f"attendee{i}@example.eu",
                    ).save()
                    # The ledger row every real order gets (pretix checks for orders without).
                    order.create_transactions(is_new=True)
                    codes.append(order.code)
    with open(os.path.join(out, "pretix.json"), "w") as f:
        json.dump(
            {
                "token": token.token,
                "base": "/api/v1/organizers/bench/events/conf",
                "item": item.pk,
                "codes": codes,
            },
            f,
        )
    print(f"pretix: {n} orders in organizer 'bench', event 'conf'", file=sys.stderr)


if __name__ == "__main__":
    main()
