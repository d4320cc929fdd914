//! Shared by the promotion rules: every promotion of a plan, with the path it lives at.

use crate::core::compile::CompiledPlan;
use crate::core::model::api::Promotion;
use crate::core::model::ids::Slug;

/// `(path, id, promotion)` for each promotion of an API or product plan.
pub fn of(plan: &CompiledPlan) -> Vec<(String, &Slug, &Promotion)> {
    let (base, promos) = match (plan.api(), plan.product()) {
        (Some(a), _) => ("api", &a.promotions),
        (_, Some(p)) => ("product", &p.promotions),
        _ => return Vec::new(),
    };
    promos
        .iter()
        .map(|(id, p)| (format!("{base}.promotions.{id}"), id, p))
        .collect()
}
