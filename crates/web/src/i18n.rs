//! Messages in English, Lithuanian, Danish and Spanish from Fluent catalogues
//! (`locales/<lang>.ftl`, compiled into the binary). A message missing from a catalogue
//! falls back to English; a test keeps the four catalogues in step.
use std::{collections::HashMap, sync::OnceLock};

use axum::http::{HeaderMap, header};
use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use unic_langid::LanguageIdentifier;

/// The languages offered, in the switcher's order, with their own names.
pub const LANGUAGES: [(&str, &str); 4] = [
    ("en", "English"),
    ("lt", "Lietuvių"),
    ("da", "Dansk"),
    ("es", "Español"),
];

const SOURCES: [(&str, &str); 4] = [
    ("en", include_str!("../locales/en.ftl")),
    ("lt", include_str!("../locales/lt.ftl")),
    ("da", include_str!("../locales/da.ftl")),
    ("es", include_str!("../locales/es.ftl")),
];

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static HashMap<&'static str, Bundle> {
    static B: OnceLock<HashMap<&'static str, Bundle>> = OnceLock::new();
    B.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(lang, src)| {
                let id: LanguageIdentifier = lang.parse().unwrap_or_default();
                let mut bundle = Bundle::new_concurrent(vec![id]);
                // No Unicode isolation marks around arguments: the pages are HTML with
                // `lang` set, and the marks would only get in the way of copy and paste.
                bundle.set_use_isolating(false);
                // A catalogue with a syntax error still loads its good entries; the test
                // below fails on any error.
                let res = FluentResource::try_new((*src).to_owned()).unwrap_or_else(|(r, _)| r);
                let _ = bundle.add_resource(res);
                (*lang, bundle)
            })
            .collect()
    })
}

/// The supported language for a tag (`lt-LT` → `lt`), if any.
#[must_use]
pub fn supported(tag: &str) -> Option<&'static str> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    LANGUAGES.iter().map(|(l, _)| *l).find(|l| *l == primary)
}

/// The best supported language of an `Accept-Language` header (highest q first).
#[must_use]
pub fn from_accept_language(headers: &HeaderMap) -> Option<&'static str> {
    let raw = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut ranked: Vec<(f32, usize, &str)> = raw
        .split(',')
        .take(32)
        .enumerate()
        .filter_map(|(i, part)| {
            let mut it = part.split(';');
            let tag = it.next()?.trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then_some((q, i, tag))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().find_map(|(_, _, tag)| supported(tag))
}

/// The translator of one request.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: &'static str,
}

impl Tr {
    #[must_use]
    pub fn new(lang: &'static str) -> Self {
        Self { lang }
    }

    /// The message `id`.
    #[must_use]
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id`, or `fallback` when no catalogue has it (a sector or profile
    /// code the API knows and the catalogues do not).
    #[must_use]
    pub fn t_or(&self, id: &str, fallback: &str) -> String {
        let s = self.t(id);
        if s == id { fallback.to_owned() } else { s }
    }

    /// The message `id` with arguments.
    #[must_use]
    pub fn ta(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut a = FluentArgs::new();
        for (k, v) in args {
            a.set(*k, v.clone());
        }
        self.format(id, Some(&a))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let all = bundles();
        for lang in [self.lang, "en"] {
            let Some(bundle) = all.get(lang) else {
                continue;
            };
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return bundle
                    .format_pattern(pattern, args, &mut errors)
                    .into_owned();
            }
        }
        id.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ids(src: &str) -> Vec<String> {
        let res = match FluentResource::try_new(src.to_owned()) {
            Ok(r) => r,
            Err((_, errors)) => panic!("catalogue does not parse: {errors:?}"),
        };
        res.entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_catalogue_parses_and_has_every_english_message() {
        let en = ids(SOURCES[0].1);
        assert!(en.len() > 40, "{}", en.len());
        for (lang, src) in &SOURCES[1..] {
            let have = ids(src);
            let missing: Vec<_> = en.iter().filter(|id| !have.contains(id)).collect();
            let extra: Vec<_> = have.iter().filter(|id| !en.contains(id)).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
            assert!(extra.is_empty(), "{lang} has unknown {extra:?}");
        }
    }

    #[test]
    fn messages_are_translated_and_fall_back_to_english() {
        assert_eq!(Tr::new("en").t("sign-in"), "Sign in");
        assert_ne!(Tr::new("lt").t("sign-in"), "Sign in");
        assert_eq!(Tr::new("da").t("no-such-message"), "no-such-message");
    }

    #[test]
    fn accept_language_picks_the_best_supported_tag() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("fr-FR, de;q=0.9, es-ES;q=0.8, lt;q=0.85"),
        );
        assert_eq!(from_accept_language(&h), Some("lt"));
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("da;q=0, fr"),
        );
        assert_eq!(from_accept_language(&h), None);
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("DA-dk"));
        assert_eq!(from_accept_language(&h), Some("da"));
    }
}
