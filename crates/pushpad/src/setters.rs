//! The setter shapes the request and query types share: an optional field set from a value,
//! and a list of strings set from anything iterable.

/// `pub fn name(self, value) -> Self` storing `Some(value)` (strings take `impl Into<String>`).
macro_rules! setter {
    ($(#[$doc:meta])* $name:ident: String) => {
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.$name = Some(value.into());
            self
        }
    };
    ($(#[$doc:meta])* $name:ident: $ty:ty) => {
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, value: $ty) -> Self {
            self.$name = Some(value);
            self
        }
    };
}

pub(crate) use setter;

/// Collects strings from any iterable of string-likes.
pub(crate) fn strings<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}
