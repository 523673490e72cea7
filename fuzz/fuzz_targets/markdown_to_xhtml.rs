//! Fuzz target: any chapter → model → EPUB, without a panic, every XML file well-formed.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use presse_fuzz::Harness;

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| Harness::new(&std::env::temp_dir().join("presse-fuzz-xhtml")))
}

fuzz_target!(|input: &[u8]| {
    if let Err(failure) = harness().check_xhtml(input) {
        panic!("{failure}");
    }
});
