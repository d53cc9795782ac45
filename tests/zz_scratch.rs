use acrlint::arm::expand::{expand_file, ExpandOptions};
#[test]
fn dump() {
    let f = std::env::var("DUMP_FILE").unwrap();
    let ty = std::env::var("DUMP_TYPE").unwrap_or_default().to_ascii_lowercase();
    let exp = expand_file(std::path::Path::new(&f), &ExpandOptions::default()).unwrap();
    for r in &exp.resources {
        if !r.resource_type.to_ascii_lowercase().contains(&ty) { continue; }
        println!("== {} name={:?}\n cond={:?} copy={:?} dep={} parent={:?} sym={:?}", r.resource_type, r.name, r.condition, r.copy, r.deployment, r.parent, r.symbolic);
        if std::env::var("DUMP_BODY").is_ok() { println!(" body={:#?}", r.body); }
    }
}
