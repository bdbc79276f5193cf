//! Wall-clock times in a visit's time zone and their conversion to UTC.
//!
//! Agenda items are entered as local times ("2026-03-02T09:00") because that is what
//! organisers read off their programme. Converting them to UTC must not guess around
//! DST changes: a time in the spring-forward gap never happens, and a time in the
//! fall-back overlap happens twice, so both are rejected with a message that tells the
//! organiser what the clocks do.

use chrono::{DateTime, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::{GapInfo, Tz};

/// Why a local time could not be turned into an instant.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum LocalTimeError {
    #[error("{0:?} is not a local date and time like 2026-03-02T09:00")]
    Invalid(String),
    // The detail (when the clocks jump) is recomputed from the fields so the variant
    // stays a plain {local, tz} pair for callers that match on it.
    #[error("{}", nonexistent_message(.local, .tz))]
    Nonexistent { local: String, tz: String },
    #[error("{}", ambiguous_message(.local, .tz))]
    Ambiguous { local: String, tz: String },
    #[error("unknown time zone {0:?}; use an IANA name such as Europe/Copenhagen")]
    UnknownTimeZone(String),
}

impl LocalTimeError {
    /// Stable machine-readable code for API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid_local_time",
            Self::Nonexistent { .. } => "nonexistent_local_time",
            Self::Ambiguous { .. } => "ambiguous_local_time",
            Self::UnknownTimeZone(_) => "unknown_time_zone",
        }
    }
}

/// Parses an IANA time-zone name ("Europe/Copenhagen").
pub fn parse_tz(name: &str) -> Result<Tz, LocalTimeError> {
    name.trim()
        .parse::<Tz>()
        .map_err(|_| LocalTimeError::UnknownTimeZone(name.to_owned()))
}

/// Parses `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS`.
///
/// Offsets and `Z` are rejected on purpose: the zone is the visit's, not the client's,
/// and silently accepting an offset would hide a client bug.
pub fn parse_local(s: &str) -> Result<NaiveDateTime, LocalTimeError> {
    let invalid = || LocalTimeError::Invalid(s.to_owned());
    // chrono's parser tolerates signs, extra year digits and single-digit fields, so the
    // exact shape is checked first.
    let shape = match s.len() {
        16 => "dddd-dd-ddTdd:dd",
        19 => "dddd-dd-ddTdd:dd:dd",
        _ => return Err(invalid()),
    };
    let shape_ok = s.bytes().zip(shape.bytes()).all(|(c, p)| match p {
        b'd' => c.is_ascii_digit(),
        _ => c == p,
    });
    if !shape_ok {
        return Err(invalid());
    }
    let format = if s.len() == 16 {
        "%Y-%m-%dT%H:%M"
    } else {
        "%Y-%m-%dT%H:%M:%S"
    };
    let parsed = NaiveDateTime::parse_from_str(s, format).map_err(|_| invalid())?;
    // `:60` parses as a leap second, which no agenda needs.
    if parsed.nanosecond() != 0 {
        return Err(invalid());
    }
    Ok(parsed)
}

/// Formats a local time the way users typed it (seconds only when present).
pub fn format_local(local: NaiveDateTime) -> String {
    if local.second() == 0 {
        local.format("%Y-%m-%dT%H:%M").to_string()
    } else {
        local.format("%Y-%m-%dT%H:%M:%S").to_string()
    }
}

/// Converts a wall-clock time in `tz` to UTC, refusing DST gaps and overlaps.
pub fn resolve_local(local: NaiveDateTime, tz: Tz) -> Result<DateTime<Utc>, LocalTimeError> {
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(dt) => Ok(dt.with_timezone(&Utc)),
        chrono::LocalResult::None => Err(LocalTimeError::Nonexistent {
            local: format_local(local),
            tz: tz.name().to_owned(),
        }),
        chrono::LocalResult::Ambiguous(_, _) => Err(LocalTimeError::Ambiguous {
            local: format_local(local),
            tz: tz.name().to_owned(),
        }),
    }
}

/// UTC offset in seconds in force at `at`.
pub(crate) fn offset_secs(tz: Tz, at: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
}

/// First instant in `(lo, hi]` whose offset differs from the one at `lo`.
///
/// Callers guarantee the offsets at `lo` and `hi` differ.
pub(crate) fn first_change(tz: Tz, lo: DateTime<Utc>, hi: DateTime<Utc>) -> DateTime<Utc> {
    first_change_by(lo, hi, |at| offset_secs(tz, at))
}

/// First instant in `(lo, hi]` where `key` differs from `key(lo)`, assuming a single
/// change in between. Bisection on whole seconds is exact because tzdata transitions
/// fall on whole seconds.
pub(crate) fn first_change_by<K: PartialEq>(
    lo: DateTime<Utc>,
    hi: DateTime<Utc>,
    key: impl Fn(DateTime<Utc>) -> K,
) -> DateTime<Utc> {
    let before = key(lo);
    let (mut lo, mut hi) = (lo, hi);
    while hi - lo > chrono::Duration::seconds(1) {
        let mid = lo + (hi - lo) / 2;
        if key(mid) == before {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

fn hhmm(t: NaiveDateTime) -> String {
    if t.second() == 0 {
        t.format("%H:%M").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}

fn nonexistent_message(local: &str, tz: &str) -> String {
    let detail = parse_local(local)
        .ok()
        .zip(parse_tz(tz).ok())
        .and_then(|(l, z)| {
            let gap = GapInfo::new(&l, &z)?;
            let (begin, _) = gap.begin?;
            let end = gap.end?;
            Some(format!(
                ": clocks jump from {} to {}",
                hhmm(begin),
                hhmm(end.naive_local())
            ))
        });
    format!(
        "{local} does not exist in {tz}{}",
        detail.unwrap_or_else(|| ": the clocks skip it".to_owned())
    )
}

fn ambiguous_message(local: &str, tz: &str) -> String {
    let detail = parse_local(local)
        .ok()
        .zip(parse_tz(tz).ok())
        .and_then(|(l, z)| {
            let chrono::LocalResult::Ambiguous(early, late) = z.from_local_datetime(&l) else {
                return None;
            };
            let (early, late) = (early.with_timezone(&Utc), late.with_timezone(&Utc));
            let at = first_change(z, early, late);
            let from = at.naive_utc() + chrono::Duration::seconds(offset_secs(z, early).into());
            let to = at.naive_utc() + chrono::Duration::seconds(offset_secs(z, late).into());
            Some(format!(
                ": clocks go back from {} to {}, so it happens twice; pick a time outside {}-{}",
                hhmm(from),
                hhmm(to),
                hhmm(to),
                hhmm(from)
            ))
        });
    format!(
        "{local} is ambiguous in {tz}{}",
        detail.unwrap_or_else(|| ": it happens twice".to_owned())
    )
}
