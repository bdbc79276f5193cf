//! Passwords (argon2id), bearer tokens (random, stored only as a SHA-256 hash).
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// # Errors
/// Only if the hasher itself fails (never for ordinary input).
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

#[must_use]
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Argon2id takes 19 MiB and a core's worth of time per hash. More hashes at once than
/// there are cores gain nothing and multiply the memory (32 concurrent logins held
/// 600 MiB in the benchmark), so hashing runs on the blocking pool behind this permit.
fn hashing() -> &'static tokio::sync::Semaphore {
    static S: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
        )
    })
}

/// [`hash_password`] off the async threads, at most one per core at a time.
///
/// # Errors
/// When the hasher fails or its task panics.
pub async fn hash_password_bounded(password: String) -> Result<String, String> {
    let _permit = hashing().acquire().await.map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| e.to_string())?
}

/// [`verify_password`] off the async threads, at most one per core at a time.
///
/// # Errors
/// When its task panics.
pub async fn verify_password_bounded(password: String, hash: String) -> Result<bool, String> {
    let _permit = hashing().acquire().await.map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| e.to_string())
}

/// A hash of a fixed password, verified against when the account does not exist so an
/// unknown email costs the same time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("not-a-real-password").unwrap_or_default())
}

/// A new random token (256 bits, URL-safe base64).
#[must_use]
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[must_use]
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let h = hash_password("correct horse").unwrap_or_default();
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_unique_and_hash_stably() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_eq!(token_hash(&a).len(), 64);
    }
}
