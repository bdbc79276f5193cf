//! "Add to calendar" links for the common web calendars, which take an event in their
//! URL rather than as a file. Whole-day events: visits run over dates, and each agenda
//! item is in the attached/subscribed iCalendar anyway.
use chrono::NaiveDate;
use serde::Serialize;

/// Links that open the calendar's "new event" form filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebCalendarLinks {
    /// Google Calendar.
    pub google: String,
    /// Outlook on the web, personal accounts (outlook.com).
    pub outlook: String,
    /// Outlook on the web, work or school accounts (Microsoft 365).
    pub office365: String,
}

/// An event from `start` through `end_inclusive` (whole days).
#[must_use]
pub fn web_calendar_links(
    title: &str,
    start: NaiveDate,
    end_inclusive: NaiveDate,
    location: &str,
    details: &str,
) -> WebCalendarLinks {
    let last = end_inclusive.max(start);
    // Google's end date is exclusive, like DTEND of a DATE event.
    let google_end = last.succ_opt().unwrap_or(last);
    let google = format!(
        "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={}/{}&details={}&location={}",
        enc(title),
        start.format("%Y%m%d"),
        google_end.format("%Y%m%d"),
        enc(details),
        enc(location),
    );
    // Outlook's deep link takes inclusive ISO dates with allday=true.
    let outlook_query = format!(
        "path=%2Fcalendar%2Faction%2Fcompose&rru=addevent&subject={}&startdt={}&enddt={}&allday=true&location={}&body={}",
        enc(title),
        start.format("%Y-%m-%d"),
        last.format("%Y-%m-%d"),
        enc(location),
        enc(details),
    );
    WebCalendarLinks {
        google,
        outlook: format!("https://outlook.live.com/calendar/0/deeplink/compose?{outlook_query}"),
        office365: format!(
            "https://outlook.office.com/calendar/0/deeplink/compose?{outlook_query}"
        ),
    }
}

/// Percent-encodes a query value; spaces as `%20` (some calendars show a literal `+`).
fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_the_event_encoded() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap_or(NaiveDate::MIN);
        let l = web_calendar_links(
            "ESS & MAX IV",
            d("2027-03-01"),
            d("2027-03-03"),
            "Lund",
            "a+b",
        );
        assert!(
            l.google.contains("text=ESS%20%26%20MAX%20IV"),
            "{}",
            l.google
        );
        assert!(l.google.contains("dates=20270301/20270304"), "{}", l.google);
        assert!(l.google.contains("details=a%2Bb"), "{}", l.google);
        assert!(
            l.outlook
                .contains("startdt=2027-03-01&enddt=2027-03-03&allday=true")
        );
        assert!(l.office365.starts_with("https://outlook.office.com/"));
    }
}
