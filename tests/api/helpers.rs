//! `spawn_app`: the real server on a random port, a fresh database (SQLite file or
//! PostgreSQL database) and a real SMTP server catching the mail.
use std::{path::PathBuf, time::Duration};

use cxc_persistence::repositories::Store;
use cxc_server::{settings::Settings, startup::Application};
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::{pg, smtp::SmtpServer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a test body against SQLite and against PostgreSQL.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                if let Some(app) =
                    $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await
                {
                    super::$name(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if let Some(app) =
                    $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await
                {
                    super::$name(app).await;
                }
            }
        }
    };
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Store,
    pub backend: Backend,
    pub smtp: SmtpServer,
    pub db_url: String,
    pub settings: Settings,
    /// What the server takes for "now"; tests move it instead of sleeping.
    pub clock: std::sync::Arc<cxc_persistence::SettableClock>,
    _tmp: tempfile::TempDir,
    _stop: oneshot::Sender<()>,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    pub fn etag(&self) -> String {
        self.headers
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// The `id` of each item of a 200 list answer, in its order.
    pub fn item_ids(&self) -> Vec<String> {
        assert_eq!(self.status, 200, "{}", self.text);
        self.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    }
}

impl std::ops::Index<&str> for Resp {
    type Output = Value;
    fn index(&self, k: &str) -> &Value {
        &self.body[k]
    }
}

pub fn config_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../config"))
}

/// Test settings pointing at `db_url` and `smtp`.
pub fn test_settings(db_url: &str, smtp: &SmtpServer) -> Settings {
    let mut s = Settings::load("test", &config_dir()).expect("test settings");
    s.server.port = 0;
    s.database.url = db_url.into();
    s.database.max_connections = 8;
    s.email.transport = cxc_email::TransportKind::Smtp;
    s.email.smtp_url = smtp.url().into();
    s.dispatcher.poll_interval_ms = 50;
    // Every test client is 127.0.0.1: the per-client limits would otherwise meet the
    // suite's hundreds of registrations and deliberate failures. Tests of those limits
    // set them back (see `accounts_throttle.rs`).
    s.http.throttle.login_client.free = 100_000;
    s.http.throttle.register_client.free = 100_000;
    s.http.throttle.reset_client.free = 100_000;
    // Fixed per test app and copied to peers, so every process signs the same links.
    s.security.unsubscribe_secret = format!("test-secret-{}", uuid::Uuid::new_v4().simple()).into();
    s
}

pub async fn database_url(backend: Backend, tmp: &tempfile::TempDir) -> Option<String> {
    match backend {
        Backend::Sqlite => Some(format!("sqlite://{}/cxc.db?mode=rwc", tmp.path().display())),
        Backend::Postgres => Some(pg::fresh_database(pg::server()?).await),
    }
}

/// Starts the whole server; `None` when the backend is unavailable (announced loudly).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_with(backend, |_| {}).await
}

pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Settings)) -> Option<TestApp> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db_url = database_url(backend, &tmp).await?;
    let smtp = SmtpServer::start().await;
    let mut settings = test_settings(&db_url, &smtp);
    tweak(&mut settings);
    // The server's clock: the system's, until a test moves it (`app.clock.advance`).
    let clock = std::sync::Arc::new(cxc_persistence::SettableClock::default());
    let app = Application::build_with_clock(settings.clone(), clock.clone())
        .await
        .expect("build app");
    let base = format!("http://{}", app.addr());
    let store = app.store().clone();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    Some(TestApp {
        base,
        client,
        store,
        backend,
        smtp,
        db_url,
        settings,
        clock,
        _tmp: tmp,
        _stop: tx,
    })
}

impl TestApp {
    pub async fn req(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut r = self
            .client
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        if let Some(b) = &body {
            r = r.json(b);
        }
        let res = r.send().await.expect("request");
        Self::checked(&method, body.as_ref().into(), res).await
    }

    /// Sends a hand-built request (a raw body, a header `req` cannot set, another server's
    /// URL); the response is checked against the document like every other.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Resp {
        let request = request.build().expect("request");
        let method = request.method().clone();
        let bytes = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .unwrap_or_default();
        let json: Option<Value> = serde_json::from_slice(bytes).ok();
        let sent = match &json {
            Some(v) => crate::contract::Sent::Json(v),
            None if bytes.is_empty() => crate::contract::Sent::Nothing,
            None => crate::contract::Sent::Other,
        };
        let res = self.client.execute(request).await.expect("request");
        Self::checked(&method, sent, res).await
    }

    /// Reads the response and holds it to the published OpenAPI document (at the URL that
    /// answered: the client follows redirects).
    async fn checked(
        method: &Method,
        sent: crate::contract::Sent<'_>,
        res: reqwest::Response,
    ) -> Resp {
        let path = res.url().path().to_owned();
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        if let Err(drift) = crate::contract::check(method, &path, sent, status, &headers, &text) {
            panic!("the response contradicts /openapi.json: {drift}");
        }
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.req(Method::GET, path, token, None, &[]).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.req(Method::POST, path, token, Some(body), &[]).await
    }

    /// A POST under optimistic concurrency: `If-Match: etag` when one is given.
    pub async fn post_if(&self, path: &str, token: &str, etag: Option<&str>, body: Value) -> Resp {
        let headers: Vec<(&str, &str)> = etag.iter().map(|e| ("if-match", *e)).collect();
        self.req(Method::POST, path, Some(token), Some(body), &headers)
            .await
    }

    /// A GET with extra request headers (conditional requests: `If-None-Match`,
    /// `If-Modified-Since`).
    pub async fn get_with(
        &self,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Resp {
        self.req(Method::GET, path, token, None, headers).await
    }

    /// Registers a user, confirms the address through the real flow (the link in the
    /// verification mail) and logs in; returns `(user id, token)`.
    pub async fn user(&self, email: &str) -> (String, String) {
        let id = self.register(email).await;
        self.verify_email(email).await;
        (id, self.login(email).await)
    }

    /// Registers a user without confirming the address; returns the user id.
    pub async fn register(&self, email: &str) -> String {
        let r = self
            .post("/api/v1/auth/register", None, json!({"email": email, "password": "correct horse battery", "full_name": format!("User {email}"), "locale": "en"}))
            .await;
        assert_eq!(r.status, 201, "register {email}: {}", r.text);
        r["id"].as_str().unwrap_or_default().to_owned()
    }

    /// The token in the newest mail of `kind` to `email`, read from the outbox (the mail
    /// exactly as it will be sent: the link's `token=` parameter).
    pub async fn mail_token(&self, email: &str, kind: &str) -> String {
        use cxc_persistence::entities::outbox;
        use cxc_persistence::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        for _ in 0..100 {
            let row = outbox::Entity::find()
                .filter(outbox::Column::ToEmail.eq(email.trim().to_lowercase()))
                .filter(outbox::Column::Kind.eq(kind))
                .order_by_desc(outbox::Column::CreatedAt)
                .one(&self.store.db().conn)
                .await
                .expect("outbox");
            if let Some(token) = row.and_then(|r| token_in(&r.body_text)) {
                return token;
            }
            // Reset requests are queued after the answer.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no {kind} mail with a token to {email}");
    }

    /// The invited user accepts an invitation to be a contact.
    pub async fn accept_invitation(&self, invitee_token: &str, invitation: &str) {
        let r = self
            .req(
                Method::POST,
                &format!("/api/v1/invitations/{invitation}/accept"),
                Some(invitee_token),
                None,
                &[],
            )
            .await;
        assert_eq!(r.status, 200, "accept invitation: {}", r.text);
        assert_eq!(r["status"], "accepted");
    }

    /// Follows the link of the verification mail.
    pub async fn verify_email(&self, email: &str) {
        let token = self.mail_token(email, "verify_email").await;
        let r = self
            .post("/api/v1/auth/verify-email", None, json!({"token": token}))
            .await;
        assert_eq!(r.status, 200, "verify {email}: {}", r.text);
        assert_eq!(r["email_verified"], true);
    }

    pub async fn login(&self, email: &str) -> String {
        let r = self
            .post(
                "/api/v1/auth/login",
                None,
                json!({"email": email, "password": "correct horse battery"}),
            )
            .await;
        assert_eq!(r.status, 200, "login {email}: {}", r.text);
        r["token"].as_str().unwrap_or_default().to_owned()
    }

    /// An admin created the way operators do it (the store, as `cxc admin create` does).
    pub async fn admin(&self) -> String {
        let email = format!("admin-{}@example.eu", uuid::Uuid::new_v4().simple());
        let hash = cxc_http::auth::hash_password("correct horse battery").expect("hash");
        self.store
            .create_user(cxc_persistence::repositories::accounts::NewUser {
                email: &email,
                password_hash: hash,
                full_name: "Admin",
                locale: "en",
                role: cxc_domain::policy::AccountRole::Admin,
            })
            .await
            .expect("admin");
        self.login(&email).await
    }

    /// Grants a role (as an admin) and returns a fresh token for the user.
    pub async fn grant(&self, admin: &str, user_id: &str, role: &str, partnership: Option<&str>) {
        let r = self
            .req(
                Method::PUT,
                &format!("/api/v1/users/{user_id}/role"),
                Some(admin),
                Some(json!({"role": role, "partnership_id": partnership})),
                &[],
            )
            .await;
        assert_eq!(r.status, 200, "grant {role}: {}", r.text);
    }

    /// Waits until the SMTP server got a message for `to` whose subject or body contains `needle`.
    pub async fn wait_for_mail(&self, to: &str, needle: &str) -> crate::smtp::Received {
        for _ in 0..200 {
            if let Some(m) = self
                .smtp
                .received()
                .into_iter()
                .find(|m| m.to.iter().any(|t| t == to) && m.data.contains(needle))
            {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no mail to {to} containing {needle:?}; got {:?}",
            self.smtp
                .received()
                .iter()
                .map(|m| (m.to.clone(), m.header("subject")))
                .collect::<Vec<_>>()
        );
    }

    /// A second server process on the SAME database and SMTP server (as `cxc serve` run
    /// twice against one PostgreSQL): its own pool, HTTP port and dispatcher.
    pub async fn spawn_peer(&self, tweak: impl FnOnce(&mut Settings)) -> Peer {
        let mut settings = self.settings.clone();
        tweak(&mut settings);
        let app = Application::build(settings).await.expect("build peer app");
        let base = format!("http://{}", app.addr());
        let store = app.store().clone();
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = rx.await;
        }));
        Peer {
            base,
            store,
            _stop: tx,
        }
    }
}

/// The `token=` value of the first link in a mail body.
pub fn token_in(body: &str) -> Option<String> {
    let start = body.find("token=")? + "token=".len();
    let token: String = body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!token.is_empty()).then_some(token)
}

/// Another server on a [`TestApp`]'s database; stops when dropped.
pub struct Peer {
    pub base: String,
    pub store: Store,
    _stop: oneshot::Sender<()>,
}
