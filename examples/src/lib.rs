//! Shared helpers for the push-rs examples (the programs are under `examples/`).
