//! The web application: server-rendered pages for applicants and host contacts, served by
//! the same binary at `/` next to the API.
//!
//! How it stands (more in `docs/web.md`):
//! - **One implementation of every rule.** A page never touches the database: it calls the
//!   API's own handlers in-process ([`api::Api`], no network hop) with the signed-in user's
//!   session token, so validation, eligibility, permissions, the login throttle and every
//!   message are exactly the API's. A failed rule comes back as a problem document and is
//!   shown next to the field it names.
//! - **Works without JavaScript.** Forms post, the server answers 303 to a page (or 422 with
//!   the form and its errors); `assets/app.js` only makes some of it quicker.
//! - **Sessions** are the API's sessions (the same table, revocable, expiring), carried in
//!   an HttpOnly, SameSite=Lax cookie (Secure when the public URL is https).
//! - **CSRF**: every form carries a token bound to the browser's CSRF cookie and to the
//!   session ([`csrf`]); the only way a handler can read a form is the extractor that checks it.
//! - **Languages** from Fluent catalogues (`locales/*.ftl`, [`i18n`]).

pub mod api;
pub mod assets;
pub mod csrf;
pub mod ctx;
pub mod form;
pub mod format;
pub mod i18n;
pub mod layout;
pub mod pages;
pub mod session;

use std::sync::Arc;

use axum::{Router, middleware};
use cxc_http::AppState;

/// What every page handler shares.
#[derive(Clone)]
pub struct WebState {
    pub api: api::Api,
    pub csrf: Arc<csrf::CsrfKey>,
    /// Cookies get `Secure` when the site is served over https.
    pub secure_cookies: bool,
    /// `https://host` the site is reached at (for calendar subscription links).
    pub public_url: String,
    /// For the one record the API shows only through a status (the payment), read after
    /// the API has let the user see its application.
    pub store: cxc_persistence::repositories::Store,
    /// Whether the demo accounts still have the well-known default password (asked once,
    /// after they are first seen: checking an Argon2 hash on every sign-in page is costly).
    pub demo_default_password: Arc<std::sync::OnceLock<bool>>,
}

impl WebState {
    /// When `cxc seed --demo` has run: whether its accounts use the default password (the
    /// sign-in page then shows it). `None` without demo data.
    pub async fn demo_accounts(&self) -> Option<bool> {
        let email = cxc_domain::demo::email_of(cxc_domain::demo::DemoRole::Applicant);
        let user = self.store.user_by_email(email).await.ok().flatten()?;
        if let Some(known) = self.demo_default_password.get() {
            return Some(*known);
        }
        let default = cxc_http::auth::verify_password_bounded(
            cxc_domain::demo::DEFAULT_PASSWORD.to_owned(),
            user.password_hash,
        )
        .await
        .unwrap_or(false);
        Some(*self.demo_default_password.get_or_init(|| default))
    }

    /// The payment of an application the caller has already been allowed to see.
    pub async fn payment(
        &self,
        application: &str,
    ) -> Option<cxc_persistence::entities::payments::Model> {
        let id = application.parse().ok()?;
        self.store.payment(id).await.ok().flatten()
    }
}

/// The pages, given the API router (state applied) they call in-process.
pub fn router(api: Router, state: &AppState) -> Router {
    let public_url = state.store.public_url.clone();
    let web = WebState {
        api: api::Api::new(api),
        csrf: Arc::new(csrf::CsrfKey::derive(&state.store.unsubscribe_secret)),
        secure_cookies: public_url.starts_with("https://"),
        public_url,
        store: state.store.clone(),
        demo_default_password: Arc::default(),
    };
    pages::routes()
        .merge(assets::routes())
        .layer(middleware::from_fn_with_state(
            web.clone(),
            session::browser_cookies,
        ))
        .with_state(web)
}
