//! The edit engine's invariants on generated registries (see
//! `acrlint::fix_invariants`): the input bytes choose the registry, its layout and a
//! set of property writes (overlapping and conflicting ones included); any broken
//! invariant panics with the case.
#![no_main]

use acrlint::fix_invariants::{check_random_edits, Choices, Language};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let language = if first % 2 == 0 {
        Language::Json
    } else {
        Language::Bicep
    };
    if let Err(e) = check_random_edits(language, &mut Choices::from_bytes(rest)) {
        panic!("{e}");
    }
});
