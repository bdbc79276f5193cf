//! Passwords (argon2id), bearer tokens (random, stored only as a SHA-256 hash).
use argon2::{
    Argon2, PasswordHash, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, mpsc};

/// An argon2id hash (the crate's defaults: OWASP's m=19 MiB, t=2, p=1) as a PHC string,
/// computed in the thread's reusable memory (see [`BLOCKS`]).
///
/// # Errors
/// Only if the hasher itself fails (never for ordinary input).
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    let params = argon2::Params::default();
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_buf)
        .map_err(|e| e.to_string())?;
    let mut out = [0u8; argon2::Params::DEFAULT_OUTPUT_LEN];
    in_thread_memory(argon2::Version::V0x13, &params, |hasher, blocks| {
        hasher.hash_password_into_with_memory(password.as_bytes(), salt_bytes, &mut out, blocks)
    })
    .map_err(|e| e.to_string())?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(argon2::Version::V0x13.into()),
        params: argon2::password_hash::ParamsString::try_from(&params)
            .map_err(|e| e.to_string())?,
        salt: Some(salt.as_salt()),
        hash: Some(argon2::password_hash::Output::new(&out).map_err(|e| e.to_string())?),
    };
    Ok(phc.to_string())
}

/// Runs `f` with an argon2id hasher for `params` and the thread's working memory.
fn in_thread_memory<T>(
    version: argon2::Version,
    params: &argon2::Params,
    f: impl FnOnce(&Argon2<'_>, &mut [argon2::Block]) -> T,
) -> T {
    let hasher = Argon2::new(argon2::Algorithm::Argon2id, version, params.clone());
    BLOCKS.with_borrow_mut(|blocks| {
        if blocks.len() < params.block_count() {
            blocks.resize(params.block_count(), argon2::Block::default());
        }
        f(&hasher, &mut blocks[..params.block_count()])
    })
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
    /// thread for hashing and verifying alike: allocating and freeing it per call made
    /// glibc raise its mmap threshold and keep the freed blocks, fragmented among small
    /// allocations (1,000 registrations left 430 MiB resident; see docs/reliability.md).
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
    let done = in_thread_memory(version, &params, |hasher, blocks| {
        hasher.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, blocks)
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
    use argon2::PasswordHasher;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let h = hash_password("correct horse").unwrap_or_default();
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn hashes_made_in_reused_memory_are_standard_argon2id() {
        let h = hash_password("correct horse").unwrap_or_default();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        let parsed = PasswordHash::new(&h).unwrap();
        let stock = Argon2::default();
        assert!(stock.verify_password(b"correct horse", &parsed).is_ok());
        assert!(stock.verify_password(b"wrong horse", &parsed).is_err());
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
