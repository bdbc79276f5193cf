//! One validation for every way an organisation comes in (create, PATCH, ad-hoc check):
//! text cleaning, URLs, tags, references to clusters and partnerships, and the domain's
//! shape checks — every problem reported at once, one entry each.
use cxc_domain::organisation::{OrganisationFacts, validate_organisation_input};
use cxc_persistence::{Problem, RepoError, repositories::organisations::OrgInput};

use super::dto::OrgBody;
use crate::{
    error::{ApiError, ApiResult},
    state::AppState,
};

pub const MAX_TAGS: usize = 50;
pub const MAX_TAG_CHARS: usize = 80;
pub const MAX_URL_CHARS: usize = 500;
const MAX_TEXT_CHARS: usize = 200;
/// Bounds the work (and the bind parameters) one request can cause.
const MAX_LIST: usize = 50;

/// A validated organisation: what to store and what the rules judge.
pub struct Validated {
    pub input: OrgInput,
    pub facts: OrganisationFacts,
}

/// The stored spelling of a tag: lower-case, trimmed, inner whitespace as `_`.
pub fn tag_of(raw: &str) -> String {
    raw.split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .to_lowercase()
}

/// Every tag as [`tag_of`], duplicates dropped (first one kept); bounded in number and length.
/// The count is checked before any tag is looked at, and duplicates are found with a set,
/// so a body of 150,000 tags costs one comparison, not 10^10.
pub fn tags(raw: &[String], field: &str, out: &mut Vec<Problem>) -> Vec<String> {
    if raw.len() > MAX_TAGS {
        out.push(Problem::new(
            field,
            "too_many",
            format!("at most {MAX_TAGS} tags, got {}", raw.len()),
        ));
        return Vec::new();
    }
    let mut seen = std::collections::HashSet::new();
    let mut clean: Vec<String> = Vec::new();
    for (i, t) in raw.iter().enumerate() {
        let tag = tag_of(t);
        let n = tag.chars().count();
        if n == 0 || n > MAX_TAG_CHARS {
            out.push(Problem::new(
                format!("{field}[{i}]"),
                "invalid_tag",
                format!("a tag needs 1 to {MAX_TAG_CHARS} characters"),
            ));
        } else if tag.chars().any(char::is_control) {
            out.push(Problem::new(
                format!("{field}[{i}]"),
                "control_characters",
                "a tag must not contain control characters",
            ));
        } else if seen.insert(tag.clone()) {
            clean.push(tag);
        }
    }
    clean
}

/// An absolute http(s) URL with a host, no whitespace, at most 500 characters.
pub fn url(raw: Option<String>, field: &str, out: &mut Vec<Problem>) -> Option<String> {
    let u = raw.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty())?;
    let lower = u.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let host = rest
        .map(|r| r.split(['/', '?', '#']).next().unwrap_or_default())
        .unwrap_or_default();
    let host_ok = !host.is_empty()
        && !host.starts_with(['.', ':', '@'])
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || "-.:[]@_%".contains(c));
    if u.chars().count() > MAX_URL_CHARS {
        out.push(Problem::new(
            field,
            "too_long",
            format!("a URL may have at most {MAX_URL_CHARS} characters"),
        ));
    } else if !host_ok || u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        out.push(Problem::new(
            field,
            "invalid_url",
            "must be an absolute http:// or https:// address",
        ));
    }
    Some(u)
}

/// Trimmed single-line text; `required` rejects an empty value.
fn line(raw: &str, field: &str, required: bool, out: &mut Vec<Problem>) -> String {
    let t = raw.trim().to_owned();
    if required && t.is_empty() {
        out.push(Problem::new(field, "required", "must not be empty"));
    } else if t.chars().count() > MAX_TEXT_CHARS {
        out.push(Problem::new(
            field,
            "too_long",
            format!("at most {MAX_TEXT_CHARS} characters"),
        ));
    } else if t.chars().any(char::is_control) {
        out.push(Problem::new(
            field,
            "control_characters",
            "must not contain control characters",
        ));
    }
    t
}

fn at_most(n: usize, field: &str, max: usize, out: &mut Vec<Problem>) {
    if n > max {
        out.push(Problem::new(
            field,
            "too_many",
            format!("at most {max} entries, got {n}"),
        ));
    }
}

/// Validates and cleans `body`; 422 listing every problem.
///
/// # Errors
/// `Unprocessable` with one entry per problem; database failures.
pub async fn validate(st: &AppState, mut b: OrgBody) -> ApiResult<Validated> {
    let mut p = Vec::new();
    // Every list's length first: an over-long list is reported and none of its items is
    // looked at (`tags` bounds its own); the other fields are still judged, so every
    // problem is reported at once.
    at_most(b.cluster_ids.len(), "cluster_ids", MAX_LIST, &mut p);
    at_most(b.establishments.len(), "establishments", MAX_LIST, &mut p);
    let n = b.partner_enterprises.len();
    at_most(n, "partner_enterprises", MAX_LIST, &mut p);
    let n = b.linked_enterprises.len();
    at_most(n, "linked_enterprises", MAX_LIST, &mut p);
    // The Art. 6 chain is one level deep and bounded like the lists above.
    for (i, e) in b.partner_enterprises.iter().take(MAX_LIST).enumerate() {
        let field = format!("partner_enterprises[{i}].linked_enterprises");
        at_most(e.linked_enterprises.len(), &field, MAX_LIST, &mut p);
    }
    for (i, e) in b.linked_enterprises.iter().take(MAX_LIST).enumerate() {
        let field = format!("linked_enterprises[{i}].partner_enterprises");
        at_most(e.partner_enterprises.len(), &field, MAX_LIST, &mut p);
    }
    let lists_in_bounds = p.is_empty();
    // The domain reports an empty name itself; only length and characters are checked here.
    b.name = line(&b.name, "name", false, &mut p);
    b.city = line(&b.city, "city", true, &mut p);
    b.agency_exception_ref = b
        .agency_exception_ref
        .map(|r| line(&r, "agency_exception_ref", false, &mut p))
        .filter(|r| !r.is_empty());
    b.eccp_profile_url = url(b.eccp_profile_url, "eccp_profile_url", &mut p);
    b.website = url(b.website, "website", &mut p);
    b.sectors = tags(&b.sectors, "sectors", &mut p);
    b.competencies = tags(&b.competencies, "competencies", &mut p);
    if !lists_in_bounds {
        return Err(ApiError::Unprocessable(p));
    }
    let mut seen = std::collections::HashSet::new();
    b.cluster_ids.retain(|id| seen.insert(*id));
    b.region = b
        .region
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if let Some(pid) = b.managing_partnership_id {
        match st.store.partnership(pid).await {
            Ok(_) => {}
            Err(RepoError::NotFound) => p.push(Problem::new(
                "managing_partnership_id",
                "unknown_partnership",
                format!("no partnership with id {pid}"),
            )),
            Err(e) => return Err(e.into()),
        }
    }
    let clusters = match st.store.resolve_clusters(&b.cluster_ids).await {
        Ok(c) => c,
        Err(RepoError::Invalid(found)) => {
            p.extend(found);
            vec![]
        }
        Err(e) => return Err(e.into()),
    };
    let input = b.into_input();
    let facts = input.facts(clusters);
    p.extend(validate_organisation_input(&facts));
    if p.is_empty() {
        Ok(Validated { input, facts })
    } else {
        Err(ApiError::Unprocessable(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised_deduplicated_and_bounded() {
        let mut p = Vec::new();
        let raw = vec![
            " ICT  Data ".to_owned(),
            "ict_data".to_owned(),
            "Space".to_owned(),
        ];
        assert_eq!(tags(&raw, "sectors", &mut p), ["ict_data", "space"]);
        assert!(p.is_empty());
        let long = vec!["x".repeat(81), String::new()];
        tags(&long, "sectors", &mut p);
        assert_eq!(p.len(), 2);
        let many: Vec<String> = (0..51).map(|i| format!("t{i}")).collect();
        let mut p = Vec::new();
        tags(&many, "sectors", &mut p);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].field, "sectors");
    }

    #[test]
    fn urls_must_be_absolute_http() {
        for ok in [
            "https://clustercollaboration.eu/x",
            "http://litek.lt",
            "HTTPS://a.b:8080/p?q#f",
        ] {
            let mut p = Vec::new();
            url(Some(ok.into()), "website", &mut p);
            assert!(p.is_empty(), "{ok}");
        }
        for bad in [
            "ftp://x.eu",
            "javascript:alert(1)",
            "https://",
            "https:// x.eu",
            "litek.lt",
        ] {
            let mut p = Vec::new();
            url(Some(bad.into()), "website", &mut p);
            assert_eq!(p.len(), 1, "{bad}");
        }
        let mut p = Vec::new();
        url(
            Some(format!("https://a.eu/{}", "x".repeat(500))),
            "website",
            &mut p,
        );
        assert_eq!(p[0].code, "too_long");
        assert_eq!(url(Some("  ".into()), "website", &mut p), None);
    }
}
