//! `cargo bench --bench scale`: times `plancat build` and `plancat check` on generated
//! catalogs of 1,000 and 10,000 products (20 API projects), and prints the 10k/1k ratio —
//! linear scaling gives about 10. Figures are wall-clock medians of a few runs on this machine;
//! compare ratios, not absolute times, across machines.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_plancat");
const PROJECTS: usize = 20;
const RUNS: usize = 3;

fn main() {
    let mut results = Vec::new();
    for products in [1_000, 10_000] {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), products);
        // First build publishes everything; later builds and checks find nothing to publish.
        let first = time(
            dir.path(),
            &["build", "--effective-from", "2026-01-01T00:00:00Z"],
        );
        let rebuild = median(|| time(dir.path(), &["build"]));
        let check = median(|| time(dir.path(), &["check"]));
        println!(
            "{products:>6} products: first build {:>8.1} ms, no-op build {:>8.1} ms, check {:>8.1} ms",
            ms(first),
            ms(rebuild),
            ms(check)
        );
        results.push((first, rebuild, check));
    }
    let (a, b) = (results[0], results[1]);
    println!(
        "10k/1k ratios: first build {:.1}x, no-op build {:.1}x, check {:.1}x (linear = 10x)",
        ms(b.0) / ms(a.0),
        ms(b.1) / ms(a.1),
        ms(b.2) / ms(a.2)
    );
}

fn time(root: &Path, args: &[&str]) -> Duration {
    let t = Instant::now();
    let o = Command::new(BIN)
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    let d = t.elapsed();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    d
}

fn median(mut f: impl FnMut() -> Duration) -> Duration {
    let mut v: Vec<Duration> = (0..RUNS).map(|_| f()).collect();
    v.sort();
    v[RUNS / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn generate(root: &Path, products: usize) {
    let plans = root.join("plans");
    for d in ["core", "projects", "products"] {
        std::fs::create_dir_all(plans.join(d)).unwrap();
    }
    std::fs::write(
        plans.join("core/00-defaults.toml"),
        "[catalog]\nbrand = \"Bench\"\nbase_url = \"https://bench.example\"\ncurrency = \"USD\"\nlocale = \"en-US\"\n\n\
         [policy.trial]\nmax_days = 30\n\n[policy.guardrails]\nmax_discount = 30\nmin_gross_margin = 50\n",
    )
    .unwrap();
    std::fs::write(
        plans.join("core/10-locks.toml"),
        "locks = [\"policy.guardrails\"]\n",
    )
    .unwrap();
    for p in 0..PROJECTS {
        let mut s =
            format!("[api]\nname = \"API {p}\"\nstatus = \"live\"\nsummary = \"Generated.\"\n");
        for (i, tier) in ["starter", "growth", "scale"].iter().enumerate() {
            let price = 29 * (i + 1) * (i + 1);
            s.push_str(&format!(
                "\n[api.tiers.{tier}]\nname = \"{tier}\"\norder = {i}\nprice.monthly = {{ USD = \"{price}\" }}\n\
                 price.yearly = {{ USD = \"{}\" }}\ntrial_days = 14\ncost = {{ USD = \"5\" }}\n\
                 quotas.calls = {{ limit = {}, period = \"month\", unit = \"API calls\", overage = {{ price = {{ USD = \"0.01\" }}, per = 1000 }} }}\n\
                 features = {{ webhooks = true, seats = {} }}\n",
                price * 10,
                100_000 * (i + 1),
                5 * (i + 1)
            ));
        }
        std::fs::write(plans.join(format!("projects/api-{p}.toml")), s).unwrap();
    }
    for n in 0..products {
        let project = n % PROJECTS;
        let body = if n % 50 == 49 {
            format!(
                "[product]\nname = \"Bundle {n}\"\nkind = \"bundle\"\nstatus = \"live\"\nproject = \"api-{project}\"\n\
                 [product.bundle]\ndiscount = 10\ncomponents = [{{ api = \"api-{project}\", tier = \"growth\" }}, {{ product = \"product-{}\" }}]\n",
                n - 1
            )
        } else {
            format!(
                "[product]\nname = \"Product {n}\"\nkind = \"frontend\"\nstatus = \"live\"\nproject = \"api-{project}\"\n\
                 price.one_time = {{ USD = \"{}\" }}\n[product.copy]\ntagline = \"Generated product {n}.\"\nhighlights = [\"Fast\", \"Accessible\"]\n",
                19 + n % 80
            )
        };
        std::fs::write(plans.join(format!("products/product-{n}.toml")), body).unwrap();
    }
}
