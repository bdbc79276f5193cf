//! A minimal browser for HTML-level tests: keeps cookies, never follows redirects (the
//! tests check the 303s), and fills each form's CSRF field from the page it came from.
use std::collections::HashMap;

use reqwest::{StatusCode, header::HeaderMap, redirect::Policy};

use crate::helpers::TestApp;

pub struct Browser {
    pub base: String,
    client: reqwest::Client,
    pub cookies: HashMap<String, String>,
    pub accept_language: Option<String>,
    /// The last page's CSRF token.
    pub csrf: String,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub html: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }

    /// The `lang` of the `<html>` element.
    pub fn lang(&self) -> String {
        attr_after(&self.html, "<html lang=\"").unwrap_or_default()
    }

    pub fn has(&self, text: &str) -> bool {
        self.html.contains(text)
    }

    /// The value of the first hidden input named `name` (entities undone), as a browser
    /// would send it back.
    pub fn hidden(&self, name: &str) -> String {
        self.hidden_all(name).into_iter().next().unwrap_or_default()
    }

    /// Every value of the hidden inputs named `name`.
    pub fn hidden_all(&self, name: &str) -> Vec<String> {
        let marker = format!("name=\"{name}\" value=\"");
        self.html
            .match_indices(&marker)
            .map(|(i, _)| {
                let start = i + marker.len();
                let end = self.html[start..].find('"').unwrap_or(0);
                self.html[start..start + end]
                    .replace("&quot;", "\"")
                    .replace("&amp;", "&")
            })
            .collect()
    }
}

/// Creates and submits an application of `visitor` (whose contact holds `token`).
pub async fn submitted(
    app: &TestApp,
    w: &crate::fixtures::World,
    visitor: uuid::Uuid,
    token: &str,
) -> String {
    w.submitted(app, visitor, token).await
}

/// Sets the account's language of `token` to `lang` and opens each page with its session:
/// each answers 200, in `lang` (the account's language wins over the browser's), with one
/// `<h1>`.
pub async fn assert_pages_in(app: &TestApp, token: &str, lang: &str, pages: &[String]) {
    app.req(
        reqwest::Method::PUT,
        "/api/v1/me/notification-preferences",
        Some(token),
        Some(serde_json::json!({"locale": lang, "reminders": true})),
        &[],
    )
    .await;
    let mut b = Browser::with_session(app, token);
    for p in pages {
        let page = b.get(p).await;
        assert_eq!(page.status, StatusCode::OK, "{lang} {p}: {}", page.html);
        assert_eq!(page.lang(), lang, "{p}");
        assert_eq!(page.html.matches("<h1").count(), 1, "one h1 on {p}");
    }
}

fn attr_after(html: &str, marker: &str) -> Option<String> {
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        Self {
            base: app.base.clone(),
            client: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
            accept_language: None,
            csrf: String::new(),
        }
    }

    /// Signed in with an API session token (the web session is the API session).
    pub fn with_session(app: &TestApp, token: &str) -> Self {
        let mut b = Self::new(app);
        b.cookies.insert("cxc_session".into(), token.into());
        b
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn absorb(&mut self, res: reqwest::Response) -> impl std::future::Future<Output = Page> {
        let status = res.status();
        let headers = res.headers().clone();
        for c in headers.get_all("set-cookie") {
            let c = c.to_str().unwrap_or_default();
            let pair = c.split(';').next().unwrap_or_default();
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() || c.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), v.to_owned());
                }
            }
        }
        async move {
            let html = res.text().await.unwrap_or_default();
            Page {
                status,
                headers,
                html,
            }
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let mut r = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header());
        if let Some(l) = &self.accept_language {
            r = r.header("accept-language", l);
        }
        let res = r.send().await.unwrap();
        let page = self.absorb(res).await;
        if let Some(t) = attr_after(&page.html, "name=\"csrf\" value=\"") {
            self.csrf = t;
        }
        page
    }

    /// Posts a form with the CSRF token of the last page.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf.clone();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly these fields (no CSRF token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body: String = form_urlencoded_pairs(fields);
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.absorb(res).await
    }

    /// Posts, then follows the 303 like a browser; returns the page it lands on.
    pub async fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let p = self.post(path, fields).await;
        if p.status == StatusCode::SEE_OTHER {
            let to = p.location().to_owned();
            return self.get(&to).await;
        }
        p
    }
}

fn form_urlencoded_pairs(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
