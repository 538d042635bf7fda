//! Recognising event data that serialises as a JSON string, without serialising it.
//!
//! `event_data` sends a string as it is. Serialising it to JSON and parsing the quoted text
//! back costs two passes over the data and two allocations; this serializer answers "is it a
//! string, and which" directly and gives up on anything else, for the JSON path to handle.

use std::fmt;

use serde::ser::{self, Impossible, Serialize};

/// The text of `value` when serde_json would write it as a JSON string (a `str`, a `char`, a
/// unit enum variant, through any `Some` or newtype wrapper); `None` for anything else,
/// including a value whose serialisation fails.
pub(crate) fn as_text<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    value.serialize(Probe).ok()
}

/// The newtype name serde_json gives `RawValue` (its `raw_value` feature).
const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// A serializer that succeeds only on string-like values.
struct Probe;

/// "Not a string": the caller falls back to JSON.
#[derive(Debug)]
pub(crate) struct NotText;

impl fmt::Display for NotText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a string")
    }
}

impl std::error::Error for NotText {}

impl ser::Error for NotText {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Self
    }
}

type No = Impossible<String, NotText>;

macro_rules! not_text {
    ($($method:ident($($ty:ty),*) -> $ret:ty;)*) => {
        $(fn $method(self, $(_: $ty),*) -> Result<$ret, NotText> { Err(NotText) })*
    };
}

impl ser::Serializer for Probe {
    type Ok = String;
    type Error = NotText;
    type SerializeSeq = No;
    type SerializeTuple = No;
    type SerializeTupleStruct = No;
    type SerializeTupleVariant = No;
    type SerializeMap = No;
    type SerializeStruct = No;
    type SerializeStructVariant = No;

    fn serialize_str(self, v: &str) -> Result<String, NotText> {
        Ok(v.to_owned())
    }
    fn serialize_char(self, v: char) -> Result<String, NotText> {
        Ok(v.to_string())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, NotText> {
        Ok(variant.to_owned())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, NotText> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<String, NotText> {
        // serde_json's `RawValue` passes its JSON text as a str; JSON writes it verbatim.
        if name == RAW_VALUE {
            return Err(NotText);
        }
        value.serialize(self)
    }

    not_text! {
        serialize_bool(bool) -> String;
        serialize_i8(i8) -> String;
        serialize_i16(i16) -> String;
        serialize_i32(i32) -> String;
        serialize_i64(i64) -> String;
        serialize_i128(i128) -> String;
        serialize_u8(u8) -> String;
        serialize_u16(u16) -> String;
        serialize_u32(u32) -> String;
        serialize_u64(u64) -> String;
        serialize_u128(u128) -> String;
        serialize_f32(f32) -> String;
        serialize_f64(f64) -> String;
        serialize_bytes(&[u8]) -> String;
        serialize_none() -> String;
        serialize_unit() -> String;
        serialize_unit_struct(&'static str) -> String;
        serialize_seq(Option<usize>) -> No;
        serialize_tuple(usize) -> No;
        serialize_tuple_struct(&'static str, usize) -> No;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> No;
        serialize_map(Option<usize>) -> No;
        serialize_struct(&'static str, usize) -> No;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> No;
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, NotText> {
        Err(NotText)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde::Serialize;

    use super::as_text;

    /// What the probe must agree with: serde_json writes a JSON string, read back.
    fn via_json<T: Serialize + ?Sized>(value: &T) -> Option<String> {
        let json = serde_json::to_string(value).ok()?;
        json.starts_with('"')
            .then(|| serde_json::from_str(&json).unwrap())
    }

    #[derive(Serialize)]
    enum Kind {
        Plain,
        Tagged(u8),
    }

    #[derive(Serialize)]
    struct Wrapper(String);

    #[test]
    fn agrees_with_serde_json_on_every_kind_of_value() {
        let map: BTreeMap<&str, u8> = [("a", 1)].into();
        let cases: Vec<(Option<String>, Option<String>)> = vec![
            (
                as_text("plain \"quoted\" \u{1F600}\n"),
                via_json("plain \"quoted\" \u{1F600}\n"),
            ),
            (as_text(&'x'), via_json(&'x')),
            (as_text(&Some("inner")), via_json(&Some("inner"))),
            (
                as_text(&Wrapper("w".into())),
                via_json(&Wrapper("w".into())),
            ),
            (as_text(&Kind::Plain), via_json(&Kind::Plain)),
            (as_text(&Kind::Tagged(1)), via_json(&Kind::Tagged(1))),
            (as_text(&None::<&str>), via_json(&None::<&str>)),
            (as_text(&1.5_f64), via_json(&1.5_f64)),
            (as_text(&true), via_json(&true)),
            (as_text(&()), via_json(&())),
            (as_text(&["a"]), via_json(&["a"])),
            (as_text(&map), via_json(&map)),
            (
                as_text(&serde_json::json!("v")),
                via_json(&serde_json::json!("v")),
            ),
            (
                as_text(&serde_json::json!({"a": "b"})),
                via_json(&serde_json::json!({"a": "b"})),
            ),
        ];
        let texts = cases.iter().filter(|(probe, _)| probe.is_some()).count();
        assert_eq!(texts, 6, "{cases:?}");
        for (probe, json) in cases {
            assert_eq!(probe, json);
        }
        // A raw JSON string literal is left to the JSON path, which unquotes it.
        let raw = serde_json::value::RawValue::from_string(r#""quo\"ted""#.to_owned()).unwrap();
        assert_eq!(as_text(&raw), None);
        assert_eq!(crate::event_data(&raw).unwrap(), r#"quo"ted"#);
        assert_eq!(via_json(&raw).as_deref(), Some(r#"quo"ted"#));
    }

    proptest! {
        #[test]
        fn any_string_is_itself(text in any::<String>()) {
            prop_assert_eq!(as_text(text.as_str()), via_json(text.as_str()));
            prop_assert_eq!(as_text(&text), Some(text));
        }
    }
}
