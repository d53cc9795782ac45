use clap::Parser;

fn main() {
    let cli = acrlint::cli::Cli::parse();
    std::process::exit(acrlint::cli::run(cli));
}
