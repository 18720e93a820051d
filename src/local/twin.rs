//! The local stack as the deploy template's twin: what the template's `Ref` and `Fn::GetAtt`
//! mean on loopback (the local queue URLs, the function, the MariaDB standing in for RDS, the
//! sshd standing in for the bastion), so that the function's environment and the stack's
//! Outputs are the template's own expressions, evaluated against the local resources.

use custctl_rules::template::{PipelineSettings, Resolve, Template, TemplateError};
use std::collections::BTreeMap;

/// The environment variable that names the RDS CA bundle: the local MariaDB speaks plain TCP
/// on loopback (the function requires TLS only off loopback), and the bundle's layer is not
/// mounted, so the stack leaves it unset.
pub const TLS_CA_VARIABLE: &str = "DB_TLS_CA_FILE";

/// The local values of the pipeline's resources.
#[derive(Debug, Clone)]
pub struct LocalResources {
    pub pipeline: PipelineSettings,
    pub region: String,
    pub queue_url: String,
    pub queue_arn: String,
    pub dead_letter_queue_url: String,
    pub dead_letter_queue_arn: String,
    pub function_arn: String,
    pub db_port: u16,
    pub db_secret_arn: String,
    /// `host:port` of the local bastion (sshd), which stands in for the bastion instance.
    pub bastion: Option<String>,
}

impl Resolve for LocalResources {
    fn reference(&self, id: &str) -> Option<String> {
        let ids = &self.pipeline.ids;
        if id == ids.queue {
            Some(self.queue_url.clone())
        } else if id == ids.dead_letter_queue {
            Some(self.dead_letter_queue_url.clone())
        } else if id == ids.function {
            Some(self.pipeline.function_name.clone())
        } else if ids.log_group.as_deref() == Some(id) {
            Some(self.pipeline.log_group_name.clone())
        } else if ids.database.as_deref() == Some(id) {
            Some(self.pipeline.db_instance.clone())
        } else if ids.bastion.as_deref() == Some(id) {
            self.bastion.clone()
        } else {
            None
        }
    }

    fn attribute(&self, id: &str, attribute: &str) -> Option<String> {
        let ids = &self.pipeline.ids;
        let queue = |url: &str, arn: &str, name: &str| match attribute {
            "Arn" => Some(arn.to_string()),
            "QueueName" => Some(name.to_string()),
            "QueueUrl" => Some(url.to_string()),
            _ => None,
        };
        if id == ids.queue {
            queue(&self.queue_url, &self.queue_arn, &self.pipeline.queue_name)
        } else if id == ids.dead_letter_queue {
            queue(
                &self.dead_letter_queue_url,
                &self.dead_letter_queue_arn,
                &self.pipeline.dead_letter_queue_name,
            )
        } else if id == ids.function {
            (attribute == "Arn").then(|| self.function_arn.clone())
        } else if ids.log_group.as_deref() == Some(id) {
            (attribute == "Arn").then(|| {
                format!(
                    "arn:aws:logs:{}:{}:log-group:{}:*",
                    self.region,
                    crate::ACCOUNT_ID,
                    self.pipeline.log_group_name
                )
            })
        } else if ids.database.as_deref() == Some(id) {
            match attribute {
                "Endpoint.Address" => Some("127.0.0.1".into()),
                "Endpoint.Port" => Some(self.db_port.to_string()),
                "MasterUserSecret.SecretArn" => Some(self.db_secret_arn.clone()),
                _ => None,
            }
        } else {
            None
        }
    }
}

impl LocalResources {
    /// The function's environment: the template's variables evaluated against the local
    /// resources, without the CA bundle (see [`TLS_CA_VARIABLE`]).
    pub fn function_environment(&self, template: &Template) -> Result<BTreeMap<String, String>, TemplateError> {
        let path = format!(
            "Resources.{}.Properties.Environment.Variables",
            self.pipeline.ids.function
        );
        self.pipeline
            .environment
            .iter()
            .filter(|(name, _)| name != TLS_CA_VARIABLE)
            .map(|(name, value)| Ok((name.clone(), template.evaluate(value, self, &format!("{path}.{name}"))?)))
            .collect()
    }

    /// The template's Outputs, pointing at the local resources.
    pub fn outputs(&self, template: &Template) -> Result<Vec<(String, String)>, TemplateError> {
        template.outputs(self)
    }
}
