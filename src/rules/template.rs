//! The pipeline as its deploy template describes it (`examples/aws/template.yaml`, built in):
//! the names custctl uses by default and the settings the local stack runs with, read from the
//! same file that `sam deploy` deploys, so the two cannot drift.
//!
//! The template is YAML with CloudFormation's short-form tags (`!Ref`, `!Sub`, `!GetAtt`), read
//! with serde_norway (the maintained fork of serde_yaml; tags arrive as `Value::Tagged`). Only
//! what the pipeline needs is evaluated: parameters (their defaults, or overrides), `Ref`,
//! `Fn::Sub`, `Fn::GetAtt` and `Fn::Join`, in short or long form. What cannot be evaluated is an
//! error naming the property, never a guess.

use serde_norway::{Mapping, Value};
use std::collections::BTreeMap;

/// The project's own template, as `sam deploy` deploys it.
pub const PROJECT_TEMPLATE: &str = include_str!("../../examples/aws/template.yaml");

/// Why a template cannot be read as the pipeline's.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TemplateError {
    #[error("not YAML: {0}")]
    Yaml(String),
    #[error("{0}")]
    Shape(String),
    #[error("{path}: {reason}")]
    Property { path: String, reason: String },
}

fn shape(message: impl Into<String>) -> TemplateError {
    TemplateError::Shape(message.into())
}

/// What `Ref` and `Fn::GetAtt` of a resource give. Reading settings needs none (only
/// parameters); the local stack answers with its own resources for the Outputs.
pub trait Resolve {
    fn reference(&self, logical_id: &str) -> Option<String>;
    fn attribute(&self, logical_id: &str, attribute: &str) -> Option<String>;
}

/// Resolves no resource: only parameters and pseudo parameters.
pub struct ParametersOnly;

impl Resolve for ParametersOnly {
    fn reference(&self, _: &str) -> Option<String> {
        None
    }
    fn attribute(&self, _: &str, _: &str) -> Option<String> {
        None
    }
}

/// A parsed template and the values of its parameters.
#[derive(Debug, Clone)]
pub struct Template {
    resources: Mapping,
    outputs: Vec<(String, Value)>,
    parameters: BTreeMap<String, String>,
    region: String,
    stack_name: String,
}

/// The logical ids of the pipeline's parts, found by type and by how they refer to each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogicalIds {
    pub queue: String,
    pub dead_letter_queue: String,
    pub function: String,
    pub log_group: Option<String>,
    pub database: Option<String>,
    pub bastion: Option<String>,
}

/// Everything the local stack takes from the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineSettings {
    pub ids: LogicalIds,
    pub queue_name: String,
    pub dead_letter_queue_name: String,
    /// Queue attributes the template sets, by their SQS attribute name (VisibilityTimeout, ...).
    pub queue_attributes: BTreeMap<String, String>,
    pub dead_letter_queue_attributes: BTreeMap<String, String>,
    pub max_receive_count: u32,
    pub function_name: String,
    pub function_timeout: u32,
    pub memory_size: u32,
    /// The function's environment, each value still a template expression: the stack evaluates
    /// it against its own resources.
    pub environment: Vec<(String, Value)>,
    pub batch_size: u32,
    pub batching_window: u32,
    pub maximum_concurrency: u32,
    pub report_batch_item_failures: bool,
    pub log_group_name: String,
    pub log_retention_days: Option<u32>,
    pub db_instance: String,
    pub database_name: String,
    /// `Resources.X.Properties.Y: why`, for every setting of the pipeline's resources that the
    /// local stack cannot honour.
    pub not_honoured: Vec<String>,
}

/// Lambda's defaults when a template leaves a setting out (AWS::Lambda::Function,
/// AWS::Lambda::EventSourceMapping): 3 s timeout, 128 MB, batch size 10, no window.
const DEFAULT_TIMEOUT: u32 = 3;
const DEFAULT_MEMORY: u32 = 128;
const DEFAULT_BATCH_SIZE: u32 = 10;
/// Without ScalingConfig, Lambda scales an SQS mapping up to 1,250 concurrent invocations; the
/// local stack runs one process per batch, so it caps what it starts at the template's value or this.
const DEFAULT_MAXIMUM_CONCURRENCY: u32 = 5;

impl Template {
    /// Parses `text`; parameters take their defaults, region and stack name are given.
    pub fn parse(text: &str, region: &str, stack_name: &str) -> Result<Template, TemplateError> {
        let root: Value = serde_norway::from_str(text).map_err(|e| TemplateError::Yaml(e.to_string()))?;
        let root = root
            .as_mapping()
            .ok_or_else(|| shape("the template is not a mapping"))?;
        let resources = root
            .get("Resources")
            .and_then(Value::as_mapping)
            .cloned()
            .ok_or_else(|| shape("the template has no Resources"))?;
        let mut parameters = BTreeMap::new();
        if let Some(declared) = root.get("Parameters").and_then(Value::as_mapping) {
            for (name, declaration) in declared {
                let (Some(name), Some(default)) = (name.as_str(), declaration.get("Default")) else {
                    continue;
                };
                if let Some(default) = scalar(default) {
                    parameters.insert(name.to_string(), default);
                }
            }
        }
        let outputs = root
            .get("Outputs")
            .and_then(Value::as_mapping)
            .map(|outputs| {
                outputs
                    .iter()
                    .filter_map(|(key, output)| Some((key.as_str()?.to_string(), output.get("Value")?.clone())))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Template {
            resources,
            outputs,
            parameters,
            region: region.to_string(),
            stack_name: stack_name.to_string(),
        })
    }

    /// The project's own template.
    pub fn project(region: &str, stack_name: &str) -> Template {
        // Built in and checked by this module's tests: it always parses.
        Template::parse(PROJECT_TEMPLATE, region, stack_name).expect("the built-in template parses")
    }

    /// Sets a parameter, as `sam deploy --parameter-overrides` does.
    pub fn set_parameter(&mut self, name: &str, value: impl Into<String>) {
        self.parameters.insert(name.to_string(), value.into());
    }

    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters.get(name).map(String::as_str)
    }

    /// Every parameter with a value, by name.
    pub fn parameters(&self) -> impl Iterator<Item = (&str, &str)> {
        self.parameters.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The template's Outputs evaluated with `resolve`: `(key, value)` in the template's order.
    pub fn outputs(&self, resolve: &dyn Resolve) -> Result<Vec<(String, String)>, TemplateError> {
        self.outputs
            .iter()
            .map(|(key, value)| Ok((key.clone(), self.evaluate(value, resolve, &format!("Outputs.{key}"))?)))
            .collect()
    }

    fn resources_of_type<'a>(&'a self, types: &'a [&str]) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.resources.iter().filter_map(move |(id, resource)| {
            let kind = resource.get("Type")?.as_str()?;
            types.contains(&kind).then_some((id.as_str()?, resource))
        })
    }

    fn resource(&self, id: &str) -> Option<&Value> {
        self.resources.get(id)
    }

    /// Reads the pipeline: the one function, its SQS event source, the queue and its DLQ, the
    /// function's log group and the database.
    pub fn pipeline(&self) -> Result<PipelineSettings, TemplateError> {
        let mut not_honoured = Vec::new();
        let functions: Vec<_> = self
            .resources_of_type(&["AWS::Serverless::Function", "AWS::Lambda::Function"])
            .collect();
        let [(function_id, function)] = functions[..] else {
            return Err(shape(format!(
                "the template must have exactly one function (AWS::Serverless::Function or AWS::Lambda::Function); it has {}",
                functions.len()
            )));
        };
        let function_path = format!("Resources.{function_id}.Properties");
        let function_props = properties(function);
        let (mapping_path, mapping) = self.event_source(function_id, function_props)?;
        if let Some(events) = function_props.get("Events").and_then(Value::as_mapping) {
            for (name, event) in events {
                let kind = event.get("Type").and_then(Value::as_str).unwrap_or("?");
                if kind != "SQS" {
                    not_honoured.push(format!(
                        "{function_path}.Events.{}: an event source of type {kind} is not emulated by the local stack",
                        name.as_str().unwrap_or("?")
                    ));
                }
            }
        }
        let queue_ref = mapping
            .get("Queue")
            .or_else(|| mapping.get("EventSourceArn"))
            .ok_or_else(|| property(&mapping_path, "names no queue (Queue or EventSourceArn)"))?;
        let queue_id =
            arn_target(queue_ref).ok_or_else(|| property(&mapping_path, "its queue must be !GetAtt <Queue>.Arn"))?;
        let queue = self
            .resource(&queue_id)
            .filter(|r| r.get("Type").and_then(Value::as_str) == Some("AWS::SQS::Queue"))
            .ok_or_else(|| {
                property(
                    &mapping_path,
                    format!("{queue_id} is not an AWS::SQS::Queue of this template"),
                )
            })?;
        let queue_path = format!("Resources.{queue_id}.Properties");
        let queue_props = properties(queue);
        let redrive = queue_props.get("RedrivePolicy").ok_or_else(|| {
            property(
                &queue_path,
                "has no RedrivePolicy: the pipeline needs a dead-letter queue",
            )
        })?;
        let redrive_path = format!("{queue_path}.RedrivePolicy");
        let dlq_id = redrive
            .get("deadLetterTargetArn")
            .and_then(arn_target)
            .ok_or_else(|| property(&redrive_path, "deadLetterTargetArn must be !GetAtt <Queue>.Arn"))?;
        let dlq = self
            .resource(&dlq_id)
            .ok_or_else(|| property(&redrive_path, format!("{dlq_id} is not a resource of this template")))?;
        let dlq_path = format!("Resources.{dlq_id}.Properties");
        let dlq_props = properties(dlq);
        let max_receive_count = self
            .number(
                redrive.get("maxReceiveCount"),
                &format!("{redrive_path}.maxReceiveCount"),
            )?
            .ok_or_else(|| property(&redrive_path, "has no maxReceiveCount"))?;

        let queue_name = self.name(queue_props, "QueueName", &queue_path)?;
        let dead_letter_queue_name = self.name(dlq_props, "QueueName", &dlq_path)?;
        let queue_attributes = self.queue_attributes(queue_props, &queue_path, &mut not_honoured)?;
        let dead_letter_queue_attributes = self.queue_attributes(dlq_props, &dlq_path, &mut not_honoured)?;

        let function_name = self.name(function_props, "FunctionName", &function_path)?;
        let function_timeout = self
            .number(function_props.get("Timeout"), &format!("{function_path}.Timeout"))?
            .unwrap_or(DEFAULT_TIMEOUT);
        let memory_size = self
            .number(function_props.get("MemorySize"), &format!("{function_path}.MemorySize"))?
            .unwrap_or(DEFAULT_MEMORY);
        let environment = function_props
            .get("Environment")
            .and_then(|e| e.get("Variables"))
            .and_then(Value::as_mapping)
            .map(|variables| {
                variables
                    .iter()
                    .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.clone())))
                    .collect()
            })
            .unwrap_or_default();
        for (key, value) in function_props {
            let key = key.as_str().unwrap_or_default();
            match key {
                "FunctionName" | "Timeout" | "MemorySize" | "Environment" | "Events" | "LoggingConfig" => {}
                // What places, builds or permits the function, with no effect on what it does
                // with a batch on loopback: the stack runs --function-binary as it is.
                "CodeUri" | "Code" | "Handler" | "Architectures" | "Role" | "Policies" | "VpcConfig"
                | "Description" | "Tags" | "KmsKeyArn" | "PackageType" => {}
                "Runtime" => {
                    let runtime = self.evaluate(value, &ParametersOnly, &format!("{function_path}.Runtime"))?;
                    if !runtime.starts_with("provided.") {
                        not_honoured.push(format!(
                            "{function_path}.Runtime: {runtime}: the local stack runs a custom-runtime binary (provided.al2023)"
                        ));
                    }
                }
                "Layers" => not_honoured.push(format!(
                    "{function_path}.Layers: layers are not mounted at /opt locally"
                )),
                other => not_honoured.push(format!("{function_path}.{other}: not emulated by the local stack")),
            }
        }

        let batch_size = self
            .number(mapping.get("BatchSize"), &format!("{mapping_path}.BatchSize"))?
            .unwrap_or(DEFAULT_BATCH_SIZE);
        let batching_window = self
            .number(
                mapping.get("MaximumBatchingWindowInSeconds"),
                &format!("{mapping_path}.MaximumBatchingWindowInSeconds"),
            )?
            .unwrap_or(0);
        let maximum_concurrency = self
            .number(
                mapping.get("ScalingConfig").and_then(|s| s.get("MaximumConcurrency")),
                &format!("{mapping_path}.ScalingConfig.MaximumConcurrency"),
            )?
            .unwrap_or(DEFAULT_MAXIMUM_CONCURRENCY);
        let report_batch_item_failures = match mapping.get("FunctionResponseTypes") {
            None => false,
            Some(types) => types
                .as_sequence()
                .ok_or_else(|| property(&mapping_path, "FunctionResponseTypes must be a list"))?
                .iter()
                .map(|t| self.evaluate(t, &ParametersOnly, &format!("{mapping_path}.FunctionResponseTypes")))
                .collect::<Result<Vec<_>, _>>()?
                .iter()
                .any(|t| t == "ReportBatchItemFailures"),
        };
        for (key, value) in mapping {
            match key.as_str().unwrap_or_default() {
                "Queue"
                | "EventSourceArn"
                | "FunctionName"
                | "BatchSize"
                | "MaximumBatchingWindowInSeconds"
                | "ScalingConfig"
                | "FunctionResponseTypes" => {}
                "Enabled" => {
                    let enabled = self.evaluate(value, &ParametersOnly, &format!("{mapping_path}.Enabled"))?;
                    if enabled != "true" {
                        not_honoured.push(format!(
                            "{mapping_path}.Enabled: {enabled}: the local mapping always starts enabled"
                        ));
                    }
                }
                other => not_honoured.push(format!("{mapping_path}.{other}: not emulated by the local stack")),
            }
        }

        let (log_group, log_group_name, log_retention_days) =
            self.log_group(function_props, &function_path, &function_name)?;
        if let Some(id) = &log_group {
            let path = format!("Resources.{id}.Properties");
            for (key, _) in properties(self.resource(id).unwrap_or(&Value::Null)) {
                match key.as_str().unwrap_or_default() {
                    "LogGroupName" | "RetentionInDays" | "Tags" | "KmsKeyId" => {}
                    other => not_honoured.push(format!("{path}.{other}: not emulated by the local stack")),
                }
            }
        }

        let databases: Vec<_> = self.resources_of_type(&["AWS::RDS::DBInstance"]).collect();
        let (database, db_instance, database_name) = match databases[..] {
            [(id, db)] => {
                let path = format!("Resources.{id}.Properties");
                let props = properties(db);
                (
                    Some(id.to_string()),
                    self.name(props, "DBInstanceIdentifier", &path)?,
                    self.name(props, "DBName", &path)?,
                )
            }
            _ => {
                return Err(shape(format!(
                    "the template must have exactly one AWS::RDS::DBInstance; it has {}",
                    databases.len()
                )))
            }
        };
        let bastion = self
            .resources_of_type(&["AWS::EC2::Instance"])
            .next()
            .map(|(id, _)| id.to_string());

        Ok(PipelineSettings {
            ids: LogicalIds {
                queue: queue_id,
                dead_letter_queue: dlq_id,
                function: function_id.to_string(),
                log_group,
                database,
                bastion,
            },
            queue_name,
            dead_letter_queue_name,
            queue_attributes,
            dead_letter_queue_attributes,
            max_receive_count,
            function_name,
            function_timeout,
            memory_size,
            environment,
            batch_size,
            batching_window,
            maximum_concurrency,
            report_batch_item_failures,
            log_group_name,
            log_retention_days,
            db_instance,
            database_name,
            not_honoured,
        })
    }

    /// The function's SQS event source: a SAM `Events` entry of type SQS, else an
    /// AWS::Lambda::EventSourceMapping that names the function.
    fn event_source<'a>(
        &'a self,
        function_id: &str,
        function: &'a Mapping,
    ) -> Result<(String, &'a Mapping), TemplateError> {
        let mut sources: Vec<(String, &Mapping)> = Vec::new();
        if let Some(events) = function.get("Events").and_then(Value::as_mapping) {
            for (name, event) in events {
                if event.get("Type").and_then(Value::as_str) == Some("SQS") {
                    let path = format!(
                        "Resources.{function_id}.Properties.Events.{}.Properties",
                        name.as_str().unwrap_or("?")
                    );
                    sources.push((path, properties(event)));
                }
            }
        }
        for (id, mapping) in self.resources_of_type(&["AWS::Lambda::EventSourceMapping"]) {
            let props = properties(mapping);
            let names_function = props.get("FunctionName").is_some_and(|f| {
                f.as_str() == Some(function_id) || reference_target(f).as_deref() == Some(function_id)
            });
            if names_function {
                sources.push((format!("Resources.{id}.Properties"), props));
            }
        }
        match sources.len() {
            1 => Ok(sources.remove(0)),
            n => Err(shape(format!(
                "the function {function_id} must have exactly one SQS event source (an Events entry of Type SQS, or an AWS::Lambda::EventSourceMapping); it has {n}"
            ))),
        }
    }

    /// The function's log group: LoggingConfig.LogGroup, else the AWS::Logs::LogGroup named
    /// /aws/lambda/<function>, else Lambda's default group (no retention).
    fn log_group(
        &self,
        function: &Mapping,
        function_path: &str,
        function_name: &str,
    ) -> Result<(Option<String>, String, Option<u32>), TemplateError> {
        let default_name = format!("/aws/lambda/{function_name}");
        let configured = function.get("LoggingConfig").and_then(|c| c.get("LogGroup"));
        let mut candidates = self
            .resources_of_type(&["AWS::Logs::LogGroup"])
            .filter(|(id, group)| match configured {
                Some(value) => reference_target(value).as_deref() == Some(*id),
                None => properties(group)
                    .get("LogGroupName")
                    .and_then(|n| self.evaluate(n, &ParametersOnly, "").ok())
                    .is_some_and(|n| n == default_name),
            });
        match candidates.next() {
            Some((id, group)) => {
                let path = format!("Resources.{id}.Properties");
                let props = properties(group);
                let name = self.name(props, "LogGroupName", &path)?;
                let retention = self.number(props.get("RetentionInDays"), &format!("{path}.RetentionInDays"))?;
                Ok((Some(id.to_string()), name, retention))
            }
            None => match configured {
                Some(value) => Ok((
                    None,
                    self.evaluate(
                        value,
                        &ParametersOnly,
                        &format!("{function_path}.LoggingConfig.LogGroup"),
                    )?,
                    None,
                )),
                None => Ok((None, default_name, None)),
            },
        }
    }

    /// SQS attributes the local queue takes as they are; encryption is a no-op on loopback.
    fn queue_attributes(
        &self,
        props: &Mapping,
        path: &str,
        not_honoured: &mut Vec<String>,
    ) -> Result<BTreeMap<String, String>, TemplateError> {
        let mut attributes = BTreeMap::new();
        for (key, value) in props {
            let key = key.as_str().unwrap_or_default();
            match key {
                "VisibilityTimeout"
                | "MessageRetentionPeriod"
                | "DelaySeconds"
                | "MaximumMessageSize"
                | "ReceiveMessageWaitTimeSeconds" => {
                    attributes.insert(
                        key.to_string(),
                        self.evaluate(value, &ParametersOnly, &format!("{path}.{key}"))?,
                    );
                }
                "QueueName"
                | "RedrivePolicy"
                | "Tags"
                | "SqsManagedSseEnabled"
                | "KmsMasterKeyId"
                | "KmsDataKeyReusePeriodSeconds" => {}
                other => not_honoured.push(format!("{path}.{other}: not emulated by the local stack")),
            }
        }
        Ok(attributes)
    }

    fn name(&self, props: &Mapping, key: &str, path: &str) -> Result<String, TemplateError> {
        let value = props.get(key).ok_or_else(|| {
            property(
                path,
                format!("has no {key}: the local stack needs the name the deployed stack uses"),
            )
        })?;
        self.evaluate(value, &ParametersOnly, &format!("{path}.{key}"))
    }

    fn number(&self, value: Option<&Value>, path: &str) -> Result<Option<u32>, TemplateError> {
        let Some(value) = value else {
            return Ok(None);
        };
        let text = self.evaluate(value, &ParametersOnly, path)?;
        text.parse()
            .map(Some)
            .map_err(|_| property(path, format!("`{text}` is not a whole number")))
    }

    /// The value of a template expression, as a string.
    pub fn evaluate(&self, value: &Value, resolve: &dyn Resolve, path: &str) -> Result<String, TemplateError> {
        if let Some(text) = scalar(value) {
            return Ok(text);
        }
        let unresolvable = |what: String| property(path, what);
        let (function, argument) =
            intrinsic(value).ok_or_else(|| unresolvable("not a value or an intrinsic function".into()))?;
        match function {
            "Ref" => {
                let name = argument
                    .as_str()
                    .ok_or_else(|| unresolvable("Ref takes a name".into()))?;
                self.reference(name, resolve)
                    .ok_or_else(|| unresolvable(format!("Ref {name}: no such parameter, or no local value for it")))
            }
            "Fn::GetAtt" => {
                let (id, attribute) =
                    get_att(argument).ok_or_else(|| unresolvable("GetAtt takes Resource.Attribute".into()))?;
                resolve
                    .attribute(&id, &attribute)
                    .ok_or_else(|| unresolvable(format!("GetAtt {id}.{attribute}: no local value for it")))
            }
            "Fn::Sub" => {
                let (text, variables) = match argument {
                    Value::Sequence(items) if items.len() == 2 => (
                        items[0]
                            .as_str()
                            .ok_or_else(|| unresolvable("Sub's first item must be a string".into()))?,
                        items[1].as_mapping(),
                    ),
                    other => (
                        other
                            .as_str()
                            .ok_or_else(|| unresolvable("Sub takes a string".into()))?,
                        None,
                    ),
                };
                self.substitute(text, variables, resolve, path)
            }
            "Fn::Join" => {
                let items = argument
                    .as_sequence()
                    .filter(|i| i.len() == 2)
                    .ok_or_else(|| unresolvable("Join takes [delimiter, list]".into()))?;
                let delimiter = items[0].as_str().unwrap_or_default();
                let parts = items[1]
                    .as_sequence()
                    .ok_or_else(|| unresolvable("Join's second item must be a list".into()))?;
                let parts = parts
                    .iter()
                    .map(|p| self.evaluate(p, resolve, path))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(parts.join(delimiter))
            }
            other => Err(unresolvable(format!("{other} is not evaluated by custctl"))),
        }
    }

    fn reference(&self, name: &str, resolve: &dyn Resolve) -> Option<String> {
        match name {
            "AWS::Region" => Some(self.region.clone()),
            "AWS::StackName" => Some(self.stack_name.clone()),
            "AWS::AccountId" => Some("000000000000".into()),
            "AWS::Partition" => Some("aws".into()),
            "AWS::URLSuffix" => Some("amazonaws.com".into()),
            _ => self.parameters.get(name).cloned().or_else(|| resolve.reference(name)),
        }
    }

    /// `${Name}`, `${Resource.Attribute}` and `${!Literal}`, as Fn::Sub replaces them.
    fn substitute(
        &self,
        text: &str,
        variables: Option<&Mapping>,
        resolve: &dyn Resolve,
        path: &str,
    ) -> Result<String, TemplateError> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| property(path, "an unclosed ${ in Fn::Sub"))?;
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else if let Some(value) = variables.and_then(|v| v.get(name)) {
                out.push_str(&self.evaluate(value, resolve, path)?);
            } else if let Some((id, attribute)) = name.split_once('.') {
                out.push_str(
                    &resolve
                        .attribute(id, attribute)
                        .ok_or_else(|| property(path, format!("${{{name}}}: no local value for it")))?,
                );
            } else {
                out.push_str(&self.reference(name, resolve).ok_or_else(|| {
                    property(
                        path,
                        format!("${{{name}}}: no such parameter, or no local value for it"),
                    )
                })?);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

fn property(path: &str, reason: impl Into<String>) -> TemplateError {
    TemplateError::Property {
        path: path.to_string(),
        reason: reason.into(),
    }
}

/// A resource's Properties (empty when it has none).
fn properties(resource: &Value) -> &Mapping {
    static EMPTY: std::sync::OnceLock<Mapping> = std::sync::OnceLock::new();
    resource
        .get("Properties")
        .and_then(Value::as_mapping)
        .unwrap_or_else(|| EMPTY.get_or_init(Mapping::new))
}

/// A string, number or boolean as CloudFormation passes it on: its text.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `!Ref x` or `{Ref: x}`, `!Sub ..` or `{Fn::Sub: ..}`: the function's long name and argument.
fn intrinsic(value: &Value) -> Option<(&str, &Value)> {
    match value {
        Value::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!');
            let long = match name {
                "Ref" => "Ref",
                "Sub" => "Fn::Sub",
                "GetAtt" => "Fn::GetAtt",
                "Join" => "Fn::Join",
                "If" => "Fn::If",
                "Select" => "Fn::Select",
                "GetAZs" => "Fn::GetAZs",
                "FindInMap" => "Fn::FindInMap",
                "ImportValue" => "Fn::ImportValue",
                "Equals" => "Fn::Equals",
                "Not" => "Fn::Not",
                _ => return Some(("unknown tag", &tagged.value)),
            };
            Some((long, &tagged.value))
        }
        Value::Mapping(map) if map.len() == 1 => {
            let (key, argument) = map.iter().next()?;
            let key = key.as_str()?;
            (key == "Ref" || key.starts_with("Fn::")).then_some((key, argument))
        }
        _ => None,
    }
}

/// `!GetAtt X.Attr.Sub` or `[X, Attr.Sub]`.
fn get_att(argument: &Value) -> Option<(String, String)> {
    match argument {
        Value::String(s) => s.split_once('.').map(|(a, b)| (a.to_string(), b.to_string())),
        Value::Sequence(items) if items.len() == 2 => {
            Some((items[0].as_str()?.to_string(), items[1].as_str()?.to_string()))
        }
        _ => None,
    }
}

/// The logical id of `!GetAtt X.Arn`.
fn arn_target(value: &Value) -> Option<String> {
    match intrinsic(value)? {
        ("Fn::GetAtt", argument) => get_att(argument)
            .filter(|(_, attribute)| attribute == "Arn")
            .map(|(id, _)| id),
        _ => None,
    }
}

/// The logical id of `!Ref X`.
fn reference_target(value: &Value) -> Option<String> {
    match intrinsic(value)? {
        ("Ref", argument) => argument.as_str().map(str::to_string),
        _ => None,
    }
}

/// The names custctl uses when neither a flag, the environment nor custctl.toml names them:
/// the project template's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultNames {
    pub queue: String,
    pub function: String,
    pub db_instance: String,
}

/// [`DefaultNames`] of the built-in template, read once.
pub fn default_names() -> &'static DefaultNames {
    static NAMES: std::sync::OnceLock<DefaultNames> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        // Built in and checked by this module's tests: it always describes the pipeline.
        let pipeline = Template::project("us-east-1", "customers")
            .pipeline()
            .expect("the built-in template describes the pipeline");
        DefaultNames {
            queue: pipeline.queue_name,
            function: pipeline.function_name,
            db_instance: pipeline.db_instance,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_template_describes_the_pipeline() {
        let pipeline = Template::project("eu-west-1", "prod").pipeline().unwrap();
        assert_eq!(pipeline.queue_name, "customers");
        assert_eq!(pipeline.dead_letter_queue_name, "customers-dlq");
        assert_eq!(pipeline.function_name, "customer-ingest");
        assert_eq!(pipeline.db_instance, "customers-db");
        assert_eq!(pipeline.database_name, "customers");
        assert_eq!(pipeline.log_group_name, "/aws/lambda/customer-ingest");
        assert_eq!(pipeline.max_receive_count, 5);
        assert_eq!(pipeline.batch_size, 10);
        assert_eq!(pipeline.maximum_concurrency, 5);
        assert!(pipeline.report_batch_item_failures);
        assert_eq!(pipeline.queue_attributes["VisibilityTimeout"], "180");
        assert_eq!(
            pipeline.dead_letter_queue_attributes["MessageRetentionPeriod"],
            "1209600"
        );
        assert_eq!(pipeline.function_timeout, 30);
        assert_eq!(pipeline.log_retention_days, Some(365));
        let names: Vec<&str> = pipeline.environment.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            ["DB_SECRET_ID", "DB_HOST", "DB_PORT", "DB_NAME", "DB_TLS_CA_FILE"]
        );
        // The CA bundle's layer is the one thing the local stack cannot mount.
        assert_eq!(pipeline.not_honoured.len(), 1, "{:?}", pipeline.not_honoured);
        assert!(pipeline.not_honoured[0].contains("Layers"));
    }

    #[test]
    fn parameters_sub_and_long_forms_evaluate() {
        let mut template = Template::parse(
            "Parameters:\n  Name: {Type: String, Default: orders}\nResources: {}\nOutputs:\n  A: {Value: !Sub '${Name}-dlq in ${AWS::Region} ${!Literal}'}\n  B: {Value: {'Fn::Join': ['/', [{Ref: Name}, x]]}}\n",
            "eu-west-1",
            "s",
        )
        .unwrap();
        template.set_parameter("Name", "billing");
        let outputs = template.outputs(&ParametersOnly).unwrap();
        assert_eq!(
            outputs[0],
            ("A".to_string(), "billing-dlq in eu-west-1 ${Literal}".to_string())
        );
        assert_eq!(outputs[1], ("B".to_string(), "billing/x".to_string()));
    }

    #[test]
    fn what_cannot_be_evaluated_is_named() {
        let template = Template::parse(
            "Resources: {}\nOutputs:\n  Id: {Value: !GetAtt Db.Endpoint.Address}\n",
            "r",
            "s",
        )
        .unwrap();
        let err = template.outputs(&ParametersOnly).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Outputs.Id: GetAtt Db.Endpoint.Address: no local value for it"
        );
    }

    #[test]
    fn unsupported_settings_are_named() {
        let text = PROJECT_TEMPLATE.replace(
            "      Timeout: !Ref FunctionTimeout\n",
            "      Timeout: !Ref FunctionTimeout\n      ReservedConcurrentExecutions: 3\n",
        );
        let pipeline = Template::parse(&text, "r", "s").unwrap().pipeline().unwrap();
        assert!(pipeline.not_honoured.iter().any(|n| n
            == "Resources.IngestFunction.Properties.ReservedConcurrentExecutions: not emulated by the local stack"));
    }

    #[test]
    fn not_yaml_is_an_error_not_a_panic() {
        assert!(matches!(Template::parse("a: [", "r", "s"), Err(TemplateError::Yaml(_))));
        assert!(matches!(Template::parse("- 1", "r", "s"), Err(TemplateError::Shape(_))));
    }
}
