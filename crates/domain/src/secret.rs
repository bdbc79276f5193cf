//! A value that must never reach a log: passwords, keys, URLs that carry credentials.
//!
//! `Debug` prints `Secret(<redacted>)`, there is no `Display` and no `Serialize`, so a
//! secret cannot leak through `{:?}` of a settings struct, a `tracing` field or an API
//! body; code that needs the value calls [`Secret::expose`], which is easy to find.
//! (The `secrecy` crate does the same and more; this is the part we need, without a
//! dependency.)

/// A configuration value that never prints.
#[derive(Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub const fn new(value: T) -> Self {
        Self(value)
    }

    /// The value itself; never log it.
    pub const fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret<String> {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret<String> {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_hides_the_value() {
        let s = Secret::from("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert_eq!(s.expose(), "hunter2");
    }
}
