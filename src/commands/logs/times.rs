//! How `custctl logs` writes times: one format per kind. An instant is RFC 3339 in UTC with
//! milliseconds (CloudWatch's precision); a window is two times of day when both ends are
//! today, else two instants, so that a window across midnight or on another day says its dates.

/// An instant as RFC 3339 in UTC with milliseconds (`2026-11-23T04:00:00.000Z`).
pub fn instant(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_else(|| ms.to_string())
}

/// `between 05:21:41.932 and 05:31:41.932 UTC` when both ends are today (UTC), else with the
/// dates: `between 2026-11-22T23:50:00.000Z and 2026-11-23T00:10:00.000Z`.
pub fn window(from_ms: i64, to_ms: i64) -> String {
    window_on(from_ms, to_ms, chrono::Utc::now().date_naive())
}

fn window_on(from_ms: i64, to_ms: i64, today: chrono::NaiveDate) -> String {
    let on_today = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).filter(|t| t.date_naive() == today);
    match (on_today(from_ms), on_today(to_ms)) {
        (Some(from), Some(to)) => format!(
            "between {} and {} UTC",
            from.format("%H:%M:%S%.3f"),
            to.format("%H:%M:%S%.3f")
        ),
        _ => format!("between {} and {}", instant(from_ms), instant(to_ms)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_have_dates_unless_both_ends_are_today() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let at = |text: &str| chrono::DateTime::parse_from_rfc3339(text).unwrap().timestamp_millis();
        assert_eq!(
            window_on(at("2026-11-23T05:21:41.932Z"), at("2026-11-23T05:31:41.932Z"), today),
            "between 05:21:41.932 and 05:31:41.932 UTC"
        );
        assert_eq!(
            window_on(at("2026-11-22T23:50:00Z"), at("2026-11-23T00:10:00Z"), today),
            "between 2026-11-22T23:50:00.000Z and 2026-11-23T00:10:00.000Z"
        );
        assert_eq!(
            window_on(at("2026-11-20T10:00:00Z"), at("2026-11-20T11:00:00Z"), today),
            "between 2026-11-20T10:00:00.000Z and 2026-11-20T11:00:00.000Z"
        );
        assert_eq!(instant(at("2026-11-23T05:21:41.932123Z")), "2026-11-23T05:21:41.932Z");
    }
}
