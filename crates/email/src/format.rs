//! Small pure helpers used by the templates: money formatting and
//! header-safe subject cleaning.

/// Formats integer euro cents the way readers of `locale` expect.
/// `locale` must already be normalised (see `templates::normalise_locale`).
pub(crate) fn euros(cents: i64, locale: &str) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let (whole, frac) = (abs / 100, abs % 100);
    // Grouping separators per locale; Lithuanian uses a (non-breaking) space,
    // Danish and Spanish a dot, English a comma.
    let (group, decimal) = match locale {
        "lt" => ('\u{a0}', ','),
        "da" | "es" => ('.', ','),
        _ => (',', '.'),
    };
    let grouped = group_thousands(whole, group);
    match locale {
        "lt" | "da" | "es" => format!("{sign}{grouped}{decimal}{frac:02}\u{a0}€"),
        _ => format!("{sign}€{grouped}{decimal}{frac:02}"),
    }
}

fn group_thousands(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

/// Makes a rendered subject safe to put in a header: every control character
/// (CR, LF, TAB, ...) and Unicode line/paragraph separator becomes a space,
/// runs of whitespace collapse, and the result is trimmed. User-supplied text
/// in a subject can therefore never start a new header line.
pub(crate) fn single_line(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_per_locale() {
        assert_eq!(euros(110_000, "en"), "€1,100.00");
        assert_eq!(euros(110_000, "lt"), "1\u{a0}100,00\u{a0}€");
        assert_eq!(euros(110_000, "da"), "1.100,00\u{a0}€");
        assert_eq!(euros(123_456_789, "es"), "1.234.567,89\u{a0}€");
        assert_eq!(euros(5, "en"), "€0.05");
        assert_eq!(euros(-78_000, "en"), "-€780.00");
        assert_eq!(euros(0, "en"), "€0.00");
    }

    #[test]
    fn single_line_strips_controls() {
        assert_eq!(
            single_line("  Hi\r\nBcc: evil@x\t\u{0}ok\u{2028}x  "),
            "Hi Bcc: evil@x ok x"
        );
    }
}
