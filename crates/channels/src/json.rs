//! JSON strings written straight into a request body: the bytes serde_json writes for them,
//! found eight bytes at a time.
//!
//! A trigger's body is mostly its `data`, itself JSON text, so a string with quotes to escape
//! every few bytes. serde_json looks up every byte in a table; here a word of eight bytes is
//! tested at once, and only the bytes the test flags are looked up.

/// What each byte becomes inside a JSON string, as serde_json writes it: 0 for itself, `u` for
/// `\u00XX`, or the letter that follows the backslash.
const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut control = 0;
    while control < 0x20 {
        table[control] = b'u';
        control += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Appends `text` as a JSON string, quotes included, byte for byte as `serde_json` writes it:
/// `"` and `\` escaped with a backslash, the controls with their short forms or `\u00XX` in
/// lower-case hex, everything else (non-ASCII and DEL too) as it is.
pub(crate) fn push_string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // The first byte of `text` not yet written.
    let mut start = 0;
    let mut words = bytes.chunks_exact(8);
    for (n, word) in words.by_ref().enumerate() {
        let mut flagged = escape_mask(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        // Only the bytes the mask flags are looked at, lowest first.
        while flagged != 0 {
            let k = (flagged.trailing_zeros() / 8) as usize;
            flagged &= flagged - 1;
            escape_at(out, bytes, &mut start, n * 8 + k);
        }
    }
    let tail = bytes.len() - words.remainder().len();
    for at in tail..bytes.len() {
        escape_at(out, bytes, &mut start, at);
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// The high bit of each byte of `word` that may be a control, `"` or `\`. Every such byte is
/// flagged: a borrow from the byte below can only lower a difference that is already negative
/// (for n ≤ 0x20 it stays above 0x80). A byte above a flagged one may be flagged without being
/// one, which only costs a look-up in [`ESCAPE`].
fn escape_mask(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `v` below `n`, and maybe of some above it: the classic
    // SWAR test.
    let below = |v: u64, n: u8| v.wrapping_sub(ONES * u64::from(n)) & !v & HIGH;
    let zero_byte = |v: u64| below(v, 1);
    below(word, 0x20)
        | zero_byte(word ^ (ONES * u64::from(b'"')))
        | zero_byte(word ^ (ONES * u64::from(b'\\')))
}

/// When the byte at `at` must be escaped: writes the text from `start` up to it, then its
/// escape, and moves `start` past it.
fn escape_at(out: &mut Vec<u8>, bytes: &[u8], start: &mut usize, at: usize) {
    let byte = bytes[at];
    let escape = ESCAPE[usize::from(byte)];
    if escape != 0 {
        out.extend_from_slice(&bytes[*start..at]);
        push_escape(out, escape, byte);
        *start = at + 1;
    }
}

fn push_escape(out: &mut Vec<u8>, escape: u8, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    if escape == b'u' {
        out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(byte >> 4)],
            HEX[usize::from(byte & 0x0f)],
        ]);
    } else {
        out.extend_from_slice(&[b'\\', escape]);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn written(text: &str) -> Vec<u8> {
        let mut out = b"x".to_vec();
        push_string(&mut out, text);
        out
    }

    fn by_serde(text: &str) -> Vec<u8> {
        let mut out = b"x".to_vec();
        serde_json::to_writer(&mut out, text).expect("a string serialises");
        out
    }

    #[test]
    fn every_byte_is_written_as_serde_json_writes_it() {
        for c in (0..=0x7f_u8).map(char::from).chain(['é', '\u{2028}', '😀']) {
            // Alone, and at each place of an eight-byte word and past it.
            for at in 0..17 {
                let text = format!("{}{c}{}", "a".repeat(at), "b".repeat(3));
                assert_eq!(written(&text), by_serde(&text), "{c:?} at {at}");
            }
        }
        assert_eq!(written(""), by_serde(""));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any text, and text dense in what needs escaping, as serde_json writes it.
        #[test]
        fn any_text_is_written_as_serde_json_writes_it(
            text in any::<String>(),
            escapes in "[\"\\\\\\x00-\\x1f a-z{}:,]{0,80}",
        ) {
            prop_assert_eq!(written(&text), by_serde(&text));
            prop_assert_eq!(written(&escapes), by_serde(&escapes));
        }
    }
}
