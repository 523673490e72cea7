//! Fuzz target: any bytes as an SVG drawing, made safe for e-readers: refused, or well-formed
//! with nothing active or outside left, and unchanged by a second cleaning.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    if let Err(failure) = presse_fuzz::check_svg(input) {
        panic!("{failure}");
    }
});
