//! One linear pass over a JSON body before it is bound to a request type, refusing what
//! serde would silently accept or what a database cannot store, the same way on SQLite
//! and PostgreSQL:
//!
//! - a key twice in one object (serde keeps the last one for maps and `Value`s; a reader
//!   of the body would see the first): 422 `duplicate_key`;
//! - U+0000 in any string or key (PostgreSQL cannot store it in `text` or `jsonb`, SQLite
//!   can): 422 `nul_character`;
//! - anything after the document: 400 (see [`crate::extract::parse_json`]);
//! - an array or object of more than [`MAX_ITEMS`] entries: 422 `too_many`, found
//!   before the body is bound to its type, so no request type does per-item work on
//!   150,000 tags (each type's own, smaller limits follow).
//!
//! Paths are kept as a linked list on the stack and rendered only for a problem, so the
//! pass allocates nothing per array element.
use std::{cell::RefCell, collections::HashSet, fmt};

use cxc_persistence::Problem;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// Where a value sits: `body`, `sectors[3]`, `participant.email`.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => f.write_str("body"),
            Path::Key(Path::Root, k) => f.write_str(k),
            Path::Key(p, k) => write!(f, "{p}.{k}"),
            Path::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

/// No request has a list or an object this long; the types' own limits are smaller.
pub const MAX_ITEMS: usize = 1_000;

fn too_many(path: &Path<'_>) -> Problem {
    Problem::new(
        path.to_string(),
        "too_many",
        format!("at most {MAX_ITEMS} entries"),
    )
}

/// A character PostgreSQL refuses in `text` and `jsonb`. Lone surrogates cannot reach
/// here: serde_json refuses them as malformed JSON.
#[must_use]
pub fn unstorable(s: &str) -> bool {
    s.contains('\0')
}

/// The problem for a value holding an unstorable character.
#[must_use]
pub fn unstorable_problem(field: impl Into<String>) -> Problem {
    Problem::new(
        field,
        "nul_character",
        "must not contain the NUL character (U+0000)",
    )
}

/// The first strictness problem of `bytes`, or `Ok(None)`; `Err` is a syntax error
/// (reported by the typed pass that follows, with its usual message).
pub fn check(bytes: &[u8]) -> Result<Option<Problem>, serde_json::Error> {
    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let walked = Walk {
        path: Path::Root,
        found: &found,
    }
    .deserialize(&mut de);
    match (walked, found.into_inner()) {
        (_, Some(p)) => Ok(Some(p)),
        (Err(e), None) => Err(e),
        (Ok(()), None) => de.end().map(|()| None),
    }
}

struct Walk<'a, 'p> {
    path: Path<'p>,
    found: &'a RefCell<Option<Problem>>,
}

impl Walk<'_, '_> {
    fn fail<E: de::Error>(&self, problem: Problem) -> Result<(), E> {
        *self.found.borrow_mut() = Some(problem);
        Err(E::custom("refused"))
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        if unstorable(s) {
            return self.fail(unstorable_problem(self.path.to_string()));
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            let child = Walk {
                path: Path::Index(&self.path, i),
                found: self.found,
            };
            if seq.next_element_seed(child)?.is_none() {
                return Ok(());
            }
            i += 1;
            if i > MAX_ITEMS {
                return self.fail(too_many(&self.path));
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: HashSet<String> = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.len() == MAX_ITEMS {
                return self.fail(too_many(&self.path));
            }
            let here = Path::Key(&self.path, &key);
            if unstorable(&key) {
                return self.fail(unstorable_problem(here.to_string()));
            }
            map.next_value_seed(Walk {
                path: here,
                found: self.found,
            })?;
            if !seen.insert(key.clone()) {
                return self.fail(Problem::new(
                    Path::Key(&self.path, &key).to_string(),
                    "duplicate_key",
                    "this key appears more than once in the object",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(s: &str) -> Option<(String, String)> {
        check(s.as_bytes())
            .ok()
            .flatten()
            .map(|p| (p.field, p.code))
    }

    #[test]
    fn duplicate_keys_are_found_at_any_depth() {
        assert_eq!(
            problem(r#"{"a":1,"a":2}"#),
            Some(("a".into(), "duplicate_key".into()))
        );
        assert_eq!(
            problem(r#"{"p":{"x":[{"k":1,"k":1}]}}"#),
            Some(("p.x[0].k".into(), "duplicate_key".into()))
        );
        assert_eq!(problem(r#"{"a":{"b":1},"b":{"b":2}}"#), None);
    }

    #[test]
    fn nul_is_found_in_values_and_keys_but_not_in_escaped_backslashes() {
        assert_eq!(
            problem(r#"{"q":["ok","a\u0000b"]}"#),
            Some(("q[1]".into(), "nul_character".into()))
        );
        assert_eq!(
            problem(r#"{"a\u0000":1}"#),
            Some(("a\u{0}".into(), "nul_character".into()))
        );
        assert_eq!(problem(r#"{"q":"a\\u0000b"}"#), None);
        assert_eq!(
            problem(r#""\u0000""#),
            Some(("body".into(), "nul_character".into()))
        );
    }

    #[test]
    fn trailing_data_and_bad_syntax_are_errors() {
        assert!(check(br#"{"a":1} x"#).is_err());
        assert!(check(br#"{"a":1}{"a":1}"#).is_err());
        assert!(check(br#"{"a":1"#).is_err());
        assert!(check(b"{\"a\":1}\n  ").is_ok_and(|p| p.is_none()));
    }

    #[test]
    fn long_arrays_and_objects_are_refused_at_the_first_entry_too_many() {
        let list = |n: usize| format!("{{\"tags\":[{}]}}", vec!["\"\""; n].join(","));
        assert_eq!(problem(&list(MAX_ITEMS)), None);
        assert_eq!(
            problem(&list(MAX_ITEMS + 1)),
            Some(("tags".into(), "too_many".into()))
        );
        let map = |n: usize| {
            let keys: Vec<String> = (0..n).map(|i| format!("\"k{i}\":1")).collect();
            format!("{{\"m\":{{{}}}}}", keys.join(","))
        };
        assert_eq!(problem(&map(MAX_ITEMS)), None);
        assert_eq!(
            problem(&map(MAX_ITEMS + 1)),
            Some(("m".into(), "too_many".into()))
        );
    }
}
