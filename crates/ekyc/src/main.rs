//! `ekyc`: the command line of the ekyc identity-verification server.

mod commands;
mod settings;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "ekyc",
    version,
    about = "Self-hosted e-KYC: document OCR, face compare, liveness"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API server.
    Serve(commands::serve::ServeArgs),
    /// Manage API keys (SecretId / SecretKey pairs).
    #[command(subcommand)]
    Keys(commands::keys::KeysCommand),
    /// Read the per-request records.
    #[command(subcommand)]
    Records(commands::records::RecordsCommand),
    /// Fetch, verify and list the pinned models and the ONNX Runtime library.
    #[command(subcommand)]
    Models(commands::models::ModelsCommand),
    /// Print the effective configuration (defaults < ekyc.toml < env < flags) as TOML.
    Config(settings::CommonArgs),
    /// Compare the largest faces of two photos (what CompareFace runs): Sim, Score, distance, timings.
    Compare(commands::compare::CompareArgs),
    /// Liveness verdict of one selfie video (what LivenessCompare runs), with evidence.
    Liveness(commands::liveness::LivenessArgs),
    /// Read documents: `ocr mrz FILE` prints the machine-readable zone.
    #[command(subcommand)]
    Ocr(commands::ocr::OcrCommand),
    /// Accuracy on a labelled folder; prints a table (rates with counts).
    #[command(subcommand)]
    Eval(commands::eval::EvalCommand),
    /// Measure speed; prints a table.
    #[command(subcommand)]
    Bench(commands::bench::BenchCommand),
}

/// Rust ignores SIGPIPE, so printing into a closed pipe (`ekyc liveness ... | head`) panics in
/// `println!`. CLI commands get the default action back and end quietly like other tools; the
/// server keeps ignoring it (a client hanging up must not kill it).
fn restore_default_sigpipe() {
    // SAFETY: called once at start-up, before any thread exists; it only resets a disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve(_)) {
        restore_default_sigpipe();
    }
    let result = match cli.command {
        Command::Serve(args) => commands::serve::run(args),
        Command::Keys(cmd) => commands::keys::run(cmd),
        Command::Records(cmd) => commands::records::run(cmd),
        Command::Models(cmd) => commands::models::run(cmd),
        Command::Config(common) => settings::print_config(&common),
        Command::Bench(cmd) => commands::bench::run(cmd),
        Command::Compare(args) => commands::compare::run(args),
        Command::Ocr(cmd) => commands::ocr::run(cmd),
        Command::Liveness(args) => commands::liveness::run(args),
        Command::Eval(cmd) => commands::eval::run(cmd),
    };
    if let Err(err) = result {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}
