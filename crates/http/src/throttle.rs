//! Throttling that slows guessing without locking the owner out (issue 12; the choices
//! against OWASP ASVS 4.0 chapter 2 are in `docs/security.md`).
//!
//! - Failed logins count per **(account, client)** and per **client**, never per account
//!   alone: a stranger's guesses slow the stranger, and the owner signing in from another
//!   client is not affected at all.
//! - Limits are **progressive delays** (see [`ThrottleRule`]), not a fixed ban.
//! - Check and count are **one atomic step in the database** (every process on it shares
//!   the counters): an attempt reserves its try before the password is checked; a
//!   success gives it back.
//! - The **client** is the peer address, or the `X-Forwarded-For` entry added by a proxy
//!   listed in `http.trusted_proxies` (empty by default: the header is then ignored, as
//!   anyone can send it). IPv6 clients count per /64, the block one subscriber gets.
use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, request::Parts},
};
use cxc_persistence::repositories::accounts::throttle::ThrottleRule;
use ipnet::IpNet;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::{
    error::{ApiError, ApiResult},
    state::AppState,
};

/// `[http.throttle]`: one rule per kind of attempt.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ThrottleSettings {
    /// Failed logins of one account from one client.
    pub login_account_client: ThrottleRule,
    /// Failed logins from one client, whatever the account.
    pub login_client: ThrottleRule,
    /// Registrations from one client.
    pub register_client: ThrottleRule,
    /// Password-reset requests from one client.
    pub reset_client: ThrottleRule,
    /// Password-reset requests for one address (mail bombing), whoever asks.
    pub reset_address: ThrottleRule,
    /// Verification mails re-sent to one account.
    pub verification_resend: ThrottleRule,
}

const fn rule(free: u32, base_secs: u64, max_secs: u64, forget_secs: u64) -> ThrottleRule {
    ThrottleRule {
        free,
        base_secs,
        max_secs,
        forget_secs,
    }
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        Self {
            login_account_client: rule(5, 1, 900, 3600),
            login_client: rule(30, 1, 60, 3600),
            register_client: rule(10, 60, 3600, 3600),
            reset_client: rule(5, 60, 3600, 3600),
            reset_address: rule(3, 300, 3600, 3600),
            verification_resend: rule(3, 60, 3600, 3600),
        }
    }
}

/// The client a request comes from, as throttling counts it.
#[derive(Debug, Clone)]
pub struct Client(pub String);

impl FromRequestParts<AppState> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or_else(|| ApiError::Internal("no peer address".into()))?;
        Ok(Self(client_key(client_ip(
            peer,
            &parts.headers,
            &st.trusted_proxies,
        ))))
    }
}

/// The peer, or — when the peer is a trusted proxy — the right-most `X-Forwarded-For`
/// entry that is not itself a trusted proxy. Anything unparsable stops the walk (the
/// last trusted hop is then the client), so a forged header can only name an address
/// to the left of what the trusted proxies appended.
#[must_use]
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect::<Vec<_>>();
    for hop in hops.iter().rev().take(32) {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

/// IPv4 as is; IPv6 by its /64 prefix (one subscriber holds a whole /64).
#[must_use]
pub fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The stored key: a hash, so the table holds no addresses or IPs.
fn key(kind: &str, parts: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    for p in parts {
        h.update([0]);
        h.update(p.as_bytes());
    }
    format!("{kind}:{}", hex::encode(&h.finalize()[..16]))
}

/// Parses the `http.trusted_proxies` entries (addresses or CIDR ranges). An entry that
/// does not parse is logged and left out: the safe failure is to trust less.
#[must_use]
pub fn trusted_nets(entries: &[String]) -> Vec<IpNet> {
    entries
        .iter()
        .filter_map(|e| {
            let e = e.trim();
            e.parse::<IpNet>()
                .or_else(|_| e.parse::<IpAddr>().map(IpNet::from))
                .inspect_err(|_| tracing::error!(entry = e, "ignoring unparsable trusted proxy"))
                .ok()
        })
        .collect()
}

/// Counts one attempt under `key`, or answers 429 with the wait.
async fn reserve(st: &AppState, key: &str, rule: &ThrottleRule) -> ApiResult<()> {
    match st.store.throttle_reserve(key, rule).await? {
        None => Ok(()),
        Some(wait) => Err(ApiError::TooManyRequests(wait)),
    }
}

/// A password attempt that holds its reservations until it is known to have succeeded.
pub struct PasswordAttempt {
    account_client: String,
    client: String,
}

impl PasswordAttempt {
    /// Reserves a try for `account` (its canonical address, or the text typed) from
    /// `client`; 429 when either counter says wait.
    ///
    /// # Errors
    /// `TooManyRequests` with the seconds to wait.
    pub async fn begin(st: &AppState, account: &str, client: &Client) -> ApiResult<Self> {
        let t = &st.settings.throttle;
        let client_key = key("login-c", &[&client.0]);
        reserve(st, &client_key, &t.login_client).await?;
        let account_client = key("login-ac", &[account, &client.0]);
        if let Err(e) = reserve(st, &account_client, &t.login_account_client).await {
            // Not tried, so not counted against the client.
            st.store.throttle_refund(&client_key).await?;
            return Err(e);
        }
        Ok(Self {
            account_client,
            client: client_key,
        })
    }

    /// The password was right: this client's record for the account is cleared and the
    /// client's try is given back. A failure needs no call: the reservation stands.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn succeeded(self, st: &AppState) -> ApiResult<()> {
        st.store.throttle_clear(&self.account_client).await?;
        st.store.throttle_refund(&self.client).await?;
        Ok(())
    }
}

/// Counts a registration from `client`.
///
/// # Errors
/// `TooManyRequests` with the seconds to wait.
pub async fn registration(st: &AppState, client: &Client) -> ApiResult<()> {
    let k = key("register-c", &[&client.0]);
    reserve(st, &k, &st.settings.throttle.register_client).await
}

/// Counts a reset request from `client` for `address` (the text as typed, canonical
/// when it parses, so the same limit applies whether or not an account has it).
///
/// # Errors
/// `TooManyRequests` with the seconds to wait.
pub async fn reset_request(st: &AppState, client: &Client, address: &str) -> ApiResult<()> {
    let t = &st.settings.throttle;
    reserve(st, &key("reset-c", &[&client.0]), &t.reset_client).await?;
    reserve(st, &key("reset-a", &[address]), &t.reset_address).await
}

/// Counts a verification mail re-sent to `account`.
///
/// # Errors
/// `TooManyRequests` with the seconds to wait.
pub async fn verification_resend(st: &AppState, account: uuid::Uuid) -> ApiResult<()> {
    let k = key("verify-a", &[&account.to_string()]);
    reserve(st, &k, &st.settings.throttle.verification_resend).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_header_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        let h = headers(&["198.51.100.1"]);
        assert_eq!(client_ip(peer, &h, &[]), peer);
        let other = trusted_nets(&["10.0.0.0/8".into()]);
        assert_eq!(client_ip(peer, &h, &other), peer);
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = trusted_nets(&["10.0.0.0/8".into(), "192.0.2.7".into(), "nonsense".into()]);
        assert_eq!(trusted.len(), 2);
        let peer: IpAddr = "10.1.2.3".parse().unwrap();
        // The client forged the left-most entry; the proxies appended the real one.
        let h = headers(&["1.1.1.1, 198.51.100.1", "192.0.2.7"]);
        assert_eq!(
            client_ip(peer, &h, &trusted),
            "198.51.100.1".parse::<IpAddr>().unwrap()
        );
        // Garbage stops the walk at the last trusted hop.
        let h = headers(&["198.51.100.1, garbage"]);
        assert_eq!(client_ip(peer, &h, &trusted), peer);
        assert_eq!(client_ip(peer, &HeaderMap::new(), &trusted), peer);
    }

    #[test]
    fn ipv6_clients_count_per_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(client_key(mapped), "192.0.2.1");
    }
}
