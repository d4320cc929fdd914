//! A child API's view of the ledger: which snapshot of a plan is in force now (or at a given
//! RFC 3339 moment), verified.
//!
//! `cargo run --example resolve -- out/snapshots shopcore-commerce-api [2026-12-01T00:00:00Z]`

use plancat::consumer::{Audience, Instant, Ledger, PublishedPlan, now};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "out/snapshots".into());
    let slug = args
        .next()
        .unwrap_or_else(|| "shopcore-commerce-api".into());
    let at = match args.next() {
        Some(at) => Instant::parse(&at)?,
        None => now(),
    };

    let ledger = Ledger::open(&dir)?;
    for audience in [Audience::New, Audience::Existing] {
        // On a failed fetch or a bad hash, a real child API keeps its last good snapshot.
        let snapshot = ledger.resolve(&slug, at, audience)?;
        println!(
            "{slug} {} for {audience:?} subscribers at {at}",
            snapshot.plan_version
        );
        if let PublishedPlan::Api(api) = &snapshot.plan {
            for (id, tier) in &api.tiers {
                let monthly =
                    tier.price
                        .monthly
                        .as_ref()
                        .map_or("contact sales".to_string(), |p| {
                            p.0.iter()
                                .map(|(c, m)| format!("{} {c}", m.to_string_in(*c)))
                                .collect::<Vec<_>>()
                                .join(", ")
                        });
                println!("  {id}: {monthly} a month, {} trial days", tier.trial_days);
            }
        }
    }
    Ok(())
}
