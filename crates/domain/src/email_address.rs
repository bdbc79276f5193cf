//! An email address as the system keeps it, parsed once where it enters (a request body,
//! the command line) so nothing further in can hold a look-alike or malformed address.
//!
//! Why this much care: an account's address is its identity. Whoever registers an address
//! first and proves it receives the contact rights and grants meant for that person, so two
//! addresses that *look* the same must not both be accepted (issue 12, "Anyone can be
//! anyone"). The rules, in order:
//!
//! 1. at most 320 bytes in (bounded work), surrounding whitespace trimmed;
//! 2. no invisible or formatting characters anywhere (zero-width space, soft hyphen,
//!    bidi controls, variation selectors …): refused, never silently dropped;
//! 3. Unicode NFC normalisation, so composed and decomposed forms are one address;
//! 4. every non-ASCII character must be allowed in identifiers by UTS #39's General
//!    Security Profile (refuses full-width forms, compatibility characters, symbols);
//!    the local part and each domain label must be single-script (refuses a Cyrillic `а`
//!    among Latin letters) and must not be a whole-script look-alike of an ASCII string
//!    (refuses an all-Cyrillic `аре` that reads as `ape`);
//! 5. the domain goes through IDNA (UTS #46, strict STD3 rules) to its ASCII form, which is
//!    what is stored and compared: `bücher.de` and `xn--bcher-kva.de` are one domain;
//! 6. a non-ASCII local part is accepted only when the mail relay speaks SMTPUTF8;
//! 7. the result must pass RFC 5322 `addr-spec` syntax (the `email_address` crate) without
//!    display names, quoted local parts or domain literals, with a top-level domain;
//! 8. the local part is lower-cased (mailbox names are case-insensitive in practice, and
//!    two accounts differing only in case would be the same person).
use std::fmt;

use unicode_normalization::UnicodeNormalization;
use unicode_security::{GeneralSecurityProfile, MixedScript};

/// Longest input looked at, in bytes (RFC 3696 errata: 64 + 1 + 255).
const MAX_INPUT: usize = 320;
/// Longest stored address (RFC 5321 path limit minus the angle brackets).
const MAX_ADDRESS: usize = 254;
const MAX_LOCAL: usize = 64;

/// A canonical email address: NFC, lower-cased local part, ASCII (IDNA) domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

/// Why an address was refused; [`EmailError::code`] is the stable problem code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("this is not a valid email address")]
    Syntax,
    #[error("the address is longer than 254 characters")]
    TooLong,
    #[error("the address contains invisible or formatting characters")]
    Invisible,
    #[error("the address contains look-alike characters or mixes writing systems")]
    Confusable,
    #[error("the domain is not a valid domain name")]
    Domain,
    #[error("mailbox names with non-ASCII characters cannot be delivered by this server")]
    NonAsciiLocalPart,
}

impl EmailError {
    /// The `code` of the problem reported for this refusal.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Syntax => "invalid_email",
            Self::TooLong => "email_too_long",
            Self::Invisible => "invisible_characters",
            Self::Confusable => "confusable_characters",
            Self::Domain => "invalid_domain",
            Self::NonAsciiLocalPart => "non_ascii_local_part",
        }
    }
}

impl EmailAddress {
    /// Parses and canonicalises `raw`. `smtputf8` says whether the mail relay accepts
    /// non-ASCII mailbox names (RFC 6531); without it such addresses could never receive
    /// the verification mail, so they are refused up front.
    ///
    /// # Errors
    /// The first rule the input breaks (see the module documentation).
    pub fn parse(raw: &str, smtputf8: bool) -> Result<Self, EmailError> {
        if raw.len() > MAX_INPUT {
            return Err(EmailError::TooLong);
        }
        let trimmed = raw.trim();
        if trimmed.chars().any(is_invisible) {
            return Err(EmailError::Invisible);
        }
        let nfc: String = trimmed.nfc().collect();
        let (local, domain) = nfc.rsplit_once('@').ok_or(EmailError::Syntax)?;
        if local.is_empty() || domain.is_empty() || local.starts_with('"') {
            return Err(EmailError::Syntax);
        }
        let local = local.to_lowercase();
        if !local.is_ascii() {
            check_unicode_part(&local)?;
            if !smtputf8 {
                return Err(EmailError::NonAsciiLocalPart);
            }
        }
        if local.len() > MAX_LOCAL {
            return Err(EmailError::TooLong);
        }
        let domain = ascii_domain(domain)?;
        let address = format!("{local}@{domain}");
        if address.len() > MAX_ADDRESS {
            return Err(EmailError::TooLong);
        }
        let options = email_address::Options::default()
            .with_required_tld()
            .without_display_text()
            .without_domain_literal();
        email_address::EmailAddress::parse_with_options(&address, options)
            .map_err(|_| EmailError::Syntax)?;
        Ok(Self(address))
    }

    /// The canonical form, as stored.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`.
    #[must_use]
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(l, _)| l)
    }

    /// The ASCII (IDNA) domain.
    #[must_use]
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }

    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The domain in ASCII: every label checked for look-alikes in its Unicode form first,
/// then IDNA-mapped with the strict (STD3, DNS length) rules.
fn ascii_domain(domain: &str) -> Result<String, EmailError> {
    if domain.starts_with('[') {
        return Err(EmailError::Syntax);
    }
    for label in domain.split('.') {
        if label.is_empty() {
            return Err(EmailError::Domain);
        }
        if !label.is_ascii() {
            // Hyphens and digits are common to every script; the rest must not look alike.
            check_unicode_part(label)?;
        }
    }
    let ascii = idna::domain_to_ascii_strict(domain).map_err(|_| EmailError::Domain)?;
    let labels: Vec<&str> = ascii.split('.').collect();
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.len() >= 2 && !t.bytes().all(|b| b.is_ascii_digit()));
    if labels.len() < 2 || !tld_ok {
        return Err(EmailError::Domain);
    }
    Ok(ascii)
}

/// UTS #39 checks of a non-ASCII local part or domain label.
fn check_unicode_part(part: &str) -> Result<(), EmailError> {
    let allowed = part.chars().all(|c| c.is_ascii() || c.identifier_allowed());
    if !allowed || !part.is_single_script() {
        return Err(EmailError::Confusable);
    }
    // A whole-script look-alike: its confusable skeleton is plain ASCII although the
    // text is not (all-Cyrillic `аре` → `ape`).
    let skeleton: String = unicode_security::skeleton(part).collect();
    if skeleton.is_ascii() {
        return Err(EmailError::Confusable);
    }
    Ok(())
}

/// Characters that render as nothing or change how the rest renders: controls,
/// whitespace inside the address and Unicode's default-ignorable code points.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || c.is_whitespace()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> String {
        EmailAddress::parse(raw, false).unwrap().into_string()
    }

    fn err(raw: &str) -> EmailError {
        EmailAddress::parse(raw, true).unwrap_err()
    }

    #[test]
    fn plain_addresses_are_trimmed_and_lower_cased() {
        assert_eq!(
            ok("  Ana.Petraityte@Cluster.LT "),
            "ana.petraityte@cluster.lt"
        );
        assert_eq!(ok("a+tag@x.eu"), "a+tag@x.eu");
        let e = EmailAddress::parse("Ana@Cluster.lt", false).unwrap();
        assert_eq!((e.local_part(), e.domain()), ("ana", "cluster.lt"));
    }

    #[test]
    fn syntax_errors_are_refused() {
        for raw in [
            "",
            "@x.eu",
            "ana@",
            "ana",
            "ana@localhost",
            "ana@x.1",
            "a..b@x.eu",
            "\"a b\"@x.eu",
            "ana@[127.0.0.1]",
            "Ana <ana@x.eu>",
            "ana@x..eu",
            "ana@-x.eu",
        ] {
            assert!(EmailAddress::parse(raw, true).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn lengths_are_bounded_on_both_sides_of_the_limit() {
        let local = "a".repeat(64);
        assert!(EmailAddress::parse(&format!("{local}@x.eu"), false).is_ok());
        assert_eq!(
            err(&format!("{local}a@x.eu")),
            EmailError::TooLong,
            "65-byte local part"
        );
        let long_domain = format!(
            "{}.{}.{}.eu",
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(63)
        );
        let fits = format!("{}@{long_domain}", "a".repeat(254 - 1 - long_domain.len()));
        assert_eq!(fits.len(), 254);
        assert!(EmailAddress::parse(&fits, false).is_ok());
        assert_eq!(err(&format!("a{fits}")), EmailError::TooLong);
        assert_eq!(err(&"a".repeat(10_000)), EmailError::TooLong);
    }

    #[test]
    fn cyrillic_a_among_latin_letters_is_refused() {
        // U+0430 CYRILLIC SMALL LETTER A in the local part and in the domain.
        assert_eq!(err("\u{430}na@cluster.lt"), EmailError::Confusable);
        assert_eq!(err("ana@clust\u{435}r.lt"), EmailError::Confusable);
        // All-Cyrillic, but reads as Latin `ape`: a whole-script look-alike.
        assert_eq!(err("\u{430}\u{440}\u{435}@x.eu"), EmailError::Confusable);
        assert_eq!(err("ana@\u{430}\u{440}\u{435}.eu"), EmailError::Confusable);
    }

    #[test]
    fn full_width_letters_are_refused() {
        assert_eq!(err("\u{FF41}na@cluster.lt"), EmailError::Confusable);
        assert_eq!(err("ana@\u{FF43}luster.lt"), EmailError::Confusable);
    }

    #[test]
    fn invisible_characters_are_refused_not_dropped() {
        for c in [
            '\u{200B}', '\u{00AD}', '\u{200D}', '\u{FEFF}', '\u{202E}', '\u{2060}',
        ] {
            assert_eq!(
                err(&format!("an{c}a@cluster.lt")),
                EmailError::Invisible,
                "{c:?}"
            );
            assert_eq!(
                err(&format!("ana@clu{c}ster.lt")),
                EmailError::Invisible,
                "{c:?}"
            );
        }
        assert_eq!(err("an a@x.eu"), EmailError::Invisible);
        assert_eq!(err("ana@x.eu\0"), EmailError::Invisible);
    }

    #[test]
    fn internationalised_domains_are_stored_in_ascii() {
        assert_eq!(ok("anna@bücher.de"), "anna@xn--bcher-kva.de");
        assert_eq!(ok("anna@BÜCHER.de"), "anna@xn--bcher-kva.de");
        // Decomposed ü (u + U+0308) is the same address once NFC-normalised.
        assert_eq!(ok("anna@bu\u{308}cher.de"), "anna@xn--bcher-kva.de");
        assert_eq!(ok("anna@xn--bcher-kva.de"), "anna@xn--bcher-kva.de");
        assert_eq!(ok("jonas@šiauliai.lt"), "jonas@xn--iauliai-pqb.lt");
        assert_eq!(err("anna@xn--.de"), EmailError::Domain);
    }

    #[test]
    fn non_ascii_local_parts_need_smtputf8() {
        assert_eq!(
            EmailAddress::parse("jūratė@cluster.lt", false).unwrap_err(),
            EmailError::NonAsciiLocalPart
        );
        let e = EmailAddress::parse("Jūratė@cluster.lt", true).unwrap();
        assert_eq!(e.as_str(), "jūratė@cluster.lt");
        // NFC: the decomposed spelling is the same account.
        let d = EmailAddress::parse("ju\u{304}rate\u{307}@cluster.lt", true).unwrap();
        assert_eq!(d, e);
        // Single-script Cyrillic that does not imitate ASCII is a real mailbox name.
        assert!(EmailAddress::parse("иван@x.eu", true).is_ok());
    }
}
