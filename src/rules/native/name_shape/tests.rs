use super::*;

fn judge(term: &str) -> Verdict {
    shape_of_term(&term.into()).verdict(5, 50)
}

#[test]
fn unique_string_names_are_valid() {
    assert_eq!(
        judge("format('cr{0}',⟦uniquestring(⟦resourceGroup().id⟧)⟧)"),
        Verdict::Valid
    );
    assert_eq!(
        judge("concat('acr',⟦uniquestring(⟦resourceGroup().id⟧)⟧)"),
        Verdict::Valid
    );
    // The quickstart pattern: a dash in the literal is removed by replace().
    assert_eq!(
        judge("replace(⟦format('cr{0}{1}','gen-unique-8',⟦substring(⟦uniquestring(⟦resourceGroup().id⟧)⟧,0,4)⟧)⟧,'-','')"),
        Verdict::Valid
    );
    assert_eq!(
        judge("toLower(⟦format('{0}reg',⟦uniquestring(⟦subscription().id⟧)⟧)⟧)"),
        Verdict::Valid
    );
}

#[test]
fn literal_separators_are_always_invalid() {
    let v = judge("concat(⟦parameters('prefix')⟧,'-acr')");
    assert!(
        matches!(&v, Verdict::Invalid(w) if w.contains("'-'")),
        "{v:?}"
    );
    let v = judge("format('{0}_{1}',⟦parameters('a')⟧,⟦uniquestring(⟦resourceGroup().id⟧)⟧)");
    assert!(
        matches!(&v, Verdict::Invalid(w) if w.contains("'_'")),
        "{v:?}"
    );
}

#[test]
fn lengths_out_of_range_are_invalid_even_with_opaque_parts() {
    let long = format!("concat(⟦parameters('p')⟧,'{}')", "a".repeat(51));
    assert!(matches!(judge(&long), Verdict::Invalid(w) if w.contains("at least 51")));
    assert!(
        matches!(judge("take(⟦parameters('p')⟧,4)"), Verdict::Invalid(w) if w.contains("at most 4"))
    );
    assert!(matches!(
        judge("format('{0}{1}',⟦uniquestring('a')⟧,⟦uniquestring('b')⟧)"),
        Verdict::Valid
    ));
    let v = judge(
        "concat(⟦uniquestring('a')⟧,⟦uniquestring('b')⟧,⟦uniquestring('c')⟧,⟦uniquestring('d')⟧)",
    );
    assert!(
        matches!(&v, Verdict::Invalid(w) if w.contains("at least 52")),
        "{v:?}"
    );
}

#[test]
fn opaque_inputs_are_not_judged() {
    assert_eq!(judge("parameters('registryName')"), Verdict::NotJudged);
    assert_eq!(
        judge("concat('acr',⟦parameters('env')⟧)"),
        Verdict::NotJudged
    );
    assert_eq!(
        judge("reference('x').outputs.name.value"),
        Verdict::NotJudged
    );
    assert_eq!(judge("somethingNew(1,2)"), Verdict::NotJudged);
}

#[test]
fn computed_characters_that_may_be_invalid_are_possible() {
    // A GUID holds dashes.
    let v = judge("guid(⟦resourceGroup().id⟧)");
    assert!(
        matches!(&v, Verdict::MaybeInvalid(w) if w.contains("'-'")),
        "{v:?}"
    );
    // substring of a literal holding a dash: exact.
    assert!(
        matches!(judge("substring('abc-defgh',0,3)"), Verdict::Invalid(w) if w.contains("at most 3"))
    );
    assert_eq!(judge("substring('abc-defgh',4)"), Verdict::Valid);
    // A multi-character replacement blurs the result.
    let v = judge("replace(⟦format('a-b{0}',⟦uniquestring('x')⟧)⟧,'-b','')");
    assert!(matches!(v, Verdict::MaybeInvalid(_)), "{v:?}");
}

#[test]
fn format_specifiers_and_missing_arguments_are_opaque() {
    assert_eq!(judge("format('acr{0:D3}x',5)"), Verdict::NotJudged);
    assert_eq!(judge("format('acr{2}x','a')"), Verdict::NotJudged);
    assert_eq!(
        judge("format('{{acr}}{0}','abcdef')"),
        Verdict::Invalid("always contains '{', '}' (only letters and digits are allowed)".into())
    );
}
