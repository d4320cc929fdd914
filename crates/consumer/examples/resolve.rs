//! A child API's view of the ledger: which snapshot of a plan is in force at a moment (default:
//! now), verified.
//!
//! `cargo run -p plancat-consumer --example resolve -- out/snapshots shopcore-commerce-api [TIME]`

use plancat_consumer::{Audience, Instant, Ledger, PublishedPlan, now};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "out/snapshots".into());
    let slug = args
        .next()
        .unwrap_or_else(|| "shopcore-commerce-api".into());
    let at = match args.next() {
        Some(t) => Instant::parse(&t)?,
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
                let trial = tier
                    .trial_days
                    .map_or("no trial".to_string(), |d| format!("{d} trial days"));
                println!("  {id}: {monthly} a month, {trial}");
            }
        }
    }
    Ok(())
}
