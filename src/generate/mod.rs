//! Authoring: `acrlint new` renders compliant starter templates (ARM JSON and Bicep)
//! from the Tera templates in `templates/`, and `acrlint fix` repairs existing
//! templates by editing only the offending byte spans.

pub mod escape;
pub mod fix;
pub mod new;
