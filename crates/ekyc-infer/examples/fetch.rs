//! Fetch everything in the embedded manifest into the cache dir (what `ekyc models fetch` does),
//! then print the cache state. Usage: `cargo run -p ekyc-infer --example fetch [name ...]`.

use ekyc_infer::{default_home, fetch, human_size, verify, FetchOptions, InferError, Manifest};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), InferError> {
    let manifest = Manifest::embedded()?;
    let home = default_home()?;
    eprintln!("cache dir: {}", home.display());
    let opts = FetchOptions {
        only: std::env::args().skip(1).collect(),
        ..FetchOptions::default()
    };
    fetch(&manifest, &home, &opts)?;
    for row in verify(&manifest, &home) {
        println!(
            "{:<12} {:<5} {:<24} {:<8} {:>8}  {}",
            row.name,
            row.source,
            format!("{} {}", row.package, row.version),
            row.licence,
            row.size.map(human_size).unwrap_or_else(|| "-".into()),
            row.status.label()
        );
    }
    Ok(())
}
