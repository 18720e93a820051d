//! "Did you mean": the existing names (queues, functions, log groups) close to one that was
//! not found, best first. The one place custctl ranks names, so every verb suggests alike.

/// Names of `candidates` that look like `wanted`, closest first (at most 5): within a small
/// edit distance (Levenshtein, case folded), or containing it, or contained in it.
pub fn similar_names<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let wanted = wanted.to_lowercase();
    // A third of the name, but at least 2 and at most 3 edits: "custmers" finds "customers",
    // while "customer-ingst" does not drag in every "customer-*" name.
    let limit = (wanted.chars().count() / 3).clamp(2, 3);
    let mut ranked: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|candidate| {
            let lower = candidate.to_lowercase();
            let distance = strsim::levenshtein(&wanted, &lower);
            let close = distance <= limit || lower.contains(&wanted) || wanted.contains(&lower);
            close.then_some((distance, candidate))
        })
        .collect();
    ranked.sort();
    ranked.dedup();
    ranked.into_iter().take(5).map(|(_, name)| name.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::similar_names;

    #[test]
    fn queue_names_are_ranked_by_distance() {
        let names = ["customers", "customers-dlq", "orders", "Customer"];
        assert_eq!(similar_names("custmers", names), ["customers", "Customer"]);
    }

    #[test]
    fn function_names_are_suggested() {
        let names = [
            "customer-ingest",
            "customer-ingest-prod",
            "orders",
            "Customer-Ingest-v2",
        ];
        assert_eq!(similar_names("customer-ingst", names), ["customer-ingest"]);
        assert_eq!(
            similar_names("customer-ingest", names),
            ["customer-ingest", "Customer-Ingest-v2", "customer-ingest-prod"]
        );
        assert!(similar_names("billing", names).is_empty());
    }
}
