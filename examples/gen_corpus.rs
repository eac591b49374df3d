//! Writes the benchmark's scale corpus: `cargo run --release --example gen_corpus -- --articles N --seed S --out DIR`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut articles = 1000usize;
    let mut seed = 1u64;
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        let ok = match (arg.as_str(), value) {
            ("--articles", Some(v)) => v.parse().map(|n| articles = n).is_ok(),
            ("--seed", Some(v)) => v.parse().map(|s| seed = s).is_ok(),
            ("--out", Some(v)) => {
                out = Some(PathBuf::from(v));
                true
            }
            _ => false,
        };
        if !ok {
            eprintln!("usage: gen_corpus --articles N --seed S --out DIR");
            return ExitCode::from(2);
        }
    }
    let Some(out) = out else {
        eprintln!("usage: gen_corpus --articles N --seed S --out DIR");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    match newsdesk::synth::generate(&out, articles, seed) {
        Ok(stats) => {
            println!(
                "wrote {} articles ({:.1} MB) in {} folders below {} in {:.2} s",
                stats.files,
                stats.bytes as f64 / 1e6,
                stats.dirs,
                out.display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write the corpus to {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
