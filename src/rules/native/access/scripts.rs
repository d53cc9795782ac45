//! What deployment scripts do to registries: the `az acr` commands (and
//! `Import-AzContainerRegistryImage`) in a `Microsoft.Resources/deploymentScripts`
//! resource's `scriptContent` and `arguments`, or in the parameters of a script module
//! acrlint cannot read (a registry module not fetched), which registry each names, and
//! which identity the script runs as. ACR020 recommends the roles these tasks need.
//!
//! The role each task needs, per role assignment mode, is from the ACR page "Azure
//! Container Registry Entra permissions and role assignments overview", section
//! "Recommended built-in roles by scenario" (checked 2026-12-01).

use super::roles::{self, BuiltInRole};
use super::{identities_in, Identities, Mode, DEPLOYMENT};
use crate::arm::expand::{ExpandedResource, Expansion, NestedKind};
use crate::arm::value::{Piece, Segment, Str, Value};
use crate::rules::native::resolve::{is_type, name_segments, same_key};
use crate::rules::native::{name_text, term};

pub const DEPLOYMENT_SCRIPT: &str = "Microsoft.Resources/deploymentScripts";

/// Most commands read from one script (a bound on hostile input).
const MAX_COMMANDS: usize = 256;

/// What a script does to a registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Task {
    /// `az acr import`.
    Import,
    Pull,
    Push,
    Delete,
    /// `az acr repository list`.
    ListRepositories,
    /// `az acr build`, `az acr run`: quick tasks run as the caller.
    QuickRun,
    /// `az acr task`, `taskrun`, `agentpool`.
    ManageTasks,
    CacheRules,
    CredentialSets,
    TransferPipelines,
    ReadConfiguration,
    Configure,
    /// A command acrlint knows no narrower built-in role for (as written).
    Unmapped(String),
}

impl Task {
    /// What the task is, in a message (after "runs").
    pub fn describe(&self) -> String {
        match self {
            Task::Import => "`az acr import`".into(),
            Task::Pull => "image pulls".into(),
            Task::Push => "image pushes".into(),
            Task::Delete => "image deletions".into(),
            Task::ListRepositories => "repository listings".into(),
            Task::QuickRun => "`az acr build`/`az acr run`".into(),
            Task::ManageTasks => "`az acr task` commands".into(),
            Task::CacheRules => "`az acr cache` commands".into(),
            Task::CredentialSets => "`az acr credential-set` commands".into(),
            Task::TransferPipelines => "transfer pipeline commands".into(),
            Task::ReadConfiguration => "commands that read the registry's configuration".into(),
            Task::Configure => "commands that change the registry's configuration".into(),
            Task::Unmapped(c) => format!("`{c}`"),
        }
    }

    /// The narrowest built-in roles for the task in RBAC (`abac == false`) or ABAC
    /// mode; empty for an unmapped command.
    fn roles(&self, abac: bool) -> Vec<BuiltInRole> {
        use roles::*;
        let data =
            |rbac: BuiltInRole, abac_role: BuiltInRole| vec![if abac { abac_role } else { rbac }];
        match self {
            Task::Import => vec![DATA_IMPORTER],
            Task::Pull => data(ACR_PULL, REPOSITORY_READER),
            Task::Push => data(ACR_PUSH, REPOSITORY_WRITER),
            Task::Delete => data(ACR_DELETE, REPOSITORY_CONTRIBUTOR),
            Task::ListRepositories => data(ACR_PULL, CATALOG_LISTER),
            // In ABAC mode a quick task uses the caller's own data plane access.
            Task::QuickRun if abac => vec![TASKS_CONTRIBUTOR, REPOSITORY_WRITER, CATALOG_LISTER],
            Task::QuickRun | Task::ManageTasks => vec![TASKS_CONTRIBUTOR],
            Task::CacheRules => vec![CACHE_RULE_ADMINISTRATOR],
            Task::CredentialSets => vec![CREDENTIAL_SET_ADMINISTRATOR],
            Task::TransferPipelines => vec![TRANSFER_PIPELINE_CONTRIBUTOR],
            Task::ReadConfiguration => vec![CONFIGURATION_READER],
            Task::Configure => vec![CONFIGURATION_ADMINISTRATOR],
            Task::Unmapped(_) => Vec::new(),
        }
    }
}

/// Roles that include another's access (`(wider, narrower)`).
const SUBSUMES: &[(BuiltInRole, BuiltInRole)] = &[
    (roles::ACR_PUSH, roles::ACR_PULL),
    (roles::REPOSITORY_WRITER, roles::REPOSITORY_READER),
    (roles::REPOSITORY_CONTRIBUTOR, roles::REPOSITORY_READER),
    (roles::REPOSITORY_CONTRIBUTOR, roles::REPOSITORY_WRITER),
    (roles::DATA_IMPORTER, roles::ACR_PULL),
    (roles::DATA_IMPORTER, roles::REPOSITORY_READER),
    (roles::DATA_IMPORTER, roles::CATALOG_LISTER),
    (
        roles::CONFIGURATION_ADMINISTRATOR,
        roles::CONFIGURATION_READER,
    ),
];

/// The roles a set of tasks needs together in one mode: the union, without roles
/// another in it already includes. `None` when a task has no known narrower role.
pub fn roles_for(tasks: &[Task], abac: bool) -> Option<Vec<BuiltInRole>> {
    let mut out: Vec<BuiltInRole> = Vec::new();
    for t in tasks {
        let rs = t.roles(abac);
        if rs.is_empty() {
            return None;
        }
        for r in rs {
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    let kept: Vec<BuiltInRole> = out
        .iter()
        .copied()
        .filter(|r| !out.iter().any(|w| SUBSUMES.contains(&(*w, *r))))
        .collect();
    Some(kept)
}

/// The roles for tasks on a registry in a given mode, as message text.
pub fn advice_for(tasks: &[Task], mode: &Mode) -> Option<String> {
    let list = |rs: Vec<BuiltInRole>| {
        rs.iter()
            .map(BuiltInRole::cited)
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let rbac = roles_for(tasks, false)?;
    let abac = roles_for(tasks, true)?;
    Some(match mode {
        Mode::Rbac => list(rbac),
        Mode::Abac => list(abac),
        _ if rbac == abac => list(rbac),
        _ => format!("{} (or {} in ABAC mode)", list(rbac), list(abac)),
    })
}

/// Which registry a command names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A name key (`contosoregistry`, or the unknown `parameters('acrName')` for a
    /// computed one).
    Named(Segment),
    /// The command names a registry acrlint cannot read.
    Unnamed,
}

/// One command of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub task: Task,
    pub target: Target,
}

/// A deployment script (or script module) and what it does.
#[derive(Clone, Debug)]
pub struct Script {
    /// Index of the resource in the expansion.
    pub resource: usize,
    /// `deployment script <name>` (or `script module <name>`), for messages.
    pub name: String,
    pub commands: Vec<Command>,
    /// The identities it runs as.
    pub identity: Identities,
}

impl Script {
    /// The tasks this script does on a registry with name key `key` (`None`: the
    /// registry's name is unknown), and whether that is certain.
    pub fn tasks_on(&self, key: Option<&Segment>, only_registry: bool) -> (Vec<Task>, bool) {
        let mut tasks = Vec::new();
        let mut certain = true;
        for c in &self.commands {
            let hit = match (&c.target, key) {
                (Target::Named(n), Some(k)) => same_key(n, k),
                // A command that names no readable registry acts on this one only
                // if it is the template's only registry, and then maybe.
                _ if only_registry => {
                    certain = false;
                    true
                }
                _ => false,
            };
            if hit && !tasks.contains(&c.task) {
                tasks.push(c.task.clone());
            }
        }
        (tasks, certain)
    }
}

/// The deployment scripts of an expansion that run registry commands.
pub fn scripts(exp: &Expansion) -> Vec<Script> {
    let mut out = Vec::new();
    for (i, r) in exp.resources.iter().enumerate() {
        let Some(view) = view_of(r) else { continue };
        let commands = commands_of(&view);
        if commands.is_empty() {
            continue;
        }
        let mut identity = Identities::default();
        identities_in(view.identity, &mut identity, &mut 1024);
        let kind = if is_type(r, DEPLOYMENT_SCRIPT) {
            "deployment script"
        } else {
            "script module"
        };
        out.push(Script {
            resource: i,
            name: format!("{kind} {}", name_text(&r.name)),
            commands,
            identity,
        });
    }
    out
}

/// The parts of a script resource that matter here. A script's text may be computed
/// (a Bicep interpolation of the registry's name): each unknown part is written into
/// the text as `marker` index `marker`, with a marker that its literal text does not
/// hold, and read back from `unknowns` when a command names it.
struct ScriptView<'a> {
    texts: Vec<String>,
    arguments: Vec<String>,
    env: Vec<(String, &'a Value)>,
    identity: &'a Value,
    marker: char,
    unknowns: Vec<Value>,
}

impl ScriptView<'_> {
    /// Text of the script as a name key: literal text, and the unknown parts the
    /// markers stand for.
    fn segment(&self, text: &str) -> Segment {
        let mut seg = Segment::default();
        let mut parts = text.split(self.marker);
        if let Some(first) = parts.next() {
            seg.push(Piece::Text(Str::from(first)));
        }
        // Parts alternate: an index between two markers, then literal text.
        while let (Some(index), Some(text)) = (parts.next(), parts.next()) {
            match index
                .parse::<usize>()
                .ok()
                .and_then(|i| self.unknowns.get(i))
            {
                Some(v) => seg.push(Piece::Unknown(v.clone())),
                None => seg.push(Piece::Text(Str::from(index))),
            }
            seg.push(Piece::Text(Str::from(text)));
        }
        seg
    }
}

/// The first private-use character that no literal text in `pieces` holds.
fn free_marker<'p>(pieces: impl Iterator<Item = &'p Piece>) -> Option<char> {
    // One pass over the text: the private-use characters it holds.
    let mut used = std::collections::HashSet::new();
    for p in pieces {
        if let Piece::Text(t) = p {
            used.extend(t.chars().filter(|c| ('\u{E000}'..='\u{F8FF}').contains(c)));
        }
    }
    ('\u{E000}'..='\u{F8FF}').find(|c| !used.contains(c))
}

/// `pieces` as one text, unknowns written as `marker` index `marker`.
fn write_pieces(pieces: &[Piece], marker: char, unknowns: &mut Vec<Value>) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Unknown(v) => {
                out.push(marker);
                out.push_str(&unknowns.len().to_string());
                out.push(marker);
                unknowns.push(v.clone());
            }
            Piece::Choice { .. } => {}
        }
    }
    out
}

/// The value of a module parameter (`{"value": v}`).
fn param<'a>(params: &'a Value, name: &str) -> Option<&'a Value> {
    params.get(name).and_then(|p| p.get("value"))
}

fn view_of(r: &ExpandedResource) -> Option<ScriptView<'_>> {
    let props = r.body.get("properties")?;
    let (content, arguments, env, identity) = if is_type(r, DEPLOYMENT_SCRIPT) {
        (
            props.get("scriptContent"),
            props.get("arguments"),
            props.get("environmentVariables"),
            r.body.get("identity")?,
        )
    } else if is_type(r, DEPLOYMENT) && r.nested == Some(NestedKind::Linked) {
        // A script module acrlint cannot read: its parameters say what it runs.
        let params = props.get("parameters")?;
        (
            param(params, "scriptContent"),
            param(params, "arguments"),
            param(params, "environmentVariables"),
            params,
        )
    } else {
        return None;
    };
    let parts: Vec<Vec<Piece>> = [content, arguments]
        .into_iter()
        .flatten()
        .filter_map(script_pieces)
        .collect();
    if parts.is_empty() {
        return None;
    }
    let marker = free_marker(parts.iter().flatten())?;
    let mut unknowns = Vec::new();
    let texts = parts
        .iter()
        .map(|p| write_pieces(p, marker, &mut unknowns))
        .collect();
    let arguments = arguments
        .and_then(script_pieces)
        .map(|a| {
            write_pieces(&a, marker, &mut unknowns)
                .split_whitespace()
                .map(unquote)
                .collect()
        })
        .unwrap_or_default();
    let env = env
        .and_then(Value::as_array)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| {
            let name = e.get("name")?.as_str()?.to_string();
            let value = e.get("value").or_else(|| e.get("secureValue"))?;
            Some((name, value))
        })
        .collect();
    Some(ScriptView {
        texts,
        arguments,
        env,
        identity,
        marker,
        unknowns,
    })
}

/// A script's text: a string, or an unknown `format`/`concat` of literal text and
/// unknown parts (a Bicep interpolation of the registry's name).
fn script_pieces(v: &Value) -> Option<Vec<Piece>> {
    match v {
        Value::String(s) => Some(vec![Piece::Text(s.clone())]),
        Value::Unknown(u) => term::render(u.term.as_ref()?),
        _ => None,
    }
}

fn unquote(token: &str) -> String {
    token
        .trim_matches(|c| c == '"' || c == '\'' || c == ';')
        .to_string()
}

/// The commands of a script, one per `az acr …` or `Import-AzContainerRegistryImage`
/// invocation (lines joined at trailing backslashes and PowerShell backticks).
fn commands_of(view: &ScriptView) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    let mut login: Option<Target> = None;
    for text in &view.texts {
        let joined = text
            .replace("\\\r\n", " ")
            .replace("\\\n", " ")
            .replace("`\r\n", " ")
            .replace("`\n", " ");
        for line in joined.lines().flat_map(|l| l.split(['&', '|', ';'])) {
            if out.len() >= MAX_COMMANDS {
                return out;
            }
            let tokens: Vec<String> = line.split_whitespace().map(unquote).collect();
            for (at, _) in tokens
                .iter()
                .enumerate()
                .filter(|(_, t)| t.as_str() == "az")
            {
                if tokens.get(at + 1).map(String::as_str) != Some("acr") {
                    continue;
                }
                let args = &tokens[at + 2..];
                let Some(sub) = args.first() else { continue };
                let task = az_acr_task(sub, args.get(1).map(String::as_str));
                let target = registry_arg(args, matches!(task, Some(Task::Import)), view);
                match task {
                    Some(task) => out.push(Command { task, target }),
                    None if sub == "login" => login = Some(target),
                    None => {}
                }
            }
            if let Some(at) = tokens
                .iter()
                .position(|t| t.eq_ignore_ascii_case("Import-AzContainerRegistryImage"))
            {
                let target = flag_value(&tokens[at + 1..], &["-RegistryName"])
                    .map_or(Target::Unnamed, |v| resolve(&v, view));
                out.push(Command {
                    task: Task::Import,
                    target,
                });
            }
            // Images pushed or pulled after `az acr login`.
            let client = tokens
                .iter()
                .position(|t| matches!(t.as_str(), "docker" | "oras" | "helm"));
            if let (Some(at), Some(target)) = (client, &login) {
                let task = match tokens.get(at + 1).map(String::as_str) {
                    Some("push") => Some(Task::Push),
                    Some("pull") => Some(Task::Pull),
                    _ => None,
                };
                if let Some(task) = task {
                    out.push(Command {
                        task,
                        target: target.clone(),
                    });
                }
            }
        }
    }
    out
}

/// The task of `az acr <sub> [<sub2>]`; `None` for commands that do nothing to a
/// registry by themselves (`login`, `--help`).
fn az_acr_task(sub: &str, sub2: Option<&str>) -> Option<Task> {
    let read_or = |write: Task| match sub2 {
        Some("list") if sub == "repository" => Task::ListRepositories,
        Some(
            "list" | "show" | "show-tags" | "show-manifests" | "list-referrers" | "list-metadata"
            | "show-metadata",
        ) => Task::Pull,
        Some("delete" | "untag") => Task::Delete,
        _ => write,
    };
    Some(match sub {
        "login" | "--help" | "-h" | "helm" | "check-name" => return None,
        "import" => Task::Import,
        "build" | "run" => Task::QuickRun,
        "task" | "taskrun" | "agentpool" => Task::ManageTasks,
        "cache" => Task::CacheRules,
        "credential-set" => Task::CredentialSets,
        "import-pipeline" | "export-pipeline" | "pipeline-run" => Task::TransferPipelines,
        "repository" | "manifest" => read_or(Task::Push),
        "show" | "list" | "check-health" | "show-usage" | "show-endpoints" => {
            Task::ReadConfiguration
        }
        "credential" if sub2 == Some("show") => Task::ReadConfiguration,
        "create"
        | "update"
        | "delete"
        | "replication"
        | "network-rule"
        | "webhook"
        | "scope-map"
        | "token"
        | "config"
        | "private-endpoint-connection"
        | "identity"
        | "encryption"
        | "credential"
        | "connected-registry" => Task::Configure,
        other => Task::Unmapped(format!("az acr {other}")),
    })
}

/// The value of a flag (`--name X` or `--name=X`).
fn flag_value(args: &[String], flags: &[&str]) -> Option<String> {
    for (i, a) in args.iter().enumerate() {
        for f in flags {
            if a.eq_ignore_ascii_case(f) {
                return args.get(i + 1).cloned();
            }
            if let Some(v) = a.strip_prefix(&format!("{f}=")) {
                return Some(v.to_string());
            }
        }
    }
    None
}

/// The registry a command acts on. `az acr import` names it with `--name`; its
/// `--registry` is the *source* registry.
fn registry_arg(args: &[String], import: bool, view: &ScriptView) -> Target {
    let flags: &[&str] = if import {
        &["--name", "-n"]
    } else {
        &["--name", "-n", "--registry", "-r"]
    };
    flag_value(args, flags).map_or(Target::Unnamed, |v| resolve(&v, view))
}

/// A registry argument as written: a literal name or login server, a shell or
/// PowerShell variable set by the script's environment variables, a positional
/// argument (`$1`), or an interpolated unknown.
fn resolve(token: &str, view: &ScriptView) -> Target {
    let t = token.trim_matches(|c| c == '"' || c == '\'');
    let var = t
        .strip_prefix("$env:")
        .or_else(|| t.strip_prefix("${").and_then(|v| v.strip_suffix('}')))
        .or_else(|| t.strip_prefix('$'));
    let value: Option<Segment> = match var {
        Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => v
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|n| view.arguments.get(n))
            .map(|a| view.segment(a)),
        Some(v) => view
            .env
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(v))
            .and_then(|(_, value)| match name_segments(value)?.as_slice() {
                [one] => Some(one.clone()),
                _ => None,
            }),
        None => Some(view.segment(t)),
    };
    match value {
        Some(v)
            if !v.is_empty()
                && !matches!(v.pieces().first(), Some(Piece::Text(t)) if t.starts_with('$')) =>
        {
            Target::Named(registry_name(v))
        }
        _ => Target::Unnamed,
    }
}

/// A registry name, or a login server (`name.azurecr.io`) cut to the name: the
/// pieces before the first literal `.azurecr.`.
fn registry_name(v: Segment) -> Segment {
    let mut out = Segment::default();
    for p in v.pieces() {
        if let Piece::Text(t) = p {
            if let Some(at) = t.to_ascii_lowercase().find(".azurecr.") {
                out.push(Piece::Text(Str::from(&t[..at])));
                return out;
            }
        }
        out.push(p.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::value::Term;

    fn view<'a>(text: &str, env: Vec<(String, &'a Value)>, identity: &'a Value) -> ScriptView<'a> {
        ScriptView {
            texts: vec![text.to_string()],
            arguments: vec!["argregistry".into()],
            env,
            identity,
            marker: '\u{E000}',
            unknowns: Vec::new(),
        }
    }

    #[test]
    fn az_acr_commands_and_the_registries_they_name() {
        let acr = Value::unknown_term("x", Term::Parameter("acrName".into()));
        let null = Value::Null;
        let v = view(
            "set -e\naz acr import -n $acrName --source $img --registry /subscriptions/x \\\n  --force && echo ok\n\
             az acr repository delete --name literalacr --image a:b\naz acr build -r ${acrName} .\n\
             az acr run --registry \"$1\" --cmd x\naz acr login -n myacr.azurecr.io\ndocker push myacr.azurecr.io/a:b\n\
             az acr frobnicate -n literalacr\naz acr import --source x",
            vec![("acrName".into(), &acr)],
            &null,
        );
        let got = commands_of(&v);
        let key = Segment::unknown(&acr);
        assert_eq!(
            got,
            vec![
                Command {
                    task: Task::Import,
                    target: Target::Named(key.clone())
                },
                Command {
                    task: Task::Delete,
                    target: Target::Named(Segment::text("literalacr"))
                },
                Command {
                    task: Task::QuickRun,
                    target: Target::Named(key)
                },
                Command {
                    task: Task::QuickRun,
                    target: Target::Named(Segment::text("argregistry"))
                },
                Command {
                    task: Task::Push,
                    target: Target::Named(Segment::text("myacr"))
                },
                Command {
                    task: Task::Unmapped("az acr frobnicate".into()),
                    target: Target::Named(Segment::text("literalacr"))
                },
                Command {
                    task: Task::Import,
                    target: Target::Unnamed
                },
            ]
        );
    }

    /// A registry name interpolated into a script is read back as the unknown it is,
    /// also through a login server and a positional argument; literal text that
    /// spells the same term is a literal name.
    #[test]
    fn interpolated_names_are_unknowns_and_literals_stay_literal() {
        let content = "[format('az acr import -n {0} --source a\\naz acr login -n {0}.azurecr.io\\ndocker push {0}.azurecr.io/img:1\\naz acr import -n ⟦parameters(''acrName'')⟧ --source b\\naz acr build -r $1 .', parameters('acrName'))]";
        let script = format!(
            r#"{{ "type": "Microsoft.Resources/deploymentScripts", "apiVersion": "2023-08-01", "name": "s", "location": "westus", "kind": "AzureCLI",
                "identity": {{ "type": "UserAssigned" }},
                "properties": {{ "scriptContent": "{content}", "arguments": "[format('{{0}}-x', parameters('acrName'))]" }} }}"#
        );
        let exp = crate::rules::native::testing::expand(&crate::rules::native::testing::template(
            r#""acrName": { "type": "string" }"#,
            &script,
        ));
        let found = scripts(&exp);
        assert_eq!(found.len(), 1);
        let acr = Value::unknown_term("x", Term::Parameter("acrName".into()));
        let mut suffixed = Segment::unknown(&acr);
        suffixed.push(Piece::Text("-x".into()));
        let targets: Vec<&Target> = found[0].commands.iter().map(|c| &c.target).collect();
        assert_eq!(
            targets,
            [
                &Target::Named(Segment::unknown(&acr)),
                &Target::Named(Segment::unknown(&acr)),
                &Target::Named(Segment::text("⟦parameters('acrName')⟧")),
                &Target::Named(suffixed),
            ]
        );
        let (tasks, certain) = found[0].tasks_on(Some(&Segment::unknown(&acr)), false);
        assert_eq!((tasks, certain), (vec![Task::Import, Task::Push], true));
    }

    #[test]
    fn powershell_import() {
        let null = Value::Null;
        let v = view(
            "Import-AzContainerRegistryImage -SourceImage library/busybox:latest `\n -RegistryName $env:REG -ResourceGroupName rg",
            vec![("REG".into(), &Value::Null)],
            &null,
        );
        assert_eq!(
            commands_of(&v),
            vec![Command {
                task: Task::Import,
                target: Target::Unnamed
            }]
        );
    }

    #[test]
    fn roles_by_task_and_mode_without_redundant_ones() {
        use roles::*;
        assert_eq!(roles_for(&[Task::Import], false), Some(vec![DATA_IMPORTER]));
        assert_eq!(
            roles_for(&[Task::Import, Task::Pull], true),
            Some(vec![DATA_IMPORTER])
        );
        assert_eq!(
            roles_for(&[Task::Pull, Task::Push, Task::Delete], false),
            Some(vec![ACR_PUSH, ACR_DELETE])
        );
        assert_eq!(
            roles_for(&[Task::Pull, Task::Push, Task::Delete], true),
            Some(vec![REPOSITORY_CONTRIBUTOR])
        );
        assert_eq!(
            roles_for(&[Task::Import, Task::Unmapped("az acr x".into())], true),
            None
        );
        let both = advice_for(&[Task::Push], &Mode::Unknown("x".into())).unwrap();
        assert!(
            both.contains("AcrPush") && both.contains("Repository Writer"),
            "{both}"
        );
    }
}
