//! Dates and money written the way each language writes them (CLDR long dates and
//! currency patterns for en, lt, da and es).
use chrono::{Datelike, NaiveDate};

const MONTHS: [(&str, [&str; 12]); 4] = [
    (
        "en",
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
    ),
    // Genitive, as a date needs it: "2027 m. kovo 3 d."
    (
        "lt",
        [
            "sausio",
            "vasario",
            "kovo",
            "balandžio",
            "gegužės",
            "birželio",
            "liepos",
            "rugpjūčio",
            "rugsėjo",
            "spalio",
            "lapkričio",
            "gruodžio",
        ],
    ),
    (
        "da",
        [
            "januar",
            "februar",
            "marts",
            "april",
            "maj",
            "juni",
            "juli",
            "august",
            "september",
            "oktober",
            "november",
            "december",
        ],
    ),
    (
        "es",
        [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ],
    ),
];

fn month(lang: &str, d: NaiveDate) -> &'static str {
    let i = d.month0() as usize;
    MONTHS
        .iter()
        .find(|(l, _)| *l == lang)
        .map_or(MONTHS[0].1[i], |(_, m)| m[i])
}

/// A long date: 3 March 2027, 2027 m. kovo 3 d., 3. marts 2027, 3 de marzo de 2027.
#[must_use]
pub fn date(lang: &str, d: NaiveDate) -> String {
    let (day, m, y) = (d.day(), month(lang, d), d.year());
    match lang {
        "lt" => format!("{y} m. {m} {day} d."),
        "da" => format!("{day}. {m} {y}"),
        "es" => format!("{day} de {m} de {y}"),
        _ => format!("{day} {m} {y}"),
    }
}

/// Euro cents as money: €1,234.50 · 1 234,50 € · 1.234,50 € · 1234,50 € (Spanish groups
/// thousands only from five digits on).
#[must_use]
pub fn money(lang: &str, cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let (units, rest) = (abs / 100, abs % 100);
    let (group, decimal) = match lang {
        "lt" => ("\u{a0}", ","),
        "da" => (".", ","),
        "es" => (".", ","),
        _ => (",", "."),
    };
    let digits = units.to_string();
    let grouped = if lang == "es" && digits.len() <= 4 {
        digits
    } else {
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push_str(group);
            }
            out.push(c);
        }
        out
    };
    match lang {
        "en" => format!("{sign}€{grouped}{decimal}{rest:02}"),
        _ => format!("{sign}{grouped}{decimal}{rest:02}\u{a0}€"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_per_language() {
        let d = NaiveDate::from_ymd_opt(2027, 3, 3).unwrap_or_default();
        assert_eq!(date("en", d), "3 March 2027");
        assert_eq!(date("lt", d), "2027 m. kovo 3 d.");
        assert_eq!(date("da", d), "3. marts 2027");
        assert_eq!(date("es", d), "3 de marzo de 2027");
    }

    #[test]
    fn money_per_language() {
        assert_eq!(money("en", 123_450), "€1,234.50");
        assert_eq!(money("lt", 123_450), "1\u{a0}234,50\u{a0}€");
        assert_eq!(money("da", 123_450), "1.234,50\u{a0}€");
        assert_eq!(money("es", 123_450), "1234,50\u{a0}€");
        assert_eq!(money("es", 7_800_000), "78.000,00\u{a0}€");
        assert_eq!(money("en", 5), "€0.05");
        assert_eq!(money("en", -110_000), "-€1,100.00");
        assert_eq!(money("en", 100_000_000), "€1,000,000.00");
    }
}
