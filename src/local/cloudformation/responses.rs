//! The CloudFormation query protocol: `Action=DescribeStacks` in, AWS's XML out (lists as
//! `<member>` elements, as aws-sdk-cloudformation and botocore parse them).

use super::models::{Stack, StackCatalog};
use crate::wire::{xml_escape, AwsError};
use std::fmt::Write;

/// Answers one request with the inner XML of `<{Action}Result>`.
pub fn handle(catalog: &StackCatalog, action: &str, params: &[(String, String)]) -> Result<String, AwsError> {
    match action {
        "DescribeStacks" => {
            let name = params.iter().find(|(k, _)| k == "StackName").map(|(_, v)| v.as_str());
            let stacks = catalog.describe(name)?;
            let mut xml = String::from("<Stacks>");
            for stack in stacks {
                render_stack(&mut xml, stack);
            }
            xml.push_str("</Stacks>");
            Ok(xml)
        }
        other => Err(AwsError::client(
            "InvalidAction",
            format!("CloudFormation operation {other} is not supported by the custctl local stack"),
        )),
    }
}

fn text(xml: &mut String, name: &str, value: &str) {
    let _ = write!(xml, "<{name}>{}</{name}>", xml_escape(value));
}

/// A list of key/value members: `<Outputs><member><OutputKey>..</OutputKey><OutputValue>..`.
fn pairs(xml: &mut String, list: &str, (key_name, value_name): (&str, &str), entries: &[(String, String)]) {
    let _ = write!(xml, "<{list}>");
    for (key, value) in entries {
        xml.push_str("<member>");
        text(xml, key_name, key);
        text(xml, value_name, value);
        xml.push_str("</member>");
    }
    let _ = write!(xml, "</{list}>");
}

fn render_stack(xml: &mut String, stack: &Stack) {
    xml.push_str("<member>");
    text(xml, "StackId", &stack.id);
    text(xml, "StackName", &stack.record.name);
    if let Some(description) = &stack.record.description {
        text(xml, "Description", description);
    }
    pairs(
        xml,
        "Parameters",
        ("ParameterKey", "ParameterValue"),
        &stack.record.parameters,
    );
    text(xml, "CreationTime", &crate::iso8601(&stack.created));
    text(xml, "StackStatus", "CREATE_COMPLETE");
    text(xml, "DisableRollback", "false");
    xml.push_str("<NotificationARNs/><Capabilities><member>CAPABILITY_IAM</member><member>CAPABILITY_AUTO_EXPAND</member></Capabilities>");
    pairs(xml, "Outputs", ("OutputKey", "OutputValue"), &stack.record.outputs);
    xml.push_str("<Tags/>");
    text(xml, "EnableTerminationProtection", "false");
    xml.push_str("<DriftInformation><StackDriftStatus>NOT_CHECKED</StackDriftStatus></DriftInformation>");
    xml.push_str("</member>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloudformation::StackRecord;

    #[test]
    fn outputs_are_escaped_members() {
        let catalog = StackCatalog::new(vec![StackRecord {
            name: "s".into(),
            region: "us-east-1".into(),
            description: None,
            outputs: vec![("K".into(), "a<b&c".into())],
            parameters: Vec::new(),
        }]);
        let xml = handle(&catalog, "DescribeStacks", &[("StackName".into(), "s".into())]).unwrap();
        assert!(
            xml.contains(
                "<Outputs><member><OutputKey>K</OutputKey><OutputValue>a&lt;b&amp;c</OutputValue></member></Outputs>"
            ),
            "{xml}"
        );
        assert_eq!(handle(&catalog, "CreateStack", &[]).unwrap_err().code, "InvalidAction");
    }
}
