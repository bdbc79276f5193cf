#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::eligibility::fixtures::d;

#[test]
fn join_dates_are_inclusive() {
    let c = ProgrammeCountries::builtin();
    let cases = [
        ("XK", d(2017, 12, 31), false),
        ("XK", d(2018, 1, 1), true),
        ("BA", d(2017, 12, 31), false),
        ("BA", d(2018, 1, 1), true),
        ("RS", d(2018, 1, 1), true),
        ("AM", d(2017, 12, 31), false),
        ("ME", d(2014, 10, 28), false),
        ("ME", d(2014, 10, 29), true),
        ("MK", d(2015, 1, 16), true),
        ("GB", d(2020, 1, 31), true),
        ("GB", d(2020, 2, 1), true),
        ("GB", d(2020, 12, 31), true),
        ("GB", d(2021, 1, 1), false),
        ("RE", d(2022, 6, 1), true),
        ("GP", d(2022, 6, 1), true),
        ("MQ", d(2022, 6, 1), true),
        ("GF", d(2022, 6, 1), true),
        ("YT", d(2022, 6, 1), true),
        ("MF", d(2022, 6, 1), true),
        ("AX", d(2022, 6, 1), true),
        ("NC", d(2022, 6, 1), true),
        ("GL", d(2022, 6, 1), true),
        ("AW", d(2013, 12, 31), false),
        ("UK", d(2022, 6, 1), false),
        ("DK", d(2013, 12, 31), false),
        ("DK", d(2026, 3, 2), true),
        ("HR", d(2026, 3, 2), true),
        ("NO", d(2026, 3, 2), false),
        ("CH", d(2026, 3, 2), false),
        ("US", d(2026, 3, 2), false),
    ];
    for (cc, on, want) in cases {
        assert_eq!(c.is_participating(cc, on), want, "{cc} on {on}");
    }
}

#[test]
fn greece_as_gr_and_el() {
    let c = ProgrammeCountries::builtin();
    assert!(c.is_participating("GR", d(2026, 3, 2)));
    assert!(c.is_participating("EL", d(2026, 3, 2)));
    assert!(c.is_participating("el", d(2026, 3, 2)));
    assert_eq!(c.name("EL"), Some("Greece"));
    assert_eq!(ProgrammeCountries::normalise(" el "), "GR");
    assert_eq!(ProgrammeCountries::normalise("uk"), "GB");
    assert!(is_iso_country("EL") && is_iso_country("GR") && is_iso_country("XK"));
    assert!(!is_iso_country("gr") && !is_iso_country("ZZ") && !is_iso_country(""));
}

#[test]
fn builtin_has_eu27_and_eleven_non_eu() {
    let c = ProgrammeCountries::builtin();
    let on = d(2023, 1, 10);
    let cosme: std::collections::BTreeSet<&str> = c
        .entries()
        .iter()
        .filter(|e| e.programme == "COSME" && c.is_participating(&e.code, on))
        .map(|e| e.code.as_str())
        .collect();
    // EU-27, 11 non-EU COSME countries, 7 outermost regions/Åland, 11 OCTs.
    assert_eq!(cosme.len(), 27 + 11 + 7 + 11);
    assert!(c.entries().iter().all(|e| is_iso_country(&e.code)));
    assert!(
        c.entries().iter().all(|e| !e.source.is_empty()),
        "every row has a source"
    );
}

#[test]
fn config_override_replaces_the_table() {
    let c = ProgrammeCountries::from_entries(vec![ProgrammeCountryOwned {
        code: "no".into(),
        name: "Norway".into(),
        programme: "SMP".into(),
        from: d(2026, 1, 1),
        until: Some(d(2026, 12, 31)),
        source: String::new(),
    }]);
    assert!(!c.is_participating("NO", d(2025, 12, 31)));
    assert!(c.is_participating("NO", d(2026, 1, 1)));
    assert!(c.is_participating("NO", d(2026, 12, 31)));
    assert!(!c.is_participating("NO", d(2027, 1, 1)));
    assert!(!c.is_participating("DK", d(2026, 6, 1)));
    assert_eq!(c.describe("NO"), "NO (Norway)");
}

#[test]
fn unconfirmed_dates_are_configurable() {
    let c = ProgrammeCountries::builtin().with_dates("RS", d(2014, 1, 1), None);
    assert!(c.is_participating("RS", d(2015, 6, 1)));
    assert!(
        c.entries()
            .iter()
            .filter(|e| e.code == "RS")
            .all(|e| e.source == "configured")
    );
    let c = ProgrammeCountries::builtin().with_dates("NO", d(2026, 1, 1), None);
    assert!(c.is_participating("NO", d(2026, 1, 1)));
    assert!(!c.is_participating("NO", d(2025, 12, 31)));
}
