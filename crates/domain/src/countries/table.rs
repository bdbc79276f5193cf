//! Built-in programme-country data (domain-rules §8). Dates are inclusive.
//!
//! Why COSME rows have no end date: §8.1 says the COSME list governs ClusterXchange, and
//! phase 2 (2022-2024) was still COSME-funded although the COSME budget period ended in 2020.
//! Only the United Kingdom has an end date. The SMP rows record the successor programme
//! (§8.2); they change nothing today but keep the data ready if an operator closes COSME
//! rows through the configuration override (`ProgrammeCountries::from_entries`).

use chrono::NaiveDate;

use super::ProgrammeCountry;

const COSME_START: (i32, u32, u32) = (2014, 1, 1);
const SMP_START: (i32, u32, u32) = (2021, 1, 1);

const EU27: [(&str, &str); 27] = [
    ("AT", "Austria"),
    ("BE", "Belgium"),
    ("BG", "Bulgaria"),
    ("HR", "Croatia"),
    ("CY", "Cyprus"),
    ("CZ", "Czechia"),
    ("DK", "Denmark"),
    ("EE", "Estonia"),
    ("FI", "Finland"),
    ("FR", "France"),
    ("DE", "Germany"),
    ("GR", "Greece"),
    ("HU", "Hungary"),
    ("IE", "Ireland"),
    ("IT", "Italy"),
    ("LV", "Latvia"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("MT", "Malta"),
    ("NL", "Netherlands"),
    ("PL", "Poland"),
    ("PT", "Portugal"),
    ("RO", "Romania"),
    ("SK", "Slovakia"),
    ("SI", "Slovenia"),
    ("ES", "Spain"),
    ("SE", "Sweden"),
];

/// (code, name, COSME participation from, UNCONFIRMED note) for non-EU COSME countries.
/// Where §8.1 gives no day, the COSME start date is used: S26 confirms all of them for
/// 2018 and ClusterXchange exchanges began in 2020, so any earlier date decides nothing.
const COSME_NON_EU: [(&str, &str, (i32, u32, u32)); 11] = [
    ("IS", "Iceland", COSME_START), // via the EEA; no day given (UNCONFIRMED)
    ("AL", "Albania", (2015, 3, 1)), // "signed Mar 2015": day UNCONFIRMED, first of the month
    ("BA", "Bosnia and Herzegovina", (2016, 6, 2)),
    ("XK", "Kosovo", (2017, 12, 19)),
    ("ME", "Montenegro", (2014, 10, 29)),
    ("MK", "North Macedonia", (2015, 1, 16)),
    ("RS", "Serbia", COSME_START), // no date in sources (UNCONFIRMED)
    ("TR", "Türkiye", (2014, 12, 22)),
    ("AM", "Armenia", COSME_START), // no date in sources (UNCONFIRMED)
    ("MD", "Moldova", (2015, 4, 7)),
    ("UA", "Ukraine", COSME_START), // no date in sources (UNCONFIRMED)
];

/// Non-EU countries associated to the Single Market Programme (§8.2) with a best-known date.
/// Only these five are confirmed; AL, BA, MK, XK, AM, IS, NO, LI are "likely" and left out.
const SMP_NON_EU: [(&str, &str, (i32, u32, u32)); 5] = [
    ("ME", "Montenegro", SMP_START), // "first in the region", no date (UNCONFIRMED)
    ("UA", "Ukraine", (2023, 1, 1)), // "signed early 2023" (UNCONFIRMED day)
    ("MD", "Moldova", (2023, 9, 8)), // signature date; ratified Nov 2023
    ("RS", "Serbia", (2023, 9, 21)),
    ("TR", "Türkiye", (2023, 1, 1)), // signed, date not in the excerpt (UNCONFIRMED)
];

fn date((y, m, d): (i32, u32, u32)) -> NaiveDate {
    // All literals above are valid calendar dates; MIN is an unreachable fallback.
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn row(
    code: &'static str,
    name: &'static str,
    programme: &'static str,
    from: NaiveDate,
    until: Option<NaiveDate>,
) -> ProgrammeCountry {
    ProgrammeCountry {
        code,
        name,
        programme,
        from,
        until,
    }
}

pub(super) fn builtin_rows() -> Vec<ProgrammeCountry> {
    let mut v = Vec::with_capacity(80);
    for (code, name) in EU27 {
        v.push(row(code, name, "COSME", date(COSME_START), None));
        v.push(row(code, name, "SMP", date(SMP_START), None));
    }
    for (code, name, from) in COSME_NON_EU {
        v.push(row(code, name, "COSME", date(from), None));
    }
    for (code, name, from) in SMP_NON_EU {
        v.push(row(code, name, "SMP", date(from), None));
    }
    // A COSME country while an EU member; treated as ineligible afterwards, so not for
    // phase-2 exchanges (§8.1, UNCONFIRMED but follows from Brexit and the call text).
    v.push(row(
        "GB",
        "United Kingdom",
        "COSME",
        date(COSME_START),
        Some(date((2020, 1, 31))),
    ));
    v
}
