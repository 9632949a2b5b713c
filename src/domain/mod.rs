//! Plain Rust rules of the product, testable with `cargo test` and no
//! database: they take values and return values, and never touch SPI.

pub mod bond;
pub mod content;
pub mod cursor;
pub mod limits;
pub mod memory;
pub mod mentions;
pub mod rank;
pub mod search;
pub mod username;
