//! Cookies: the session (the API's own session token), the CSRF cookie, the chosen
//! language and a one-shot notice shown after a redirect.
use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, header},
    middleware::Next,
    response::Response,
};

use crate::{WebState, csrf};

pub const SESSION: &str = "cxc_session";
pub const CSRF: &str = "cxc_csrf";
pub const LANG: &str = "cxc_lang";
pub const NOTICE: &str = "cxc_notice";

/// The value of cookie `name` in the request.
#[must_use]
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value. Every cookie is HttpOnly (no script needs one) and SameSite=Lax:
/// a link from an email keeps the user signed in, while cross-site posts carry no cookie.
#[must_use]
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let v =
        format!("{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// Gives a browser without one its CSRF cookie (visible to the handlers of this very
/// request, so the first page's forms already work), and adds the security headers every
/// page gets.
pub async fn browser_cookies(
    State(web): State<WebState>,
    mut req: Request,
    next: Next,
) -> Response {
    // Unknown API paths reach the pages' catch-all route: they stay plain API answers.
    if req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let fresh = if cookie(req.headers(), CSRF).is_none() {
        let value = csrf::new_cookie_value();
        let pair = format!("{CSRF}={value}");
        let merged = match req
            .headers()
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
        {
            Some(existing) => format!("{existing}; {pair}"),
            None => pair,
        };
        if let Ok(v) = HeaderValue::from_str(&merged) {
            req.headers_mut().insert(header::COOKIE, v);
        }
        Some(value)
    } else {
        None
    };
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if let Some(value) = fresh {
        // A year: the cookie is no credential, only half of the token.
        h.append(
            header::SET_COOKIE,
            set_cookie(CSRF, &value, 31_536_000, web.secure_cookies),
        );
    }
    for (k, v) in [
        (
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
    ] {
        h.entry(k).or_insert(HeaderValue::from_static(v));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cookie_among_several() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; cxc_session=tok; b=2"),
        );
        assert_eq!(cookie(&h, SESSION), Some("tok"));
        assert_eq!(cookie(&h, "a"), Some("1"));
        assert_eq!(cookie(&h, "missing"), None);
    }
}
