//! CSRF protection: a signed double-submit token bound to the session.
//!
//! The browser holds a random `cxc_csrf` cookie (set on its first page). Every form carries
//! `csrf = base64url(HMAC-SHA256(key, cookie ‖ 0 ‖ session token))`. A forged form from
//! another site cannot read the cookie, so it cannot know the token; a token taken from the
//! attacker's own visit does not match the victim's cookie and session. Signing in changes
//! the session part, so a token from before the sign-in stops working.
//! The key is derived from the server's secret (`security.unsubscribe_secret`), so every
//! process behind a load balancer accepts the same tokens and nothing is stored.
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use rand::RngCore;
use sha2_hmac::Sha256;

type HmacSha256 = Hmac<Sha256>;

pub struct CsrfKey([u8; 32]);

impl CsrfKey {
    /// A key of its own, so a CSRF token can never serve as an unsubscribe link or back.
    #[must_use]
    pub fn derive(secret: &[u8]) -> Self {
        let mut key = [0u8; 32];
        if let Ok(mut mac) = HmacSha256::new_from_slice(secret) {
            mac.update(b"cxc-web csrf key v1");
            key.copy_from_slice(&mac.finalize().into_bytes());
        }
        Self(key)
    }

    fn mac(&self, cookie: &str, session: &str) -> HmacSha256 {
        // HMAC accepts keys of any length: this cannot fail.
        let mut mac = HmacSha256::new_from_slice(&self.0)
            .unwrap_or_else(|_| HmacSha256::new(&Default::default()));
        mac.update(cookie.as_bytes());
        mac.update(&[0]);
        mac.update(session.as_bytes());
        mac
    }

    /// The token forms of this browser and session carry.
    #[must_use]
    pub fn token(&self, cookie: &str, session: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(cookie, session).finalize().into_bytes())
    }

    /// Whether `token` was issued for this cookie and session (constant-time).
    #[must_use]
    pub fn verify(&self, token: &str, cookie: &str, session: &str) -> bool {
        if cookie.is_empty() || token.len() > 64 {
            return false;
        }
        let Ok(raw) = URL_SAFE_NO_PAD.decode(token) else {
            return false;
        };
        self.mac(cookie, session).verify_slice(&raw).is_ok()
    }
}

/// A new random cookie value (256 bits).
#[must_use]
pub fn new_cookie_value() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_only_for_its_cookie_session_and_key() {
        let k = CsrfKey::derive(b"secret");
        let t = k.token("cookie-a", "session-1");
        assert!(k.verify(&t, "cookie-a", "session-1"));
        assert!(!k.verify(&t, "cookie-b", "session-1"));
        assert!(!k.verify(&t, "cookie-a", "session-2"));
        assert!(!k.verify(&t, "cookie-a", ""));
        assert!(!k.verify(&t, "", "session-1"));
        assert!(!k.verify("garbage!", "cookie-a", "session-1"));
        assert!(!CsrfKey::derive(b"other").verify(&t, "cookie-a", "session-1"));
    }
}
