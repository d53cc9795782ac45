use clap::Parser;

// The evaluator allocates many small values; mimalloc is markedly faster than the
// system allocator at that, with several threads (see README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = acrlint::Cli::parse();
    std::process::exit(acrlint::run(cli));
}
