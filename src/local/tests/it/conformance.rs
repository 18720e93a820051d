//! The conformance test: every operation the stack answers, called as botocore serialises it,
//! and each raw answer checked against the service models of the pinned botocore (see
//! conformance.py and the README's "Conformance" section).

use super::served::ServedStack;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_conforms_to_the_botocore_models() {
    let stack = ServedStack::start().await;
    let covered = super::python::run_script("conformance.py", &[&stack.endpoint, &stack.context()]).await;
    let covered: serde_json::Value =
        serde_json::from_str(covered.trim()).expect("conformance.py prints what it covered");
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let section = readme
        .split("### Conformance")
        .nth(1)
        .expect("the README has a Conformance section");
    for (service, operations) in covered.as_object().unwrap() {
        for operation in operations.as_array().unwrap() {
            let operation = operation.as_str().unwrap();
            assert!(
                section.contains(&format!("`{operation}`")),
                "the README's Conformance section does not list {service} {operation}"
            );
        }
    }
}
