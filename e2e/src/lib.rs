//! End-to-end tests of the `channels` crate against soketi and pusher-js (work in progress).
