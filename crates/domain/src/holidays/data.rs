//! The built-in calendars: `data.txt`, generated from the PyPI package `holidays` by
//! `scripts/holidays/generate.py` (format described there), parsed once per process.
//!
//! Names are slices of the embedded text, so loading allocates only the date tables.
//! Regional calendars are stored in the file as changes against their country and are
//! resolved here into complete sorted tables, so a lookup is one binary search.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::NaiveDate;

const DATA: &str = include_str!("data.txt");

/// One holiday of a built-in calendar: the date and its name in the country's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub date: NaiveDate,
    pub name: &'static str,
}

/// One calendar; its names are in the country's language (the file records which).
#[derive(Debug)]
pub struct Calendar {
    /// Sorted by date, one entry per date.
    pub entries: Vec<Entry>,
}

#[derive(Debug)]
pub struct Builtin {
    pub version: &'static str,
    pub first_year: i32,
    pub last_year: i32,
    /// "DE" for a country (or territory), "DE-BY" for a region.
    pub calendars: HashMap<&'static str, Calendar>,
}

static BUILTIN: OnceLock<Builtin> = OnceLock::new();

/// The parsed built-in data. The file is generated and checked in CI, so a malformed line
/// is a build defect: it is skipped rather than taking the server down.
pub fn builtin() -> &'static Builtin {
    BUILTIN.get_or_init(|| parse(DATA))
}

fn parse_mmdd(year: i32, mmdd: &str) -> Option<NaiveDate> {
    let m = mmdd.get(..2)?.parse().ok()?;
    let d = mmdd.get(2..4)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, m, d)
}

/// A calendar as read: national entries, or a region's changes against its country.
#[derive(Default)]
struct Raw {
    national: Option<&'static str>,
    added: Vec<Entry>,
    removed: Vec<NaiveDate>,
}

fn parse(text: &'static str) -> Builtin {
    let mut b = Builtin {
        version: "",
        first_year: 0,
        last_year: -1,
        calendars: HashMap::new(),
    };
    let mut names: Vec<&'static str> = Vec::new();
    let mut raw: Vec<(&'static str, Raw)> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let (head, rest) = line.split_once(' ').unwrap_or((line, ""));
        match head {
            "@version" => b.version = rest,
            "@years" => {
                let mut it = rest.split(' ').filter_map(|y| y.parse().ok());
                b.first_year = it.next().unwrap_or(0);
                b.last_year = it.next().unwrap_or(-1);
            }
            "@name" => {
                if let Some((_, name)) = rest.split_once(' ') {
                    names.push(name);
                }
            }
            "@cal" | "@region" => {
                let code = rest.split(' ').next().unwrap_or_default();
                let national = (head == "@region").then(|| code.split('-').next().unwrap_or(""));
                raw.push((
                    code,
                    Raw {
                        national,
                        ..Raw::default()
                    },
                ));
            }
            year => {
                let (Some((_, cal)), Ok(year)) = (raw.last_mut(), year.parse::<i32>()) else {
                    continue;
                };
                for item in rest.split(' ').filter(|s| !s.is_empty()) {
                    read_item(cal, item, year, &names);
                }
            }
        }
    }
    // Countries first, then regions on top of their country's finished table.
    for (code, r) in raw.iter().filter(|(_, r)| r.national.is_none()) {
        let mut entries = r.added.clone();
        entries.sort();
        entries.dedup_by_key(|e| e.date);
        b.calendars.insert(code, Calendar { entries });
    }
    for (code, r) in &raw {
        let Some(national) = r.national else { continue };
        let base = b
            .calendars
            .get(national)
            .map(|c| c.entries.as_slice())
            .unwrap_or_default();
        let mut changed: Vec<NaiveDate> = r.removed.clone();
        changed.extend(r.added.iter().map(|e| e.date));
        changed.sort();
        let mut entries: Vec<Entry> = base
            .iter()
            .filter(|e| changed.binary_search(&e.date).is_err())
            .copied()
            .chain(r.added.iter().copied())
            .collect();
        entries.sort();
        entries.dedup_by_key(|e| e.date);
        b.calendars.insert(code, Calendar { entries });
    }
    b
}

/// One item of a year line: `MMDD:id` (country), `+MMDD:id` (region adds or renames a day)
/// or `-MMDD` (region does not keep a national day).
fn read_item(cal: &mut Raw, item: &str, year: i32, names: &[&'static str]) {
    if let Some(mmdd) = item.strip_prefix('-') {
        cal.removed.extend(parse_mmdd(year, mmdd));
        return;
    }
    let item = item.strip_prefix('+').unwrap_or(item);
    let Some((mmdd, id)) = item.split_once(':') else {
        return;
    };
    if let (Some(date), Some(name)) = (
        parse_mmdd(year, mmdd),
        id.parse::<usize>().ok().and_then(|i| names.get(i)),
    ) {
        cal.added.push(Entry { date, name });
    }
}
