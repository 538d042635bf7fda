//! `cargo xtask`: maintainers' tasks.

fn main() {
    std::process::exit(0);
}
