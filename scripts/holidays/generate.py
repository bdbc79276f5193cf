#!/usr/bin/env python3
"""Generates crates/domain/src/holidays/data.txt from the PyPI package `holidays`.

The calendars decide money (working days -> minimum duration R12 and the halving rule R22),
so they come from a maintained data set rather than hand-written rules. CI regenerates the
file with the pinned version (scripts/holidays/check.sh) and fails on any difference.

    python3 scripts/holidays/generate.py [data.txt] [cases.txt]   # needs holidays==PINNED

It also writes boundary cases for the domain tests (holidays/cases.txt), computed here
straight from the package, independently of the Rust reader: for every calendar and the
Easter, Christmas and substitute-day weeks of some years, the Monday of the week and the
first end dates giving 3 and 5 working days (the R12 minimum and the R22 halving limit).

Format (line based, UTF-8, parsed once per process by crates/domain/src/holidays/data.rs):

    # comment
    @version <holidays version>
    @years <first> <last>                       every calendar covers these years
    @name <id> <text>                           interned holiday names, id = 0, 1, ...
    @cal <CODE> <language>                      a national calendar (country or territory)
    <year> <MMDD>:<name id> ...                 its holidays in that year
    @region <CC-SUB> <language>                 a regional calendar, stored as a change of CC
    <year> +<MMDD>:<name id> ... -<MMDD> ...    days added (or renamed) / national days removed

Only public holidays (the package's default category, substitute and observed days included)
that fall on Monday..Friday are written: Saturdays and Sundays are never working days anyway.
"""

import datetime
import re
import sys

import holidays
from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter

PINNED = "0.109"

# Every country or territory that can pass the programme-country rules (R07/R08) with the
# built-in table in crates/domain/src/countries/table.rs: EU-27, the non-EU COSME countries,
# the United Kingdom (until the end of the transition period), the EU outermost regions and
# Aland that have their own ISO code, and the overseas countries and territories (OCTs).
COUNTRIES = """
AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE
IS AL BA XK ME MK RS TR AM MD UA
GB
RE GP MQ GF YT MF AX
GL NC PF PM WF BL TF AW CW SX BQ
""".split()

# Subdivision codes of the package that differ from ISO 3166-2.
ISO_ALIASES = {"BQ": {"BON": "BO", "SAB": "SA", "STA": "SE"}}
# Codes such as "Zone A", "Barcelona" or "Flemish" are school zones, cities or language
# communities, not ISO 3166-2 subdivisions; they are left out.
ISO_SUBDIVISION = re.compile(r"^[A-Z0-9]{1,3}$")
FIRST_YEAR_ACCEPTED = 2000
LAST_YEAR = 2100


def weekday_holidays(code, subdiv, years, language):
    h = holidays.country_holidays(code, subdiv=subdiv, years=years, language=language)
    return {d: name for d, name in h.items() if d.weekday() < 5}


REGION_CASE_YEARS = (2022, 2024)
NATIONAL_CASE_YEARS = (2020, 2022, 2023, 2024, 2025, 2026, 2050, 2099)


def boundary_cases(label, code, subdiv):
    """Weeks around Easter, Christmas and substitute days, with the end dates at which a
    stay starting on that Monday first reaches 3 and 5 working days."""
    years = NATIONAL_CASE_YEARS if subdiv is None else REGION_CASE_YEARS
    out, seen = [], set()
    for y in years:
        h = holidays.country_holidays(code, subdiv=subdiv, years=[y - 1, y, y + 1])
        plain = holidays.country_holidays(
            code, subdiv=subdiv, years=[y - 1, y, y + 1], observed=False
        )
        weeks = []
        for kind, method in (("easter", EASTER_WESTERN), ("orthodox_easter", EASTER_ORTHODOX)):
            sunday = easter(y, method)
            weeks.append((kind, sunday - datetime.timedelta(days=6)))  # Holy Week's Monday
            weeks.append((kind + "_monday", sunday + datetime.timedelta(days=1)))
        xmas = datetime.date(y, 12, 25)
        weeks.append(("christmas", xmas - datetime.timedelta(days=xmas.weekday())))
        subs = sorted(d for d in h if d.year == y and d not in plain)
        for d in subs[:2]:
            weeks.append(("substitute", d - datetime.timedelta(days=d.weekday())))
        for kind, monday in weeks:
            if monday in seen:
                continue
            seen.add(monday)
            ends = []
            for target in (3, 5):
                n, day = 0, monday
                while True:
                    if day.weekday() < 5 and day not in h:
                        n += 1
                    if n == target:
                        break
                    day += datetime.timedelta(days=1)
                ends.append(day)
            out.append(f"{label} {kind} {monday} {ends[0]} {ends[1]}")
    return out


def main():
    if holidays.__version__ != PINNED:
        sys.exit(f"holidays=={PINNED} is required, found {holidays.__version__}")
    out_path = sys.argv[1] if len(sys.argv) > 1 else "crates/domain/src/holidays/data.txt"
    cases_path = sys.argv[2] if len(sys.argv) > 2 else "crates/domain/src/holidays/cases.txt"
    supported = holidays.list_supported_countries()
    classes = {c: holidays.country_holidays(c).__class__ for c in COUNTRIES}
    first = max([FIRST_YEAR_ACCEPTED] + [getattr(classes[c], "start_year", 0) for c in COUNTRIES])
    years = range(first, LAST_YEAR + 1)

    names = {}

    def name_id(n):
        return names.setdefault(n, len(names))

    body = []
    cases = []
    for code in COUNTRIES:
        if code not in supported:
            sys.exit(f"holidays {PINNED} has no calendar for {code}")
        lang = classes[code].default_language
        national = weekday_holidays(code, None, years, lang)
        body.append(f"@cal {code} {lang}")
        cases += boundary_cases(code, code, None)
        for y in years:
            days = sorted(d for d in national if d.year == y)
            body.append(f"{y} " + " ".join(f"{d:%m%d}:{name_id(national[d])}" for d in days))
        for sub in supported[code]:
            if not ISO_SUBDIVISION.match(sub):
                continue
            iso = ISO_ALIASES.get(code, {}).get(sub, sub)
            regional = weekday_holidays(code, sub, years, lang)
            body.append(f"@region {code}-{iso} {lang}")
            cases += boundary_cases(f"{code}-{iso}", code, sub)
            for y in years:
                added = sorted(
                    d for d in regional if d.year == y and national.get(d) != regional[d]
                )
                removed = sorted(d for d in national if d.year == y and d not in regional)
                if added or removed:
                    parts = [f"+{d:%m%d}:{name_id(regional[d])}" for d in added]
                    parts += [f"-{d:%m%d}" for d in removed]
                    body.append(f"{y} " + " ".join(parts))

    head = [
        "# Generated by scripts/holidays/generate.py from the PyPI package holidays; do not edit.",
        "# Public holidays on Monday..Friday, observed and substitute days included.",
        f"@version {holidays.__version__}",
        f"@years {first} {LAST_YEAR}",
    ]
    head += [f"@name {i} {n}" for n, i in sorted(names.items(), key=lambda kv: kv[1])]
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(head + body) + "\n")
    with open(cases_path, "w", encoding="utf-8", newline="\n") as f:
        f.write(
            "# Generated by scripts/holidays/generate.py; do not edit.\n"
            "# <calendar> <week> <monday> <end with 3 working days> <end with 5 working days>\n"
        )
        f.write("\n".join(cases) + "\n")


if __name__ == "__main__":
    main()
