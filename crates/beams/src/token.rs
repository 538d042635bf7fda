//! Beams tokens: the HS256 JWTs a user's devices present to authenticate as that user.

use std::time::{Duration, UNIX_EPOCH};

use push_core::{Error, Result};
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::validate;

/// How long a token stays valid.
const TOKEN_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// A Beams token. It serialises to `{"token": "..."}`, the body the Beams client SDKs expect
/// from a token endpoint, and its `Debug` does not show the token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// The claims, in the order the Python SDK writes them (the payload segment matches it).
#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    exp: u64,
}

impl Client {
    /// Issues a Beams token for `user_id`: HS256 signed with the secret key, with claims `sub`
    /// (the user id), `iss` (`https://{instance_id}.pushnotifications.pusher.com`) and `exp`
    /// (now + 24 h, UTC epoch seconds, from the builder's clock). There is no `iat`, so a
    /// device whose clock runs behind cannot reject the token as "used before issued".
    ///
    /// Only call it for a user your own authentication has established.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] on a bad id; [`Error::Config`] when the clock reads a time
    /// before 1970.
    pub fn generate_token(&self, user_id: &str) -> Result<Token> {
        validate::user_id("user_id", user_id)?;
        let now = self
            .inner
            .clock
            .now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| Error::config("the clock reads a time before 1970"))?;
        let claims = Claims {
            iss: &self.inner.issuer,
            sub: user_id,
            exp: (now + TOKEN_TTL).as_secs(),
        };
        let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        let token = jsonwebtoken::encode(&header, &claims, &self.inner.key)
            .map_err(|e| Error::config(format!("the token could not be signed: {e}")))?;
        Ok(Token { token })
    }
}
