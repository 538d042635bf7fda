//! A wrapper that keeps keys, secrets and tokens out of logs.

use std::fmt;

/// A secret value (API secret, bearer token, encryption key) that never prints itself.
///
/// `Debug` and `Display` both print `[redacted]`; the value is reachable only through
/// [`Secret::expose`], which makes every use easy to find in a review.
///
/// ```
/// use push_core::Secret;
///
/// let secret = Secret::new("7ad3773142a6692b25b8");
/// assert_eq!(format!("{secret:?}"), "[redacted]");
/// assert_eq!(secret.to_string(), "[redacted]");
/// assert_eq!(secret.expose(), "7ad3773142a6692b25b8");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Box<str>);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into().into_boxed_str())
    }

    /// The secret itself. Never log what this returns.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn never_printed() {
        let s = Secret::from("hunter2-secret");
        let shown = format!("{s:?} {s} {s:#?} {:?}", Some(&s));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(s.expose(), "hunter2-secret");
    }
}
