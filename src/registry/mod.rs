//! `acrlint restore`: the registry modules (`br:`) that Bicep files use, pulled over
//! the OCI Distribution API (`pull.rs`, with the credentials of `auth.rs`) and written
//! into the Bicep CLI's module cache (`cache.rs`), so that checking (and the Bicep
//! CLI) finds them there.
//!
//! This is the only code that uses the network, and with `fix` and `new` the only code
//! that writes files. Checking never calls it: `check --restore` runs a restore first,
//! from the command line. Module references, `bicepconfig.json` and the cache layout
//! are the loader's ([`crate::lower::module_cache`]); the cache is read like any other
//! file, through `Sources`.

pub mod auth;
pub mod cache;
pub mod pull;
pub mod restore;
