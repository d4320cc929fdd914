//! The clock: the one place plancat reads the time. `SOURCE_DATE_EPOCH` (seconds since 1970,
//! the reproducible-builds convention) pins it; `--now` overrides both.

use super::EdgeError;
use crate::core::model::ids::Instant;

pub fn now() -> Result<Instant, EdgeError> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) if !s.is_empty() => from_epoch(&s),
        _ => Ok(plancat_consumer::now()),
    }
}

fn from_epoch(s: &str) -> Result<Instant, EdgeError> {
    s.trim()
        .parse::<i64>()
        .ok()
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .map(Instant)
        .ok_or_else(|| {
            EdgeError(format!(
                "`SOURCE_DATE_EPOCH` is `{s}`: expected whole seconds since 1970-01-01T00:00:00Z"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_date_epoch_is_whole_seconds() {
        assert_eq!(
            from_epoch("1764547200").unwrap().to_string(),
            "2025-12-01T00:00:00Z"
        );
        assert!(from_epoch("2025-12-01").is_err());
        assert!(from_epoch("1.5").is_err());
    }
}
