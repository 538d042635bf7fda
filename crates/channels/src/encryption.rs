//! End-to-end encryption for `private-encrypted-*` channels.
//!
//! Each channel gets its own key, SHA-256(channel name ‖ master key); event data is sealed
//! with NaCl's secretbox (XSalsa20-Poly1305) under a fresh 24-byte nonce and sent as the JSON
//! text `{"nonce":"<base64>","ciphertext":"<base64>"}`, which pusher-js opens with the
//! `shared_secret` it received from the auth endpoint.
//!
//! The cipher comes from RustCrypto's `crypto_secretbox`: pure Rust, the same crypto
//! generation as the rest of the workspace (sha2/hmac), audited primitives, and byte-for-byte
//! what tweetnacl and libsodium produce (checked against the official SDKs' vectors).

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::{Key, Nonce, XSalsa20Poly1305};
use push_core::{Error, Result};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Length of a secretbox nonce.
pub const NONCE_LEN: usize = 24;

/// The 32-byte encryption master key; `Debug` never shows it.
///
/// ```
/// use push_channels::MasterKey;
///
/// let key = MasterKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")?;
/// assert_eq!(format!("{key:?}"), "MasterKey([redacted])");
/// # Ok::<(), push_channels::Error>(())
/// ```
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl MasterKey {
    /// A key from its 32 raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// A key from 32 raw bytes given as a slice.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the slice is not 32 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        <[u8; 32]>::try_from(bytes).map(Self).map_err(|_| {
            Error::invalid_input(
                "encryption_master_key",
                format!("must be 32 bytes; {} given", bytes.len()),
            )
        })
    }

    /// A key from the base64 text of its 32 bytes (as `PUSHER_ENCRYPTION_MASTER_KEY_BASE64`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the text is not base64 or does not decode to 32 bytes.
    pub fn from_base64(text: &str) -> Result<Self> {
        let bytes = BASE64
            .decode(text.trim())
            .map_err(|_| Error::invalid_input("encryption_master_key", "is not valid base64"))?;
        Self::from_slice(&bytes)
    }

    /// The key of one encrypted channel: SHA-256(channel name ‖ master key).
    pub fn shared_secret(&self, channel: &str) -> [u8; 32] {
        let mut hash = Sha256::new();
        hash.update(channel.as_bytes());
        hash.update(self.0);
        hash.finalize().into()
    }

    /// Seals `plaintext` for `channel` under `nonce` and returns the JSON text Channels
    /// carries as the event's `data`.
    ///
    /// ```
    /// use push_channels::MasterKey;
    ///
    /// let key = MasterKey::from_bytes([7; 32]);
    /// let sealed = key.encrypt("private-encrypted-room", b"hello", [1; 24])?;
    /// assert!(sealed.starts_with(r#"{"nonce":"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB","ciphertext":""#));
    /// assert_eq!(key.decrypt("private-encrypted-room", &sealed)?, b"hello");
    /// # Ok::<(), push_channels::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] only if the cipher refuses the input (it does not for any
    /// length the API accepts).
    pub fn encrypt(
        &self,
        channel: &str,
        plaintext: &[u8],
        nonce: [u8; NONCE_LEN],
    ) -> Result<String> {
        let secret = self.shared_secret(channel);
        let cipher = XSalsa20Poly1305::new(Key::from_slice(&secret));
        let ciphertext = cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext)
            .map_err(|_| Error::invalid_input("data", "could not be encrypted"))?;
        // Base64 never needs JSON escaping, so the envelope is written directly, in one buffer.
        let mut sealed = String::with_capacity(40 + 32 + ciphertext.len().div_ceil(3) * 4);
        sealed.push_str(r#"{"nonce":""#);
        BASE64.encode_string(nonce, &mut sealed);
        sealed.push_str(r#"","ciphertext":""#);
        BASE64.encode_string(&ciphertext, &mut sealed);
        sealed.push_str(r#""}"#);
        Ok(sealed)
    }

    /// The length of what [`encrypt`](Self::encrypt) returns for `plaintext_len` bytes: the
    /// envelope, the base64 nonce and the base64 ciphertext (its tag included). Lets a size
    /// limit be checked before anything is sealed.
    pub(crate) fn sealed_len(plaintext_len: usize) -> usize {
        let envelope = r#"{"nonce":"","ciphertext":""}"#.len();
        envelope + NONCE_LEN.div_ceil(3) * 4 + (plaintext_len + TAG_LEN).div_ceil(3) * 4
    }

    /// Opens the `{"nonce","ciphertext"}` JSON text of an encrypted event on `channel`.
    ///
    /// # Errors
    /// [`Error::Decode`] when the text is not that JSON shape, the base64 is invalid, the
    /// nonce is not 24 bytes, or authentication fails (wrong key, channel or tampering).
    pub fn decrypt(&self, channel: &str, sealed: &str) -> Result<Vec<u8>> {
        let sealed: Sealed = serde_json::from_str(sealed)
            .map_err(|_| Error::decode("encrypted data is not {\"nonce\",\"ciphertext\"} JSON"))?;
        let nonce = BASE64
            .decode(&sealed.nonce)
            .map_err(|_| Error::decode("the nonce is not base64"))?;
        if nonce.len() != NONCE_LEN {
            return Err(Error::decode(format!(
                "the nonce is {} bytes; {NONCE_LEN} expected",
                nonce.len()
            )));
        }
        let ciphertext = BASE64
            .decode(&sealed.ciphertext)
            .map_err(|_| Error::decode("the ciphertext is not base64"))?;
        let secret = self.shared_secret(channel);
        XSalsa20Poly1305::new(Key::from_slice(&secret))
            .decrypt(Nonce::from_slice(&nonce), ciphertext.as_slice())
            .map_err(|_| Error::decode("the encrypted data failed authentication"))
    }
}

/// The Poly1305 tag every sealed message carries.
const TAG_LEN: usize = 16;

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

#[derive(Deserialize)]
struct Sealed {
    nonce: String,
    ciphertext: String,
}

/// Where nonces for encryption come from: the operating system's random source by default.
/// Tests may fix it to reproduce known ciphertexts; never do so in production.
///
/// ```
/// use push_channels::NonceSource;
///
/// let fixed = NonceSource::fixed([1; 24]);
/// assert_eq!(fixed.next()?, [1; 24]);
/// # Ok::<(), push_channels::Error>(())
/// ```
#[derive(Clone)]
pub struct NonceSource(Arc<dyn Fn() -> Result<[u8; NONCE_LEN]> + Send + Sync>);

impl NonceSource {
    /// Fresh random nonces from the operating system.
    pub fn random() -> Self {
        Self(Arc::new(|| {
            let mut nonce = [0u8; NONCE_LEN];
            getrandom::getrandom(&mut nonce)
                .map_err(|e| Error::config(format!("the OS random source failed: {e}")))?;
            Ok(nonce)
        }))
    }

    /// The same nonce every time: for reproducing test vectors only.
    pub fn fixed(nonce: [u8; NONCE_LEN]) -> Self {
        Self(Arc::new(move || Ok(nonce)))
    }

    /// Nonces from any function.
    pub fn from_fn(next: impl Fn() -> Result<[u8; NONCE_LEN]> + Send + Sync + 'static) -> Self {
        Self(Arc::new(next))
    }

    /// The next nonce.
    ///
    /// # Errors
    /// Whatever the source reports (the OS random source failing, for the default one).
    pub fn next(&self) -> Result<[u8; NONCE_LEN]> {
        (self.0)()
    }
}

impl Default for NonceSource {
    fn default() -> Self {
        Self::random()
    }
}

impl fmt::Debug for NonceSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NonceSource")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A size limit checked before sealing sees exactly the length sealing gives.
    #[test]
    fn sealed_len_is_the_length_of_what_encrypt_returns() {
        let key = MasterKey::from_bytes([5; 32]);
        for len in (0..70).chain([1_000, 7_700, 10_240]) {
            let sealed = key
                .encrypt("private-encrypted-x", &vec![b'a'; len], [3; NONCE_LEN])
                .unwrap();
            assert_eq!(MasterKey::sealed_len(len), sealed.len(), "{len} bytes");
        }
    }
}
