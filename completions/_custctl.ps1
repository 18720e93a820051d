
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'custctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'custctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'custctl' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send Customer messages to the queue, each checked against the schema first')
            [CompletionResult]::new('local', 'local', [CompletionResultType]::ParameterValue, 'Run the whole pipeline on this machine: no Docker, no AWS account')
            [CompletionResult]::new('invoke', 'invoke', [CompletionResultType]::ParameterValue, 'Invoke the function once with an SQS event built as the event source mapping builds it')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Show the function''s log group: history, live (--follow), one invocation, a summary')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Describe the RDS instances and Aurora clusters: all of them, or one with --db-instance')
            [CompletionResult]::new('sql', 'sql', [CompletionResultType]::ParameterValue, 'Query the private database through the bastion: one-shot (-e, --file) or a REPL')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a deployed stack''s names (its CloudFormation Outputs) into custctl.toml as [env.ENV]')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Is the pipeline healthy? The function, its mappings, queue, DLQ, metrics and database, then findings with fixes (exit 1 on an error finding)')
            [CompletionResult]::new('dlq', 'dlq', [CompletionResultType]::ParameterValue, 'The dead-letter queue of --queue (from its redrive policy): look at its messages, replay, export, purge or redrive them')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'Send one message marked for tracing and follow it: sent, taken by an invocation, written, read back (exit 1 when it stalls, with the likely cause)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for custctl')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (roff): custctl''s own, or a verb''s; --dir writes every page')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'custctl;send' {
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'CustID of one customer (with --name)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name of that customer (with --id)')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'A message body, sent exactly as given (repeat for more)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A file of messages: NDJSON, a JSON array, or CSV with a header CustID,Name (`-` is stdin)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'A file of messages: NDJSON, a JSON array, or CSV with a header CustID,Name (`-` is stdin)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The file''s format [default: from its extension (.ndjson/.jsonl, .json, .csv); ndjson for stdin]')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'N synthetic customers with varied names from many languages')
            [CompletionResult]::new('--start-id', '--start-id', [CompletionResultType]::ParameterName, 'CustID of the first generated customer')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the generated names: the same seed gives the same customers')
            [CompletionResult]::new('--skip', '--skip', [CompletionResultType]::ParameterName, 'Skip the first N messages of the source (to resume an interrupted send)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Batches of up to 10 messages in flight at once (FIFO queues: 1, to keep order)')
            [CompletionResult]::new('--group-id', '--group-id', [CompletionResultType]::ParameterName, 'MessageGroupId of every message (required for FIFO queues)')
            [CompletionResult]::new('--dedup-id', '--dedup-id', [CompletionResultType]::ParameterName, 'MessageDeduplicationId (FIFO): `auto` hashes each message''s location and body, so a re-run within 5 minutes is dropped by SQS; any other value is a fixed id for a single message')
            [CompletionResult]::new('--delay-seconds', '--delay-seconds', [CompletionResultType]::ParameterName, 'Seconds before the messages become visible (standard queues only; 0 to 900)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check every message and report what would be sent; send nothing (needs no AWS access)')
            [CompletionResult]::new('--skip-invalid', '--skip-invalid', [CompletionResultType]::ParameterName, 'Send the valid messages and report the invalid ones (default: an invalid message stops the run before anything is sent)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;local' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start the local stack (foreground until Ctrl-C, or --detach)')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop the local stack and every process it started')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show whether the local stack runs, and what it serves')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'custctl;local;up' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port of the AWS-compatible endpoint on 127.0.0.1 [default: 4566]')
            [CompletionResult]::new('--function-binary', '--function-binary', [CompletionResultType]::ParameterName, 'The function binary [default: customer-ingest beside custctl]')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'The deploy template the stack is the twin of [default: examples/aws/template.yaml, built in]')
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'The CloudFormation stack name the local endpoint answers DescribeStacks for')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Records per batch of the event source mapping (above 10 needs --batch-window) [default: the template''s]')
            [CompletionResult]::new('--batch-window', '--batch-window', [CompletionResultType]::ParameterName, 'MaximumBatchingWindowInSeconds of the event source mapping [default: the template''s]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'ScalingConfig.MaximumConcurrency: batches (and function instances) at once [default: the template''s]')
            [CompletionResult]::new('--function-timeout', '--function-timeout', [CompletionResultType]::ParameterName, 'The function''s timeout [default: the template''s]')
            [CompletionResult]::new('--visibility-timeout', '--visibility-timeout', [CompletionResultType]::ParameterName, 'The queue''s visibility timeout (at least the function timeout, as AWS requires) [default: the template''s]')
            [CompletionResult]::new('--max-receive-count', '--max-receive-count', [CompletionResultType]::ParameterName, 'Receives before a message moves to the dead-letter queue [default: the template''s]')
            [CompletionResult]::new('--live-tail-session-limit', '--live-tail-session-limit', [CompletionResultType]::ParameterName, 'How long a StartLiveTail session lasts before it ends with SessionTimeoutException (AWS: 3 hours; shorter to try a client''s reconnects)')
            [CompletionResult]::new('--client-timeout', '--client-timeout', [CompletionResultType]::ParameterName, 'How long the endpoint waits for a client''s request headers (on a new or idle connection) and between the pieces of a request body before it closes the connection')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Return once the stack is ready, leaving it running in the background')
            [CompletionResult]::new('--detach', '--detach', [CompletionResultType]::ParameterName, 'Return once the stack is ready, leaving it running in the background')
            [CompletionResult]::new('--fresh', '--fresh', [CompletionResultType]::ParameterName, 'Start from empty: delete the queues, logs and database of earlier runs')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;local;down' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;local;status' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;local;help' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start the local stack (foreground until Ctrl-C, or --detach)')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop the local stack and every process it started')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show whether the local stack runs, and what it serves')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'custctl;local;help;up' {
            break
        }
        'custctl;local;help;down' {
            break
        }
        'custctl;local;help;status' {
            break
        }
        'custctl;local;help;help' {
            break
        }
        'custctl;invoke' {
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'CustID of one customer (with --name)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name of that customer (with --id)')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'A message body, sent exactly as given (repeat for more)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A file of messages: NDJSON, a JSON array, or CSV with a header CustID,Name (`-` is stdin)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'A file of messages: NDJSON, a JSON array, or CSV with a header CustID,Name (`-` is stdin)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The file''s format [default: from its extension (.ndjson/.jsonl, .json, .csv); ndjson for stdin]')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'N synthetic customers with varied names from many languages')
            [CompletionResult]::new('--start-id', '--start-id', [CompletionResultType]::ParameterName, 'CustID of the first generated customer')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the generated names: the same seed gives the same customers')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Send this event file as it is instead of building one (`-` reads stdin)')
            [CompletionResult]::new('--qualifier', '--qualifier', [CompletionResultType]::ParameterName, 'Invoke this version or alias of the function')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--event-only', '--event-only', [CompletionResultType]::ParameterName, 'Print the event on stdout and invoke nothing')
            [CompletionResult]::new('--async', '--async', [CompletionResultType]::ParameterName, 'Invoke asynchronously (InvocationType Event): Lambda queues the event and answers 202')
            [CompletionResult]::new('--no-logs', '--no-logs', [CompletionResultType]::ParameterName, 'Do not ask for or show the function''s log tail')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;logs' {
            [CompletionResult]::new('--log-group', '--log-group', [CompletionResultType]::ParameterName, 'A log group to read instead of /aws/lambda/<function> (repeat to merge several in time order)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start of the window: a duration back from now (10m, 2h, 1d) or a time (2026-11-23T04:00:00Z)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'End of the window (same forms as --since) [default: now]')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'A CloudWatch filter pattern, applied by the service: terms, "quoted phrases", ?alternatives, { $.level = "ERROR" }')
            [CompletionResult]::new('--stream-prefix', '--stream-prefix', [CompletionResultType]::ParameterName, 'Only streams whose name starts with this (Lambda''s look like 2026/11/23/[$LATEST]...)')
            [CompletionResult]::new('--until-idle', '--until-idle', [CompletionResultType]::ParameterName, 'With --follow: stop after this long without a new event (30s, 5m)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How each event is printed [default: short; json with --output json]')
            [CompletionResult]::new('--request-id', '--request-id', [CompletionResultType]::ParameterName, 'Only this invocation''s lines, START to REPORT')
            [CompletionResult]::new('--group-by', '--group-by', [CompletionResultType]::ParameterName, 'Print each invocation''s lines together once its REPORT has arrived')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new events as they are stored (StartLiveTail; polling where it is unavailable)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new events as they are stored (StartLiveTail; polling where it is unavailable)')
            [CompletionResult]::new('--poll', '--poll', [CompletionResultType]::ParameterName, 'With --follow: poll FilterLogEvents every second instead of using live tail')
            [CompletionResult]::new('--summary', '--summary', [CompletionResultType]::ParameterName, 'Invocations, errors, timeouts, cold starts and duration p50/p95/max over the window')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;db' {
            [CompletionResult]::new('--wait-timeout', '--wait-timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait (with a spinner) until the instance or cluster is available (needs --db-instance)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;sql' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Run these statements (separated by `;`) and exit, instead of starting the REPL')
            [CompletionResult]::new('--execute', '--execute', [CompletionResultType]::ParameterName, 'Run these statements (separated by `;`) and exit, instead of starting the REPL')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Run the statements of this file (`-` is stdin) and exit')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Run the statements of this file (`-` is stdin) and exit')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results are printed [default: table; json with --output json]')
            [CompletionResult]::new('--bastion', '--bastion', [CompletionResultType]::ParameterName, 'Reach the database through this SSH bastion [default: the config file''s, or the local stack''s]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'The private key to log in to the bastion with (default: ssh''s own choice: agent, ~/.ssh)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The private key to log in to the bastion with (default: ssh''s own choice: agent, ~/.ssh)')
            [CompletionResult]::new('--db-user', '--db-user', [CompletionResultType]::ParameterName, 'Log in as this user (password from MYSQL_PWD or a prompt) instead of the master user secret')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'The database (schema) to use [default: the instance''s database name]')
            [CompletionResult]::new('--ssl-mode', '--ssl-mode', [CompletionResultType]::ParameterName, 'TLS to the database: disabled, required (encrypted, nothing verified), verify-ca (the certificate chains to --ssl-ca), verify-identity (that, and it names the endpoint) [default: verify-identity for *.rds.amazonaws.com or with a CA bundle given, disabled for loopback, required for any other host]')
            [CompletionResult]::new('--ssl-ca', '--ssl-ca', [CompletionResultType]::ParameterName, 'The only CA bundle (PEM) trusted to sign the server''s certificate [default: ~/.config/custctl/global-bundle.pem; RDS publishes it at https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--no-bastion', '--no-bastion', [CompletionResultType]::ParameterName, 'Connect to the database''s endpoint directly, without a bastion')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Allow writes (the session is read-only by default)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;init' {
            [CompletionResult]::new('--stack', '--stack', [CompletionResultType]::ParameterName, 'The CloudFormation stack deployed from examples/aws/template.yaml (the environment is named after it unless --env says otherwise)')
            [CompletionResult]::new('--from-outputs', '--from-outputs', [CompletionResultType]::ParameterName, 'Read the Outputs from this file, the JSON of `aws cloudformation describe-stacks` (`-` is stdin), instead of calling DescribeStacks')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the [env.ENV] section that would be written; change nothing')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;status' {
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Check again every SECONDS (default 5) until Ctrl-C, redrawing in place on a terminal')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'The window of the function''s metrics: a duration back from now (15m, 1h, 1d)')
            [CompletionResult]::new('--max-message-age', '--max-message-age', [CompletionResultType]::ParameterName, 'A message waiting longer than this (ApproximateAgeOfOldestMessage) is an error finding')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;dlq' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('peek', 'peek', [CompletionResultType]::ParameterValue, 'Show the messages in the DLQ without consuming them, each with the reason the function logged for it')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Invoke the function with the DLQ''s messages as the event source mapping would, and show each one''s verdict (exit 1 if any failed)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every message of the DLQ to a file as NDJSON, consuming none')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete every message of the DLQ (PurgeQueue), once the queue''s name is typed to confirm')
            [CompletionResult]::new('redrive', 'redrive', [CompletionResultType]::ParameterValue, 'Move every message of the DLQ back to --queue (or to --to) with an SQS message move task, showing its progress')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'custctl;dlq;peek' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show at most N messages')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Show at most N messages')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;dlq;replay' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Replay at most N messages (in events of up to 10)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Replay at most N messages (in events of up to 10)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--delete-succeeded', '--delete-succeeded', [CompletionResultType]::ParameterName, 'Delete from the DLQ the messages the function took (default: delete nothing)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;dlq;export' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The NDJSON file to write (`-` is stdout)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The NDJSON file to write (`-` is stdout)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite the file if it exists')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;dlq;purge' {
            [CompletionResult]::new('--yes-i-mean-it', '--yes-i-mean-it', [CompletionResultType]::ParameterName, 'Purge without asking: the DLQ''s name, typed here, confirms it (for scripts)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;dlq;redrive' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Move the messages to this queue (name or URL) instead of --queue')
            [CompletionResult]::new('--max-per-second', '--max-per-second', [CompletionResultType]::ParameterName, 'Move at most N messages a second (1 to 500) [default: SQS picks the rate]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;dlq;help' {
            [CompletionResult]::new('peek', 'peek', [CompletionResultType]::ParameterValue, 'Show the messages in the DLQ without consuming them, each with the reason the function logged for it')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Invoke the function with the DLQ''s messages as the event source mapping would, and show each one''s verdict (exit 1 if any failed)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every message of the DLQ to a file as NDJSON, consuming none')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete every message of the DLQ (PurgeQueue), once the queue''s name is typed to confirm')
            [CompletionResult]::new('redrive', 'redrive', [CompletionResultType]::ParameterValue, 'Move every message of the DLQ back to --queue (or to --to) with an SQS message move task, showing its progress')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'custctl;dlq;help;peek' {
            break
        }
        'custctl;dlq;help;replay' {
            break
        }
        'custctl;dlq;help;export' {
            break
        }
        'custctl;dlq;help;purge' {
            break
        }
        'custctl;dlq;help;redrive' {
            break
        }
        'custctl;dlq;help;help' {
            break
        }
        'custctl;trace' {
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'CustID of the customer to send (with --name)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name of that customer (with --id)')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'A message body (JSON), sent exactly as given, even one the schema refuses: a poison message is followed to the DLQ')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop following after this long (30s, 2m) and say where the message stalled')
            [CompletionResult]::new('--bastion', '--bastion', [CompletionResultType]::ParameterName, 'Reach the database through this SSH bastion [default: the config file''s, or the local stack''s]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'The private key to log in to the bastion with (default: ssh''s own choice: agent, ~/.ssh)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The private key to log in to the bastion with (default: ssh''s own choice: agent, ~/.ssh)')
            [CompletionResult]::new('--db-user', '--db-user', [CompletionResultType]::ParameterName, 'Log in as this user (password from MYSQL_PWD or a prompt) instead of the master user secret')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'The database (schema) to use [default: the instance''s database name]')
            [CompletionResult]::new('--ssl-mode', '--ssl-mode', [CompletionResultType]::ParameterName, 'TLS to the database: disabled, required (encrypted, nothing verified), verify-ca (the certificate chains to --ssl-ca), verify-identity (that, and it names the endpoint) [default: verify-identity for *.rds.amazonaws.com or with a CA bundle given, disabled for loopback, required for any other host]')
            [CompletionResult]::new('--ssl-ca', '--ssl-ca', [CompletionResultType]::ParameterName, 'The only CA bundle (PEM) trusted to sign the server''s certificate [default: ~/.config/custctl/global-bundle.pem; RDS publishes it at https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--no-bastion', '--no-bastion', [CompletionResultType]::ParameterName, 'Connect to the database''s endpoint directly, without a bastion')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;completions' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write every page (custctl.1, custctl-send.1, custctl-local-up.1, ...) into DIR, created if missing, e.g. ~/.local/share/man/man1')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of results: a table for people, JSON for programs')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Named environment from the config file (`[env.NAME]` in custctl.toml)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile [default: the config file''s, then "default"]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function [default: customer-ingest]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue, by name or URL [default: customers]')
            [CompletionResult]::new('--db-instance', '--db-instance', [CompletionResultType]::ParameterName, 'The RDS instance or cluster [default: customers-db]')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the local stack (`custctl local up`) instead of AWS')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress and no notes on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'custctl;help' {
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send Customer messages to the queue, each checked against the schema first')
            [CompletionResult]::new('local', 'local', [CompletionResultType]::ParameterValue, 'Run the whole pipeline on this machine: no Docker, no AWS account')
            [CompletionResult]::new('invoke', 'invoke', [CompletionResultType]::ParameterValue, 'Invoke the function once with an SQS event built as the event source mapping builds it')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Show the function''s log group: history, live (--follow), one invocation, a summary')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Describe the RDS instances and Aurora clusters: all of them, or one with --db-instance')
            [CompletionResult]::new('sql', 'sql', [CompletionResultType]::ParameterValue, 'Query the private database through the bastion: one-shot (-e, --file) or a REPL')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a deployed stack''s names (its CloudFormation Outputs) into custctl.toml as [env.ENV]')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Is the pipeline healthy? The function, its mappings, queue, DLQ, metrics and database, then findings with fixes (exit 1 on an error finding)')
            [CompletionResult]::new('dlq', 'dlq', [CompletionResultType]::ParameterValue, 'The dead-letter queue of --queue (from its redrive policy): look at its messages, replay, export, purge or redrive them')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'Send one message marked for tracing and follow it: sent, taken by an invocation, written, read back (exit 1 when it stalls, with the likely cause)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for custctl')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (roff): custctl''s own, or a verb''s; --dir writes every page')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'custctl;help;send' {
            break
        }
        'custctl;help;local' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start the local stack (foreground until Ctrl-C, or --detach)')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop the local stack and every process it started')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show whether the local stack runs, and what it serves')
            break
        }
        'custctl;help;local;up' {
            break
        }
        'custctl;help;local;down' {
            break
        }
        'custctl;help;local;status' {
            break
        }
        'custctl;help;invoke' {
            break
        }
        'custctl;help;logs' {
            break
        }
        'custctl;help;db' {
            break
        }
        'custctl;help;sql' {
            break
        }
        'custctl;help;init' {
            break
        }
        'custctl;help;status' {
            break
        }
        'custctl;help;dlq' {
            [CompletionResult]::new('peek', 'peek', [CompletionResultType]::ParameterValue, 'Show the messages in the DLQ without consuming them, each with the reason the function logged for it')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Invoke the function with the DLQ''s messages as the event source mapping would, and show each one''s verdict (exit 1 if any failed)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every message of the DLQ to a file as NDJSON, consuming none')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete every message of the DLQ (PurgeQueue), once the queue''s name is typed to confirm')
            [CompletionResult]::new('redrive', 'redrive', [CompletionResultType]::ParameterValue, 'Move every message of the DLQ back to --queue (or to --to) with an SQS message move task, showing its progress')
            break
        }
        'custctl;help;dlq;peek' {
            break
        }
        'custctl;help;dlq;replay' {
            break
        }
        'custctl;help;dlq;export' {
            break
        }
        'custctl;help;dlq;purge' {
            break
        }
        'custctl;help;dlq;redrive' {
            break
        }
        'custctl;help;trace' {
            break
        }
        'custctl;help;completions' {
            break
        }
        'custctl;help;man' {
            break
        }
        'custctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
