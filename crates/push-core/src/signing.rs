//! Signing primitives shared by the providers: HMAC-SHA256, MD5 and constant-time comparison.

use std::fmt;

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;

/// Lower-case hex HMAC-SHA256 of `message` keyed with `key`.
///
/// ```
/// // The Pusher Channels documentation's private-channel example.
/// let sig = push_core::hmac_sha256_hex(b"7ad3773142a6692b25b8", b"1234.1234:private-foobar");
/// assert_eq!(sig, "58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4");
/// ```
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    HmacSha256Key::new(key).sign_hex(message)
}

/// Lower-case hex MD5 of `data` (Channels' `body_md5`).
///
/// ```
/// assert_eq!(push_core::md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
/// ```
pub fn md5_hex(data: &[u8]) -> String {
    hex::encode(Md5::digest(data))
}

/// Compares two byte strings in time that depends only on their lengths, never on where
/// they first differ. Use it for every signature check.
///
/// ```
/// assert!(push_core::constant_time_eq(b"abc", b"abc"));
/// assert!(!push_core::constant_time_eq(b"abc", b"abd"));
/// assert!(!push_core::constant_time_eq(b"abc", b"ab"));
/// ```
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // `black_box` keeps the optimiser from turning the fold into an early exit.
    std::hint::black_box(diff) == 0
}

/// An HMAC-SHA256 key prepared once, so that signing many messages with the same secret does
/// not hash the key again each time.
///
/// `Debug` does not print the key.
///
/// ```
/// use push_core::HmacSha256Key;
///
/// let key = HmacSha256Key::new(b"7ad3773142a6692b25b8");
/// assert_eq!(
///     key.sign_hex(b"1234.1234:private-foobar"),
///     push_core::hmac_sha256_hex(b"7ad3773142a6692b25b8", b"1234.1234:private-foobar"),
/// );
/// assert!(key.verify_hex(b"1234.1234:private-foobar",
///     "58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"));
/// ```
#[derive(Clone)]
pub struct HmacSha256Key(Hmac<Sha256>);

impl HmacSha256Key {
    /// Prepares `key`. HMAC accepts keys of any length.
    pub fn new(key: &[u8]) -> Self {
        // HMAC is defined for keys of every length (longer ones are hashed first), and the
        // `hmac` crate's `new_from_slice` returns an error only for fixed-key-size MACs.
        #[allow(clippy::expect_used)]
        let mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
        Self(mac)
    }

    /// The raw 32-byte MAC of `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 32] {
        let mut mac = self.0.clone();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    /// The MAC of the concatenation of `parts`, without building the concatenation.
    pub fn sign_parts(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = self.0.clone();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    /// A key that signs `prefix` followed by each message it is given: for many messages that
    /// all start the same way, the common start is hashed once, here, instead of each time.
    ///
    /// ```
    /// use push_core::HmacSha256Key;
    ///
    /// let key = HmacSha256Key::new(b"7ad3773142a6692b25b8");
    /// let after = key.absorbed(b"POST\n/apps/3/events\n");
    /// assert_eq!(after.sign(b"auth_key=k"), key.sign(b"POST\n/apps/3/events\nauth_key=k"));
    /// ```
    pub fn absorbed(&self, prefix: &[u8]) -> Self {
        let mut mac = self.0.clone();
        mac.update(prefix);
        Self(mac)
    }

    /// The lower-case hex MAC of `message`.
    pub fn sign_hex(&self, message: &[u8]) -> String {
        hex::encode(self.sign(message))
    }

    /// Whether `signature_hex` (hex, either case) is the MAC of `message`, compared in
    /// constant time.
    pub fn verify_hex(&self, message: &[u8], signature_hex: &str) -> bool {
        let expected = self.sign_hex(message);
        constant_time_eq(
            expected.as_bytes(),
            signature_hex.to_ascii_lowercase().as_bytes(),
        )
    }
}

impl fmt::Debug for HmacSha256Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacSha256Key([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_case_2() {
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn parts_equal_whole() {
        let key = HmacSha256Key::new(b"k");
        assert_eq!(key.sign_parts(&[b"ab", b"", b"cd"]), key.sign(b"abcd"));
    }

    #[test]
    fn an_absorbed_prefix_signs_as_if_written_before_the_message() {
        let key = HmacSha256Key::new(b"k");
        // Prefixes shorter than, equal to and longer than a SHA-256 block (64 bytes).
        for len in [0, 1, 63, 64, 65, 130] {
            let prefix = vec![b'p'; len];
            let mut whole = prefix.clone();
            whole.extend_from_slice(b"message");
            assert_eq!(
                key.absorbed(&prefix).sign(b"message"),
                key.sign(&whole),
                "{len}"
            );
        }
        assert_eq!(
            format!("{:?}", key.absorbed(b"x")),
            "HmacSha256Key([redacted])"
        );
    }

    #[test]
    fn md5_of_docs_body() {
        // The Pusher REST docs' example body and its body_md5.
        let body = br#"{"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"}"#;
        assert_eq!(md5_hex(body), "ec365a775a4cd0599faeb73354201b6f");
    }

    #[test]
    fn verify_rejects_wrong_and_accepts_upper_case() {
        let key = HmacSha256Key::new(b"secret");
        let sig = key.sign_hex(b"msg");
        assert!(key.verify_hex(b"msg", &sig.to_uppercase()));
        assert!(!key.verify_hex(b"msg2", &sig));
        assert!(!key.verify_hex(b"msg", ""));
        assert!(!format!("{key:?}").contains("secret"));
    }
}
