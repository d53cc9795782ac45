use super::*;
use crate::arm::value::{Context, Step, Term, Value};

/// The verdict on a name whose term is `v`'s.
fn judge(v: Value) -> Verdict {
    let Value::Unknown(u) = v else {
        panic!("not an unknown: {v:?}")
    };
    shape_of_term(u.term.as_ref().expect("a term")).verdict(5, 50)
}

/// `name(args…)` computed at deployment.
fn c(name: &str, args: &[Value]) -> Value {
    Value::unknown_term("x", Term::call(name, args))
}

fn s(text: &str) -> Value {
    Value::str(text)
}

fn n(i: i64) -> Value {
    Value::Int(i)
}

fn p(name: &str) -> Value {
    Value::unknown_term("x", Term::Parameter(name.into()))
}

fn id(of: Context) -> Value {
    Value::unknown_term("x", Term::context(of, &["id"]))
}

fn rg_unique() -> Value {
    c("uniqueString", &[id(Context::ResourceGroup)])
}

#[test]
fn unique_string_names_are_valid() {
    assert_eq!(
        judge(c("format", &[s("cr{0}"), rg_unique()])),
        Verdict::Valid
    );
    assert_eq!(judge(c("concat", &[s("acr"), rg_unique()])), Verdict::Valid);
    // The quickstart pattern: a dash in the literal is removed by replace().
    assert_eq!(
        judge(c(
            "replace",
            &[
                c(
                    "format",
                    &[
                        s("cr{0}{1}"),
                        s("gen-unique-8"),
                        c("substring", &[rg_unique(), n(0), n(4)])
                    ]
                ),
                s("-"),
                s("")
            ]
        )),
        Verdict::Valid
    );
    assert_eq!(
        judge(c(
            "toLower",
            &[c(
                "format",
                &[s("{0}reg"), c("uniqueString", &[id(Context::Subscription)])]
            )]
        )),
        Verdict::Valid
    );
}

#[test]
fn literal_separators_are_always_invalid() {
    let v = judge(c("concat", &[p("prefix"), s("-acr")]));
    assert!(
        matches!(&v, Verdict::Invalid(w) if w.contains("'-'")),
        "{v:?}"
    );
    let v = judge(c("format", &[s("{0}_{1}"), p("a"), rg_unique()]));
    assert!(
        matches!(&v, Verdict::Invalid(w) if w.contains("'_'")),
        "{v:?}"
    );
}

#[test]
fn lengths_out_of_range_are_invalid_even_with_opaque_parts() {
    let long = c("concat", &[p("p"), s(&"a".repeat(51))]);
    assert!(matches!(judge(long), Verdict::Invalid(w) if w.contains("at least 51")));
    assert!(
        matches!(judge(c("take", &[p("p"), n(4)])), Verdict::Invalid(w) if w.contains("at most 4"))
    );
    assert!(matches!(
        judge(c(
            "format",
            &[
                s("{0}{1}"),
                c("uniqueString", &[s("a")]),
                c("uniqueString", &[s("b")])
            ]
        )),
        Verdict::Valid
    ));
    let v = judge(c(
        "concat",
        &["a", "b", "c", "d"].map(|x| c("uniqueString", &[s(x)])),
    ));
    assert!(
        matches!(&v, Verdict::Invalid(w) if w.contains("at least 52")),
        "{v:?}"
    );
}

#[test]
fn opaque_inputs_are_not_judged() {
    assert_eq!(judge(p("registryName")), Verdict::NotJudged);
    assert_eq!(
        judge(c("concat", &[s("acr"), p("env")])),
        Verdict::NotJudged
    );
    assert_eq!(
        judge(Value::unknown_term(
            "x",
            ["outputs", "name", "value"]
                .iter()
                .fold(Term::call("reference", &[s("x")]), |t, k| t
                    .access(Step::Property((*k).into())))
        )),
        Verdict::NotJudged
    );
    assert_eq!(judge(c("somethingNew", &[n(1), n(2)])), Verdict::NotJudged);
}

#[test]
fn computed_characters_that_may_be_invalid_are_possible() {
    // A GUID holds dashes.
    let v = judge(c("guid", &[id(Context::ResourceGroup)]));
    assert!(
        matches!(&v, Verdict::MaybeInvalid(w) if w.contains("'-'")),
        "{v:?}"
    );
    // substring of a literal holding a dash: exact.
    assert!(
        matches!(judge(c("substring", &[s("abc-defgh"), n(0), n(3)])), Verdict::Invalid(w) if w.contains("at most 3"))
    );
    assert_eq!(
        judge(c("substring", &[s("abc-defgh"), n(4)])),
        Verdict::Valid
    );
    // A multi-character replacement blurs the result.
    let v = judge(c(
        "replace",
        &[
            c("format", &[s("a-b{0}"), c("uniqueString", &[s("x")])]),
            s("-b"),
            s(""),
        ],
    ));
    assert!(matches!(v, Verdict::MaybeInvalid(_)), "{v:?}");
}

#[test]
fn format_specifiers_and_missing_arguments_are_opaque() {
    assert_eq!(
        judge(c("format", &[s("acr{0:D3}x"), n(5)])),
        Verdict::NotJudged
    );
    assert_eq!(
        judge(c("format", &[s("acr{2}x"), s("a")])),
        Verdict::NotJudged
    );
    assert_eq!(
        judge(c("format", &[s("{{acr}}{0}"), s("abcdef")])),
        Verdict::Invalid("always contains '{', '}' (only letters and digits are allowed)".into())
    );
}
