#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use push_core::{ApiError, Error, Result, RetryPolicy, Secret};

#[cfg(feature = "beams")]
#[doc(inline)]
pub use push_beams::{self as beams, Client as BeamsClient};
#[cfg(feature = "channels")]
#[doc(inline)]
pub use push_channels::{self as channels, Client as ChannelsClient};
#[cfg(feature = "pushpad")]
#[doc(inline)]
pub use push_pushpad::{self as pushpad, Client as PushpadClient};
