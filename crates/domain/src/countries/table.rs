//! Built-in programme-country data (domain-rules §8). Dates are inclusive.
//!
//! **The date rule.** A country takes part from the day its participation agreement
//! entered into force (or the EEA/accession act applied); a signature date is never used
//! as such. Where no source gives that day, the row starts on the first day of the year in
//! which a source first confirms participation, and is marked UNCONFIRMED: S26 (the COSME
//! 2018 monitoring report) confirms all eleven non-EU countries for 2018, and CXC exchanges
//! only began in 2020, so such a date cannot change any exchange. Every date can be
//! replaced by configuration (`[rules.programme_countries]`).
//!
//! Why COSME rows have no end date: §8.1 says the COSME list governs ClusterXchange, and
//! phase 2 (2022-2024) was still COSME-funded although the COSME budget period ended in
//! 2020. The SMP rows record the successor programme (§8.2); they change nothing today but
//! keep the data ready if an operator closes COSME rows.
//!
//! Territories: the EU outermost regions and Åland are EU territory (TFEU Art. 349 and
//! 355(1), Art. 355(4) with Protocol 2 of the 1994 Act of Accession) and take part exactly
//! like their Member State; the overseas countries and territories (TFEU Annex II, Council
//! Decision (EU) 2021/1764) take part in COSME and the SMP [S37]. Their ISO codes are
//! listed so an organisation registered there is judged correctly.

use chrono::NaiveDate;

use super::ProgrammeCountry;

/// COSME, Regulation (EU) No 1287/2013 Art. 23: applies from 1 January 2014.
const COSME_START: (i32, u32, u32) = (2014, 1, 1);
/// SMP, Regulation (EU) 2021/690 Art. 27: applies from 1 January 2021.
const SMP_START: (i32, u32, u32) = (2021, 1, 1);
/// First day of the year in which S26 confirms a non-EU country's participation.
const S26_CONFIRMED: (i32, u32, u32) = (2018, 1, 1);

const EU_SOURCE: &str = "EU Member State: Reg. (EU) 1287/2013 (COSME) and 2021/690 (SMP) [S1, S2]";

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

/// EU outermost regions and Åland with their own ISO 3166-1 code (EU territory).
const EU_TERRITORIES: [(&str, &str, &str); 7] = [
    (
        "RE",
        "Réunion",
        "EU outermost region of France, TFEU Art. 349",
    ),
    (
        "GP",
        "Guadeloupe",
        "EU outermost region of France, TFEU Art. 349",
    ),
    (
        "MQ",
        "Martinique",
        "EU outermost region of France, TFEU Art. 349",
    ),
    (
        "GF",
        "French Guiana",
        "EU outermost region of France, TFEU Art. 349",
    ),
    (
        "YT",
        "Mayotte",
        "EU outermost region of France since 1 Jan 2014 (Council Decision 2012/419/EU), TFEU Art. 349",
    ),
    (
        "MF",
        "Saint Martin",
        "EU outermost region of France, TFEU Art. 349",
    ),
    (
        "AX",
        "Åland Islands",
        "part of Finland in the EU, TFEU Art. 355(4) and Protocol 2 of the 1994 Act of Accession",
    ),
];

/// Overseas countries and territories (TFEU Annex II; Council Decision (EU) 2021/1764),
/// eligible under COSME and the SMP according to §8.1 [S37].
const OCTS: [(&str, &str); 11] = [
    ("GL", "Greenland"),
    ("NC", "New Caledonia"),
    ("PF", "French Polynesia"),
    ("TF", "French Southern and Antarctic Lands"),
    ("WF", "Wallis and Futuna"),
    ("BL", "Saint Barthélemy"),
    ("PM", "Saint Pierre and Miquelon"),
    ("AW", "Aruba"),
    ("BQ", "Bonaire, Sint Eustatius and Saba"),
    ("CW", "Curaçao"),
    ("SX", "Sint Maarten"),
];
const OCT_SOURCE: &str =
    "overseas country or territory, TFEU Annex II; eligible under COSME and the SMP [S37]";

/// (code, name, COSME participation from, source) for the non-EU COSME countries [S26].
const COSME_NON_EU: [(&str, &str, (i32, u32, u32), &str); 11] = [
    (
        "IS",
        "Iceland",
        COSME_START,
        "EEA; EEA Joint Committee decision, no day in the sources: COSME start used (UNCONFIRMED) [S26, S30]",
    ),
    (
        "AL",
        "Albania",
        S26_CONFIRMED,
        "agreement signed Mar 2015, entry into force not in the sources (UNCONFIRMED) [S26, S29]",
    ),
    (
        "BA",
        "Bosnia and Herzegovina",
        S26_CONFIRMED,
        "agreement signed 2 Jun 2016, entry into force not in the sources (UNCONFIRMED) [S26, S28]",
    ),
    (
        "XK",
        "Kosovo",
        S26_CONFIRMED,
        "joined (signature) 19 Dec 2017, entry into force not in the sources (UNCONFIRMED) [S26, S27]",
    ),
    (
        "ME",
        "Montenegro",
        (2014, 10, 29),
        "agreement in force 29 Oct 2014 [S26, S29]",
    ),
    (
        "MK",
        "North Macedonia",
        (2015, 1, 16),
        "agreement in force 16 Jan 2015 [S26, S29]",
    ),
    (
        "RS",
        "Serbia",
        S26_CONFIRMED,
        "no date in the sources (UNCONFIRMED) [S26]",
    ),
    (
        "TR",
        "Türkiye",
        (2014, 12, 22),
        "agreement in force 22 Dec 2014 [S26, S29]",
    ),
    (
        "AM",
        "Armenia",
        S26_CONFIRMED,
        "no date in the sources (UNCONFIRMED) [S26]",
    ),
    (
        "MD",
        "Moldova",
        (2015, 4, 7),
        "agreement in force 7 Apr 2015, financial instruments excluded [S26, S29]",
    ),
    (
        "UA",
        "Ukraine",
        S26_CONFIRMED,
        "no date in the sources (UNCONFIRMED) [S26]",
    ),
];

/// Non-EU countries associated to the Single Market Programme (§8.2). Only signature or
/// ratification months are known, so every day here is UNCONFIRMED; none of them decides
/// anything while the COSME rows are open-ended.
const SMP_NON_EU: [(&str, &str, (i32, u32, u32), &str); 5] = [
    (
        "ME",
        "Montenegro",
        SMP_START,
        "\"first in the region\", no date (UNCONFIRMED) [S32]",
    ),
    (
        "UA",
        "Ukraine",
        (2023, 1, 1),
        "signed early 2023, entry into force not in the sources (UNCONFIRMED) [S35]",
    ),
    (
        "MD",
        "Moldova",
        (2023, 12, 1),
        "signed 8 Sep 2023, ratified Nov 2023; day UNCONFIRMED (first day after the ratification month) [S34]",
    ),
    (
        "RS",
        "Serbia",
        (2023, 9, 21),
        "signed 21 Sep 2023, entry into force not in the sources (UNCONFIRMED) [S33]",
    ),
    (
        "TR",
        "Türkiye",
        (2023, 1, 1),
        "signed, date not in the excerpt (UNCONFIRMED) [S36]",
    ),
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
    source: &'static str,
) -> ProgrammeCountry {
    ProgrammeCountry {
        code,
        name,
        programme,
        from,
        until,
        source,
    }
}

pub(super) fn builtin_rows() -> Vec<ProgrammeCountry> {
    let mut v = Vec::with_capacity(120);
    for (code, name) in EU27 {
        v.push(row(code, name, "COSME", date(COSME_START), None, EU_SOURCE));
        v.push(row(code, name, "SMP", date(SMP_START), None, EU_SOURCE));
    }
    for (code, name, source) in EU_TERRITORIES {
        v.push(row(code, name, "COSME", date(COSME_START), None, source));
        v.push(row(code, name, "SMP", date(SMP_START), None, source));
    }
    for (code, name) in OCTS {
        v.push(row(
            code,
            name,
            "COSME",
            date(COSME_START),
            None,
            OCT_SOURCE,
        ));
        v.push(row(code, name, "SMP", date(SMP_START), None, OCT_SOURCE));
    }
    for (code, name, from, source) in COSME_NON_EU {
        v.push(row(code, name, "COSME", date(from), None, source));
    }
    for (code, name, from, source) in SMP_NON_EU {
        v.push(row(code, name, "SMP", date(from), None, source));
    }
    // An EU member until 31 Jan 2020; the Withdrawal Agreement (OJ L 29, 31.1.2020) keeps
    // Union law, programmes included, applying to the UK during the transition period,
    // which ended on 31 Dec 2020 (Art. 126, 127). Later participation (Art. 138 lets
    // 2014-2020 programmes run to closure) is not assumed: UNCONFIRMED for CXC [S30, S31].
    v.push(row(
        "GB",
        "United Kingdom",
        "COSME",
        date(COSME_START),
        Some(date((2020, 12, 31))),
        "EU member until 31 Jan 2020, transition period to 31 Dec 2020 (Withdrawal Agreement Art. 126-127) [S30, S31]",
    ));
    v
}
