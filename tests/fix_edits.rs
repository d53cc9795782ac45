//! The edit engine's invariants on generated ARM JSON and Bicep registries: random
//! sets of property writes, overlapping and conflicting ones included, planned and
//! merged as `acrlint fix` does (see `acrlint::fix_invariants`). Seeded, so a failure
//! names a case that replays; the fuzz target `fix_edits` explores further.

use acrlint::fix_invariants::{check_random_edits, Choices, Language, Outcome};

fn run(language: Language) {
    let (mut applied, mut refused, mut unchanged) = (0, 0, 0);
    for seed in 0..3000u64 {
        let mut c = Choices::from_seed(seed);
        match check_random_edits(language, &mut c) {
            Ok(Outcome::Applied) => applied += 1,
            Ok(Outcome::Refused) => refused += 1,
            Ok(Outcome::Unchanged) => unchanged += 1,
            Err(e) => panic!("{language:?} seed {seed}: {e}"),
        }
    }
    eprintln!("{language:?}: {applied} applied, {refused} refused, {unchanged} unchanged");
    // The generator reaches every outcome often.
    assert!(
        applied > 500 && refused > 300 && unchanged > 0,
        "{applied} {refused} {unchanged}"
    );
}

#[test]
fn random_writes_into_json_registries_keep_every_invariant() {
    run(Language::Json);
}

#[test]
fn random_writes_into_bicep_registries_keep_every_invariant() {
    run(Language::Bicep);
}
