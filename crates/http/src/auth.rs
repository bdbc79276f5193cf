//! Passwords (argon2id), bearer tokens (random, stored only as a SHA-256 hash).
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, mpsc};

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
    let Ok(h) = PasswordHash::new(hash) else {
        return false;
    };
    match verify_argon2id_reusing_memory(password, &h) {
        Some(ok) => ok,
        None => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
    }
}

thread_local! {
    /// Argon2's working memory (19 MiB with the default parameters), kept per hashing
    /// thread: allocating and freeing it per login made glibc raise its mmap threshold
    /// and keep every freed block, 200+ MiB under a login burst.
    static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Verifies an argon2id hash in the thread's reusable memory; `None` for other kinds of
/// hash (the generic verifier handles them).
fn verify_argon2id_reusing_memory(password: &str, h: &PasswordHash<'_>) -> Option<bool> {
    if h.algorithm != argon2::ARGON2ID_IDENT {
        return None;
    }
    let params = argon2::Params::try_from(h).ok()?;
    let version = h
        .version
        .and_then(|v| argon2::Version::try_from(v).ok())
        .unwrap_or_default();
    let (salt, expected) = (h.salt?, h.hash?);
    let mut salt_buf = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_buf).ok()?;
    let mut out = vec![0u8; expected.len()];
    let hasher = Argon2::new(argon2::Algorithm::Argon2id, version, params.clone());
    let done = BLOCKS.with_borrow_mut(|blocks| {
        if blocks.len() < params.block_count() {
            blocks.resize(params.block_count(), argon2::Block::default());
        }
        hasher.hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut out,
            &mut blocks[..params.block_count()],
        )
    });
    // `Output` compares in constant time.
    Some(done.is_ok() && argon2::password_hash::Output::new(&out).is_ok_and(|o| o == expected))
}

/// Argon2id takes 19 MiB and a core's worth of time per hash. Hashing runs on one
/// dedicated thread per core: more at once would only multiply the memory (32
/// concurrent logins on tokio's blocking pool held 2.9 GiB), and a fixed set of threads
/// keeps the freed blocks in a fixed set of allocator arenas (the blocking pool's
/// ever-changing threads spread them over many and kept ~500 MiB).
fn hashers() -> &'static Mutex<mpsc::Sender<Job>> {
    static S: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    S.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..std::thread::available_parallelism().map_or(2, std::num::NonZero::get) {
            let rx = Arc::clone(&rx);
            let _ = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    loop {
                        let job = rx.lock().unwrap_or_else(PoisonError::into_inner).recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
        }
        Mutex::new(tx)
    })
}

type Job = Box<dyn FnOnce() + Send>;

async fn on_hasher<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    hashers()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .send(Box::new(move || {
            let _ = tx.send(f());
        }))
        .map_err(|e| e.to_string())?;
    rx.await.map_err(|e| e.to_string())
}

/// [`hash_password`] on a hashing thread.
///
/// # Errors
/// When the hasher fails or its thread is gone.
pub async fn hash_password_bounded(password: String) -> Result<String, String> {
    on_hasher(move || hash_password(&password)).await?
}

/// [`verify_password`] on a hashing thread.
///
/// # Errors
/// When its thread is gone.
pub async fn verify_password_bounded(password: String, hash: String) -> Result<bool, String> {
    on_hasher(move || verify_password(&password, &hash)).await
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
#[allow(clippy::unwrap_used)]
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
    fn hashes_with_other_parameters_and_algorithms_still_verify() {
        let salt = SaltString::generate(&mut OsRng);
        for alg in [argon2::Algorithm::Argon2id, argon2::Algorithm::Argon2i] {
            let params = argon2::Params::new(8192, 2, 1, None).unwrap();
            let h = Argon2::new(alg, argon2::Version::V0x13, params)
                .hash_password(b"pass phrase", &salt)
                .unwrap()
                .to_string();
            assert!(verify_password("pass phrase", &h), "{h}");
            assert!(!verify_password("pass phrasE", &h), "{h}");
        }
        // Twice on one thread: the reused memory holds nothing from the previous hash.
        let h = hash_password("first").unwrap();
        assert!(verify_password("first", &h));
        assert!(verify_password("first", &h));
    }

    #[test]
    fn tokens_are_unique_and_hash_stably() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_eq!(token_hash(&a).len(), 64);
    }
}
