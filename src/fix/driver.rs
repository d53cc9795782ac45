//! The fixer's passes, the same for ARM JSON and Bicep: check, plan the fixes of the
//! fixable findings on the syntax tree, merge them into one consistent set of
//! edits, apply them in memory, verify the result, check again.
//!
//! A fix is refused, with its reason, when it would cut access (public network
//! access off on a SKU that cannot have private endpoints), when the resource's
//! apiVersion cannot carry a property it adds (with `--unsafe-fixes`, the apiVersion
//! is upgraded first, see `upgrade`), or when the fixed text has a warning
//! or error the text before did not have (the fixes of a pass are then tried one at
//! a time and those that cause it are left out). Every pass's result is re-parsed
//! and re-evaluated: when the evaluated model does not hold the intended value at
//! the intended path, or changed anywhere else, the file is not written and the
//! run reports an internal error naming the rules.

use std::path::Path;

use super::edit::{self, Edit, Planned};
use super::guard::Home;
use super::merge::{disagreement, merge};
use super::model::{differences, value_at, Model};
pub(super) use super::parsed::Parsed;
use super::spec::{Applicability, FixSpec};
use super::{
    api, findings, fixable, param_value, upgrade, Finding, FixOptions, Fixed, ManualFix, Repair,
    MAX_PASSES,
};
use crate::rules::engine::Engine;
use crate::rules::finding::Level;
use crate::source::file::Language;
use crate::source::sources::Sources;

/// A fix planned for one finding.
struct Candidate {
    edits: Vec<Edit>,
    finding: Finding,
    spec: FixSpec,
    /// The apiVersion this candidate upgrades the finding's resource to (its edits
    /// rewrite the apiVersion; the finding's own fix follows in the next pass).
    upgrade: Option<String>,
}

impl Candidate {
    fn manual(&self, advice: String) -> ManualFix {
        manual_fix(&self.finding, advice)
    }
}

fn manual_fix(f: &Finding, advice: String) -> ManualFix {
    ManualFix {
        rule: f.rule.clone(),
        line: f.location.start.line,
        column: f.location.start.column,
        advice,
    }
}

/// What identifies a problem across edits (messages quote values, spans move).
fn key(f: &Finding) -> (String, Option<String>, Option<String>) {
    (
        f.rule.clone(),
        f.resource_type.clone(),
        f.resource_name.clone(),
    )
}

/// The resource a finding is about.
fn key_of_resource(f: &Finding) -> (Option<&str>, Option<&str>) {
    (f.resource_type.as_deref(), f.resource_name.as_deref())
}

/// The first warning or error in `after` that `before` did not have.
pub(super) fn new_problem<'a>(before: &[Finding], after: &'a [Finding]) -> Option<&'a Finding> {
    after.iter().find(|a| {
        a.level >= Level::Warning
            && a.suppression.is_none()
            && !before
                .iter()
                .any(|b| b.level >= a.level && key(b) == key(a))
    })
}

pub(super) fn syntax_ok(language: Language, text: &str) -> bool {
    match language {
        Language::Json => crate::source::json::parse(text).is_ok(),
        Language::Bicep | Language::BicepParam => {
            crate::source::bicep::parse(text).diagnostics.is_empty()
        }
    }
}

/// The fixes planned for one pass.
struct Plan {
    candidates: Vec<Candidate>,
    manual: Vec<ManualFix>,
    /// Rules whose unsafe fixes were left out (no `--unsafe-fixes`), once each.
    unsafe_left: Vec<String>,
}

/// Why a fix may not be applied to this resource as evaluated, if it may not: it
/// would turn public network access off on a SKU that cannot have private
/// endpoints. (A property the resource's apiVersion does not have is an
/// `upgrade::gap`.)
fn refusal(model: &Model, f: &Finding, spec: &FixSpec) -> Option<String> {
    let resources = model.at(f.location.byte_start, f.resource_type.as_deref());
    for set in spec.writes() {
        if api::cuts_access(set) {
            if resources.is_empty() {
                return Some(
                    "turning public network access off needs the Premium SKU, and the registry could not be evaluated".into(),
                );
            }
            for r in &resources {
                let sku = value_at(&r.body, &["sku", "name"]);
                match sku.and_then(|s| s.as_str()) {
                    Some(s) if s.eq_ignore_ascii_case("premium") => {}
                    Some(s) => {
                        return Some(format!(
                            "turning public network access off would cut the registry off: its SKU is {s}, which cannot have private endpoints (only Premium can)"
                        ))
                    }
                    _ => {
                        // A computed name is the finding's own registry: not repeated.
                        let of = if r.name_known {
                            format!("registry {}", r.name)
                        } else {
                            "the registry".to_string()
                        };
                        return Some(format!(
                            "turning public network access off would cut the registry off unless its SKU is Premium, and the SKU of {of} is not known"
                        ));
                    }
                }
            }
        }
    }
    None
}

/// `spec` without the `add`s whose property has a value in every evaluated copy of
/// the finding's resource, written or not (a spread, a variable): Azure Policy's
/// `add` leaves such a value alone, and so does the fix.
fn without_present_adds(model: &Model, f: &Finding, mut spec: FixSpec) -> FixSpec {
    let resources = model.at(f.location.byte_start, f.resource_type.as_deref());
    if !resources.is_empty() {
        spec.add.retain(|a| {
            resources
                .iter()
                .any(|r| value_at(&r.body, &a.segments()).is_none())
        });
    }
    spec
}

/// Plan the fixes of `found` on `text`, leaving out the refused ones (`refused`
/// holds their keys, with the reason).
#[allow(clippy::too_many_arguments)]
fn plan(
    sources: &dyn Sources,
    language: Language,
    path: &Path,
    text: &str,
    found: &[Finding],
    model: &Model,
    refused: &[(Key, ManualFix)],
    engine: &Engine,
    options: &FixOptions,
    param_names: &[String],
) -> Result<Plan, String> {
    let parsed = Parsed::of(language, path, text)?;
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut manual = Vec::new();
    let mut unsafe_left: Vec<String> = Vec::new();
    for f in found.iter().filter(|f| fixable(f, options)) {
        let spec = match super::repair_of(engine, f)? {
            None => continue,
            Some(Repair::Refused(why)) => {
                manual.push(manual_fix(f, why));
                continue;
            }
            Some(Repair::Spec(spec)) => spec,
        };
        if refused.iter().any(|(k, _)| *k == key(f)) {
            continue;
        }
        let spec = without_present_adds(model, f, spec);
        if let Some(why) = refusal(model, f, &spec) {
            manual.push(manual_fix(f, why));
            continue;
        }
        // Whether a parameter file decides a parameter for this finding: its own
        // related locations trace the value to a parameter file's value (a
        // `.bicepparam`, another `x.parameters.<name>.json`), or the parameter file
        // `check` binds sets it and they do not trace it to the default. The same
        // finding with another parameter file that sets it is fixed there first
        // (the template is verified with the file `check` binds).
        let sets = |name: &str| {
            found
                .iter()
                .filter(|g| key(g) == key(f))
                .any(|g| param_value::sets_for(g, param_names, name))
        };
        let home = spec.guard.then(|| Home::of(model, f)).flatten();
        let planned = parsed.plan(text, f, &spec, &sets, home.as_ref());
        if let Some(gap) = upgrade::gap(model, f, &spec) {
            // Upgraded only for a fix that then applies.
            let reason = gap.reason();
            match (&planned, upgrade::plan(&parsed, text, &gap)) {
                (Planned::Manual(advice), _) => manual.push(manual_fix(
                    f,
                    format!("{advice}; and {reason}: upgrade the apiVersion too"),
                )),
                (_, Ok((to, edit))) if options.unsafe_fixes => candidates.push(Candidate {
                    edits: vec![edit],
                    finding: f.clone(),
                    spec: FixSpec::default(),
                    upgrade: Some(to),
                }),
                (_, Ok((to, _))) => manual.push(manual_fix(
                    f,
                    format!(
                        "{reason}: upgrade the apiVersion {} → {to} first, an unsafe fix (review it with --diff --unsafe-fixes, apply it with --unsafe-fixes)",
                        gap.from
                    ),
                )),
                (_, Err(why)) => manual.push(manual_fix(
                    f,
                    format!("{reason}, and the apiVersion cannot be upgraded by a fix: {why}"),
                )),
            }
            continue;
        }
        if spec.applicability == Applicability::Unsafe && !options.unsafe_fixes {
            if !unsafe_left.contains(&f.rule) {
                unsafe_left.push(f.rule.clone());
            }
            continue;
        }
        match planned {
            Planned::Edits(edits) => candidates.push(Candidate {
                edits,
                finding: f.clone(),
                spec,
                upgrade: None,
            }),
            Planned::Nothing => {
                // The value is right in this file: it comes from a parameter file.
                if let Some(advice) = param_value::advice_elsewhere(
                    sources,
                    &options.check,
                    &parsed,
                    text,
                    f,
                    &spec,
                    &sets,
                ) {
                    manual.push(manual_fix(f, advice));
                }
            }
            Planned::Manual(advice) => manual.push(manual_fix(f, advice)),
        }
    }
    Ok(Plan {
        candidates,
        manual,
        unsafe_left,
    })
}

/// One fix's share of a set of edits applied together: the resource it changes, what
/// it means to write or remove there, and the edits it planned.
pub(super) struct Share<'a> {
    pub resource: (Option<&'a str>, Option<&'a str>),
    pub spec: &'a FixSpec,
    pub edits: &'a [Edit],
}

impl<'a> Share<'a> {
    fn of(c: &'a Candidate) -> Share<'a> {
        Share {
            resource: key_of_resource(&c.finding),
            spec: &c.spec,
            edits: &c.edits,
        }
    }
}

/// `text` with the edits of `shares` applied together: the writes into one resource
/// must agree (checked once per resource), the edits are merged (one insertion per
/// object) and must not overlap, and the result must parse. `Err` says why not.
/// The fixer's passes and the edit engine's property test (`invariants`) both apply
/// edits through here.
pub(super) fn apply(
    parsed: &Parsed,
    language: Language,
    text: &str,
    shares: &[Share],
) -> Result<String, String> {
    let mut resources: Vec<(Option<&str>, Option<&str>)> =
        shares.iter().map(|s| s.resource).collect();
    resources.sort_unstable();
    resources.dedup();
    for resource in resources {
        let mine: Vec<&FixSpec> = shares
            .iter()
            .filter(|s| s.resource == resource)
            .map(|s| s.spec)
            .collect();
        if let Some(why) = disagreement(mine.iter().flat_map(|s| s.writes())) {
            return Err(why);
        }
        // A property one fix removes and another writes (there or inside it).
        for removed in mine.iter().flat_map(|s| &s.remove) {
            if let Some(w) = mine
                .iter()
                .flat_map(|s| s.writes())
                .find(|w| super::spec::overlap(&w.path, removed))
            {
                return Err(format!(
                    "one fix removes {removed} and another writes {}",
                    w.path
                ));
            }
        }
    }
    let all: Vec<Edit> = shares
        .iter()
        .flat_map(|s| s.edits.iter().cloned())
        .collect();
    let merged = merge(parsed, text, all)?;
    let (next, rejected) = edit::apply(text, &merged);
    if !rejected.is_empty() {
        return Err("the fixes edit overlapping text".into());
    }
    if !syntax_ok(language, &next) {
        return Err("the fixes would break the file's syntax".into());
    }
    Ok(next)
}

/// [`apply`] for planned candidates.
fn apply_candidates(
    parsed: &Parsed,
    language: Language,
    text: &str,
    candidates: &[&Candidate],
) -> Result<String, String> {
    let shares: Vec<Share> = candidates.iter().map(|c| Share::of(c)).collect();
    apply(parsed, language, text, &shares)
}

/// Check that `after` differs from `before` only where the `candidates` meant to
/// change it, holding the values they meant; `Err` names the rules otherwise.
fn verify(before: &Model, after: &Model, candidates: &[&Candidate]) -> Result<(), String> {
    let rules = |cs: &[&Candidate]| {
        let mut r: Vec<&str> = cs.iter().map(|c| c.finding.rule.as_str()).collect();
        r.sort();
        r.dedup();
        r.join(", ")
    };
    let internal = |cs: &[&Candidate], what: String| {
        Err(format!(
            "internal error in the fix of {}: {what}; nothing was written for this file",
            rules(cs)
        ))
    };
    if before.resources.len() != after.resources.len() {
        return internal(
            candidates,
            format!(
                "the file declares {} resources after the fix instead of {}",
                after.resources.len(),
                before.resources.len()
            ),
        );
    }
    for (b, a) in before.resources.iter().zip(&after.resources) {
        // The fixes aimed at this resource (every copy iteration of it).
        let mine: Vec<&Candidate> = candidates
            .iter()
            .copied()
            .filter(|c| {
                before
                    .at(
                        c.finding.location.byte_start,
                        c.finding.resource_type.as_deref(),
                    )
                    .iter()
                    .any(|r| r.span == b.span)
            })
            .collect();
        // A replacement also follows into the resource's name (a role assignment
        // named from its role id), and its value may come from outside the resource.
        let anything = candidates.iter().any(|c| {
            !c.spec.replace.is_empty()
                && c.finding
                    .resource_type
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case(&b.resource_type))
        });
        // The iterations guarded: those a guard's finding names (the home
        // iteration of a loop); the loop's other iterations keep their condition.
        let guarded = mine.iter().any(|c| {
            c.spec.guard
                && (c
                    .finding
                    .resource_name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&b.name))
                    || super::guard::is_home_iteration(before, &c.finding, b))
        });
        if b.resource_type != a.resource_type || (b.name != a.name && !anything) {
            return internal(
                if mine.is_empty() { candidates } else { &mine },
                format!("resource {} changed its type or name", b.shown()),
            );
        }
        if !b.condition.identical(&a.condition) && !guarded {
            return internal(
                if mine.is_empty() { candidates } else { &mine },
                format!("the condition of {} changed", b.shown()),
            );
        }
        if guarded && !matches!(a.condition, crate::arm::value::Value::Bool(false)) {
            return internal(
                &mine,
                format!("{} is not guarded by a condition that is false", b.shown()),
            );
        }
        let mut changed = Vec::new();
        differences(&b.body, &a.body, "", &mut changed);
        let upgraded = mine.iter().find_map(|c| c.upgrade.as_deref());
        if let Some(to) = upgraded {
            if a.api_version.as_deref() != Some(to) {
                return internal(
                    &mine,
                    format!(
                        "the apiVersion of {} is not {to} after the upgrade",
                        a.shown()
                    ),
                );
            }
        }
        for path in &changed {
            let intended = anything
                || (upgraded.is_some() && path.eq_ignore_ascii_case("apiVersion"))
                || mine.iter().any(|c| c.spec.changes(path));
            if !intended {
                return internal(
                    if mine.is_empty() { candidates } else { &mine },
                    format!(
                        "{path} of {} changed, which no fix meant to change",
                        b.shown()
                    ),
                );
            }
        }
        for c in &mine {
            // A value `add` finds in place stays as it is.
            let (added, kept): (Vec<_>, Vec<_>) = c
                .spec
                .add
                .iter()
                .partition(|s| value_at(&b.body, &s.segments()).is_none());
            if let Some(s) = kept.iter().find(|s| {
                !super::model::same_at(
                    value_at(&a.body, &s.segments()),
                    value_at(&b.body, &s.segments()),
                )
            }) {
                return internal(
                    &[c],
                    format!("{} of {} changed, which add leaves", s.path, a.shown()),
                );
            }
            if let Some(path) = c
                .spec
                .remove
                .iter()
                .find(|p| value_at(&a.body, &p.split('.').collect::<Vec<_>>()).is_some())
            {
                return internal(
                    &[c],
                    format!("{path} of {} is still set after the fix", a.shown()),
                );
            }
            for s in c.spec.set.iter().chain(added) {
                let got = value_at(&a.body, &s.segments());
                if !super::model::holds(got, &s.value) {
                    return internal(
                        &[c],
                        format!(
                            "{} of {} is not {} after the fix",
                            s.path,
                            a.shown(),
                            s.value
                        ),
                    );
                }
            }
        }
    }
    Ok(())
}

type Key = (String, Option<String>, Option<String>);

/// Fix `text` (the content of `path`, BOM removed).
pub(crate) fn run(
    sources: &dyn Sources,
    language: Language,
    path: &Path,
    text: &str,
    engine: &Engine,
    options: &FixOptions,
) -> Result<Option<Fixed>, String> {
    let check = |t: &str| findings::of_text(sources, path, t, engine, &options.check);
    let evaluate = |t: &str| Model::of(sources, path, t, &options.check).unwrap_or_default();
    let param_names = findings::parameter_file_names(sources, path, &options.check);
    let Some(mut before) = check(text)? else {
        return Ok(None);
    };
    let mut model = evaluate(text);
    let mut current = text.to_string();
    let initial: Vec<Finding> = before
        .iter()
        .filter(|f| fixable(f, options))
        .cloned()
        .collect();
    let mut manual: Vec<ManualFix> = Vec::new();
    let mut refused: Vec<(Key, ManualFix)> = Vec::new();
    let mut unsafe_left: Vec<String> = Vec::new();
    let mut deferred = true;
    for _ in 0..MAX_PASSES {
        let Plan {
            candidates,
            manual: advice,
            unsafe_left: left,
        } = plan(
            sources,
            language,
            path,
            &current,
            &before,
            &model,
            &refused,
            engine,
            options,
            &param_names,
        )?;
        manual = advice;
        unsafe_left = left;
        if candidates.is_empty() {
            deferred = false;
            break;
        }
        let parsed = Parsed::of(language, path, &current)?;
        // The candidates whose edits fit together; one whose edits overlap the
        // others' is refused with the reason (a later pass re-plans the rest on
        // the edited text).
        let mut accepted: Vec<&Candidate> = Vec::new();
        for c in &candidates {
            let mut trial = accepted.clone();
            trial.push(c);
            match apply_candidates(&parsed, language, &current, &trial) {
                Ok(_) => accepted.push(c),
                Err(why) if accepted.is_empty() => refused.push((key(&c.finding), c.manual(why))),
                Err(_) => {}
            }
        }
        if accepted.is_empty() {
            continue;
        }
        let next = apply_candidates(&parsed, language, &current, &accepted)?;
        let after = check(&next)?.unwrap_or_default();
        if new_problem(&before, &after).is_none() {
            let next_model = evaluate(&next);
            verify(&model, &next_model, &accepted)?;
            current = next;
            before = after;
            model = next_model;
            continue;
        }
        // Some fix makes things worse: try each alone on this text and refuse those
        // that cause a new problem; the next pass applies the others together.
        let mut any_refused = false;
        let mut first_fine: Option<(String, Vec<Finding>, Model)> = None;
        for c in &accepted {
            let Ok(next) = apply_candidates(&parsed, language, &current, &[c]) else {
                continue;
            };
            let after = check(&next)?.unwrap_or_default();
            match new_problem(&before, &after) {
                Some(p) => {
                    any_refused = true;
                    let what = match &c.upgrade {
                        Some(to) => format!("the apiVersion upgrade to {to}"),
                        None => "the fix".to_string(),
                    };
                    refused.push((
                        key(&c.finding),
                        c.manual(format!("{what} would cause {} ({})", p.rule, p.message)),
                    ));
                }
                None if first_fine.is_none() => {
                    let next_model = evaluate(&next);
                    verify(&model, &next_model, &[c])?;
                    first_fine = Some((next, after, next_model));
                }
                None => {}
            }
        }
        // Fixes fine alone but not together: apply the first, re-plan the others.
        if !any_refused {
            let Some((next, after, next_model)) = first_fine else {
                deferred = false;
                break;
            };
            model = next_model;
            current = next;
            before = after;
        }
    }
    for (_, r) in refused {
        if !manual.contains(&r) {
            manual.push(r);
        }
    }
    // Issues fixed: fixable findings of the original text that are gone now.
    let applied = initial
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            let earlier = initial[..*i].iter().filter(|x| key(x) == key(f)).count();
            before.iter().filter(|x| key(x) == key(f)).count() <= earlier
        })
        .count();
    let (remaining, unfixed) = super::split_remaining(before, options);
    Ok(Some(Fixed {
        text: current,
        applied,
        manual,
        remaining,
        unfixed,
        deferred,
        unsafe_left,
    }))
}
