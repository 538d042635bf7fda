#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use push_core::{ApiError, Error, Result, RetryPolicy, Secret};

#[cfg(feature = "beams")]
#[doc(inline)]
pub use beams::{self, Client as BeamsClient};
#[cfg(feature = "channels")]
#[doc(inline)]
pub use channels::{self, Client as ChannelsClient};
#[cfg(feature = "pushpad")]
#[doc(inline)]
pub use pushpad::{self, Client as PushpadClient};
