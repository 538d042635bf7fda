//! Beams auth tokens (HS256 JWTs).

use serde::Serialize;

/// A Beams token, serialising to `{"token": "..."}` as the client SDKs expect.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Token {
    /// The signed JWT.
    pub token: String,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("token", &"[redacted]")
            .finish()
    }
}

#[derive(Serialize)]
pub(crate) struct Claims<'a> {
    pub(crate) iss: &'a str,
    pub(crate) sub: &'a str,
    pub(crate) exp: u64,
}
