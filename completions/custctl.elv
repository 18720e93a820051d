
use builtin;
use str;

set edit:completion:arg-completer[custctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'custctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'custctl'= {
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand send 'Send Customer messages to the queue, each checked against the schema first'
            cand local 'Run the whole pipeline on this machine: no Docker, no AWS account'
            cand invoke 'Invoke the function once with an SQS event built as the event source mapping builds it'
            cand logs 'Show the function''s log group: history, live (--follow), one invocation, a summary'
            cand db 'Describe the RDS instances and Aurora clusters: all of them, or one with --db-instance'
            cand sql 'Query the private database through the bastion: one-shot (-e, --file) or a REPL'
            cand init 'Write a deployed stack''s names (its CloudFormation Outputs) into custctl.toml as [env.ENV]'
            cand status 'Is the pipeline healthy? The function, its mappings, queue, DLQ, metrics and database, then findings with fixes (exit 1 on an error finding)'
            cand dlq 'The dead-letter queue of --queue (from its redrive policy): look at its messages, replay, export, purge or redrive them'
            cand trace 'Send one message marked for tracing and follow it: sent, taken by an invocation, written, read back (exit 1 when it stalls, with the likely cause)'
            cand completions 'Print shell completions for custctl'
            cand man 'Print a man page (roff): custctl''s own, or a verb''s; --dir writes every page'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'custctl;send'= {
            cand --id 'CustID of one customer (with --name)'
            cand --name 'Name of that customer (with --id)'
            cand --body 'A message body, sent exactly as given (repeat for more)'
            cand -f 'A file of messages: NDJSON, a JSON array, or CSV with a header CustID,Name (`-` is stdin)'
            cand --file 'A file of messages: NDJSON, a JSON array, or CSV with a header CustID,Name (`-` is stdin)'
            cand --format 'The file''s format [default: from its extension (.ndjson/.jsonl, .json, .csv); ndjson for stdin]'
            cand --generate 'N synthetic customers with varied names from many languages'
            cand --start-id 'CustID of the first generated customer'
            cand --seed 'Seed of the generated names: the same seed gives the same customers'
            cand --skip 'Skip the first N messages of the source (to resume an interrupted send)'
            cand --concurrency 'Batches of up to 10 messages in flight at once (FIFO queues: 1, to keep order)'
            cand --group-id 'MessageGroupId of every message (required for FIFO queues)'
            cand --dedup-id 'MessageDeduplicationId (FIFO): `auto` hashes each message''s location and body, so a re-run within 5 minutes is dropped by SQS; any other value is a fixed id for a single message'
            cand --delay-seconds 'Seconds before the messages become visible (standard queues only; 0 to 900)'
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --dry-run 'Check every message and report what would be sent; send nothing (needs no AWS access)'
            cand --skip-invalid 'Send the valid messages and report the invalid ones (default: an invalid message stops the run before anything is sent)'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;local'= {
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand up 'Start the local stack (foreground until Ctrl-C, or --detach)'
            cand down 'Stop the local stack and every process it started'
            cand status 'Show whether the local stack runs, and what it serves'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'custctl;local;up'= {
            cand --port 'Port of the AWS-compatible endpoint on 127.0.0.1 [default: 4566]'
            cand --function-binary 'The function binary [default: customer-ingest beside custctl]'
            cand --template 'The deploy template the stack is the twin of [default: examples/aws/template.yaml, built in]'
            cand --stack-name 'The CloudFormation stack name the local endpoint answers DescribeStacks for'
            cand --batch-size 'Records per batch of the event source mapping (above 10 needs --batch-window) [default: the template''s]'
            cand --batch-window 'MaximumBatchingWindowInSeconds of the event source mapping [default: the template''s]'
            cand --concurrency 'ScalingConfig.MaximumConcurrency: batches (and function instances) at once [default: the template''s]'
            cand --function-timeout 'The function''s timeout [default: the template''s]'
            cand --visibility-timeout 'The queue''s visibility timeout (at least the function timeout, as AWS requires) [default: the template''s]'
            cand --max-receive-count 'Receives before a message moves to the dead-letter queue [default: the template''s]'
            cand --live-tail-session-limit 'How long a StartLiveTail session lasts before it ends with SessionTimeoutException (AWS: 3 hours; shorter to try a client''s reconnects)'
            cand --client-timeout 'How long the endpoint waits for a client''s request headers (on a new or idle connection) and between the pieces of a request body before it closes the connection'
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand -d 'Return once the stack is ready, leaving it running in the background'
            cand --detach 'Return once the stack is ready, leaving it running in the background'
            cand --fresh 'Start from empty: delete the queues, logs and database of earlier runs'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;local;down'= {
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;local;status'= {
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;local;help'= {
            cand up 'Start the local stack (foreground until Ctrl-C, or --detach)'
            cand down 'Stop the local stack and every process it started'
            cand status 'Show whether the local stack runs, and what it serves'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'custctl;local;help;up'= {
        }
        &'custctl;local;help;down'= {
        }
        &'custctl;local;help;status'= {
        }
        &'custctl;local;help;help'= {
        }
        &'custctl;invoke'= {
            cand --id 'CustID of one customer (with --name)'
            cand --name 'Name of that customer (with --id)'
            cand --body 'A message body, sent exactly as given (repeat for more)'
            cand -f 'A file of messages: NDJSON, a JSON array, or CSV with a header CustID,Name (`-` is stdin)'
            cand --file 'A file of messages: NDJSON, a JSON array, or CSV with a header CustID,Name (`-` is stdin)'
            cand --format 'The file''s format [default: from its extension (.ndjson/.jsonl, .json, .csv); ndjson for stdin]'
            cand --generate 'N synthetic customers with varied names from many languages'
            cand --start-id 'CustID of the first generated customer'
            cand --seed 'Seed of the generated names: the same seed gives the same customers'
            cand --event 'Send this event file as it is instead of building one (`-` reads stdin)'
            cand --qualifier 'Invoke this version or alias of the function'
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --event-only 'Print the event on stdout and invoke nothing'
            cand --async 'Invoke asynchronously (InvocationType Event): Lambda queues the event and answers 202'
            cand --no-logs 'Do not ask for or show the function''s log tail'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;logs'= {
            cand --log-group 'A log group to read instead of /aws/lambda/<function> (repeat to merge several in time order)'
            cand --since 'Start of the window: a duration back from now (10m, 2h, 1d) or a time (2026-11-23T04:00:00Z)'
            cand --until 'End of the window (same forms as --since) [default: now]'
            cand --filter 'A CloudWatch filter pattern, applied by the service: terms, "quoted phrases", ?alternatives, { $.level = "ERROR" }'
            cand --stream-prefix 'Only streams whose name starts with this (Lambda''s look like 2026/11/23/[$LATEST]...)'
            cand --until-idle 'With --follow: stop after this long without a new event (30s, 5m)'
            cand --format 'How each event is printed [default: short; json with --output json]'
            cand --request-id 'Only this invocation''s lines, START to REPORT'
            cand --group-by 'Print each invocation''s lines together once its REPORT has arrived'
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand -f 'Keep printing new events as they are stored (StartLiveTail; polling where it is unavailable)'
            cand --follow 'Keep printing new events as they are stored (StartLiveTail; polling where it is unavailable)'
            cand --poll 'With --follow: poll FilterLogEvents every second instead of using live tail'
            cand --summary 'Invocations, errors, timeouts, cold starts and duration p50/p95/max over the window'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;db'= {
            cand --wait-timeout 'Give up waiting after this many seconds'
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --wait 'Wait (with a spinner) until the instance or cluster is available (needs --db-instance)'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;sql'= {
            cand -e 'Run these statements (separated by `;`) and exit, instead of starting the REPL'
            cand --execute 'Run these statements (separated by `;`) and exit, instead of starting the REPL'
            cand -f 'Run the statements of this file (`-` is stdin) and exit'
            cand --file 'Run the statements of this file (`-` is stdin) and exit'
            cand --format 'How results are printed [default: table; json with --output json]'
            cand --bastion 'Reach the database through this SSH bastion [default: the config file''s, or the local stack''s]'
            cand -i 'The private key to log in to the bastion with (default: ssh''s own choice: agent, ~/.ssh)'
            cand --identity 'The private key to log in to the bastion with (default: ssh''s own choice: agent, ~/.ssh)'
            cand --db-user 'Log in as this user (password from MYSQL_PWD or a prompt) instead of the master user secret'
            cand --database 'The database (schema) to use [default: the instance''s database name]'
            cand --ssl-mode 'TLS to the database: disabled, required (encrypted, nothing verified), verify-ca (the certificate chains to --ssl-ca), verify-identity (that, and it names the endpoint) [default: verify-identity for *.rds.amazonaws.com or with a CA bundle given, disabled for loopback, required for any other host]'
            cand --ssl-ca 'The only CA bundle (PEM) trusted to sign the server''s certificate [default: ~/.config/custctl/global-bundle.pem; RDS publishes it at https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem]'
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --no-bastion 'Connect to the database''s endpoint directly, without a bastion'
            cand --write 'Allow writes (the session is read-only by default)'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;init'= {
            cand --stack 'The CloudFormation stack deployed from examples/aws/template.yaml (the environment is named after it unless --env says otherwise)'
            cand --from-outputs 'Read the Outputs from this file, the JSON of `aws cloudformation describe-stacks` (`-` is stdin), instead of calling DescribeStacks'
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --dry-run 'Print the [env.ENV] section that would be written; change nothing'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;status'= {
            cand --watch 'Check again every SECONDS (default 5) until Ctrl-C, redrawing in place on a terminal'
            cand --since 'The window of the function''s metrics: a duration back from now (15m, 1h, 1d)'
            cand --max-message-age 'A message waiting longer than this (ApproximateAgeOfOldestMessage) is an error finding'
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;dlq'= {
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand peek 'Show the messages in the DLQ without consuming them, each with the reason the function logged for it'
            cand replay 'Invoke the function with the DLQ''s messages as the event source mapping would, and show each one''s verdict (exit 1 if any failed)'
            cand export 'Write every message of the DLQ to a file as NDJSON, consuming none'
            cand purge 'Delete every message of the DLQ (PurgeQueue), once the queue''s name is typed to confirm'
            cand redrive 'Move every message of the DLQ back to --queue (or to --to) with an SQS message move task, showing its progress'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'custctl;dlq;peek'= {
            cand -n 'Show at most N messages'
            cand --count 'Show at most N messages'
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;dlq;replay'= {
            cand -n 'Replay at most N messages (in events of up to 10)'
            cand --count 'Replay at most N messages (in events of up to 10)'
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --delete-succeeded 'Delete from the DLQ the messages the function took (default: delete nothing)'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;dlq;export'= {
            cand -f 'The NDJSON file to write (`-` is stdout)'
            cand --file 'The NDJSON file to write (`-` is stdout)'
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --force 'Overwrite the file if it exists'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;dlq;purge'= {
            cand --yes-i-mean-it 'Purge without asking: the DLQ''s name, typed here, confirms it (for scripts)'
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;dlq;redrive'= {
            cand --to 'Move the messages to this queue (name or URL) instead of --queue'
            cand --max-per-second 'Move at most N messages a second (1 to 500) [default: SQS picks the rate]'
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;dlq;help'= {
            cand peek 'Show the messages in the DLQ without consuming them, each with the reason the function logged for it'
            cand replay 'Invoke the function with the DLQ''s messages as the event source mapping would, and show each one''s verdict (exit 1 if any failed)'
            cand export 'Write every message of the DLQ to a file as NDJSON, consuming none'
            cand purge 'Delete every message of the DLQ (PurgeQueue), once the queue''s name is typed to confirm'
            cand redrive 'Move every message of the DLQ back to --queue (or to --to) with an SQS message move task, showing its progress'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'custctl;dlq;help;peek'= {
        }
        &'custctl;dlq;help;replay'= {
        }
        &'custctl;dlq;help;export'= {
        }
        &'custctl;dlq;help;purge'= {
        }
        &'custctl;dlq;help;redrive'= {
        }
        &'custctl;dlq;help;help'= {
        }
        &'custctl;trace'= {
            cand --id 'CustID of the customer to send (with --name)'
            cand --name 'Name of that customer (with --id)'
            cand --body 'A message body (JSON), sent exactly as given, even one the schema refuses: a poison message is followed to the DLQ'
            cand --timeout 'Stop following after this long (30s, 2m) and say where the message stalled'
            cand --bastion 'Reach the database through this SSH bastion [default: the config file''s, or the local stack''s]'
            cand -i 'The private key to log in to the bastion with (default: ssh''s own choice: agent, ~/.ssh)'
            cand --identity 'The private key to log in to the bastion with (default: ssh''s own choice: agent, ~/.ssh)'
            cand --db-user 'Log in as this user (password from MYSQL_PWD or a prompt) instead of the master user secret'
            cand --database 'The database (schema) to use [default: the instance''s database name]'
            cand --ssl-mode 'TLS to the database: disabled, required (encrypted, nothing verified), verify-ca (the certificate chains to --ssl-ca), verify-identity (that, and it names the endpoint) [default: verify-identity for *.rds.amazonaws.com or with a CA bundle given, disabled for loopback, required for any other host]'
            cand --ssl-ca 'The only CA bundle (PEM) trusted to sign the server''s certificate [default: ~/.config/custctl/global-bundle.pem; RDS publishes it at https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem]'
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --no-bastion 'Connect to the database''s endpoint directly, without a bastion'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;completions'= {
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;man'= {
            cand --dir 'Write every page (custctl.1, custctl-send.1, custctl-local-up.1, ...) into DIR, created if missing, e.g. ~/.local/share/man/man1'
            cand --output 'Output format of results: a table for people, JSON for programs'
            cand --state-dir 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]'
            cand --env 'Named environment from the config file (`[env.NAME]` in custctl.toml)'
            cand --profile 'AWS profile [default: the config file''s, then "default"]'
            cand --region 'AWS region [default: AWS_DEFAULT_REGION, the config file''s, then the AWS profile''s]'
            cand --endpoint-url 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config''s AWS_ENDPOINT_URL_<SERVICE>), the config file''s, else AWS]'
            cand --function 'The Lambda function [default: customer-ingest]'
            cand --queue 'The SQS queue, by name or URL [default: customers]'
            cand --db-instance 'The RDS instance or cluster [default: customers-db]'
            cand --local 'Talk to the local stack (`custctl local up`) instead of AWS'
            cand -q 'Print no progress and no notes on stderr (errors are still printed)'
            cand --quiet 'Print no progress and no notes on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'custctl;help'= {
            cand send 'Send Customer messages to the queue, each checked against the schema first'
            cand local 'Run the whole pipeline on this machine: no Docker, no AWS account'
            cand invoke 'Invoke the function once with an SQS event built as the event source mapping builds it'
            cand logs 'Show the function''s log group: history, live (--follow), one invocation, a summary'
            cand db 'Describe the RDS instances and Aurora clusters: all of them, or one with --db-instance'
            cand sql 'Query the private database through the bastion: one-shot (-e, --file) or a REPL'
            cand init 'Write a deployed stack''s names (its CloudFormation Outputs) into custctl.toml as [env.ENV]'
            cand status 'Is the pipeline healthy? The function, its mappings, queue, DLQ, metrics and database, then findings with fixes (exit 1 on an error finding)'
            cand dlq 'The dead-letter queue of --queue (from its redrive policy): look at its messages, replay, export, purge or redrive them'
            cand trace 'Send one message marked for tracing and follow it: sent, taken by an invocation, written, read back (exit 1 when it stalls, with the likely cause)'
            cand completions 'Print shell completions for custctl'
            cand man 'Print a man page (roff): custctl''s own, or a verb''s; --dir writes every page'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'custctl;help;send'= {
        }
        &'custctl;help;local'= {
            cand up 'Start the local stack (foreground until Ctrl-C, or --detach)'
            cand down 'Stop the local stack and every process it started'
            cand status 'Show whether the local stack runs, and what it serves'
        }
        &'custctl;help;local;up'= {
        }
        &'custctl;help;local;down'= {
        }
        &'custctl;help;local;status'= {
        }
        &'custctl;help;invoke'= {
        }
        &'custctl;help;logs'= {
        }
        &'custctl;help;db'= {
        }
        &'custctl;help;sql'= {
        }
        &'custctl;help;init'= {
        }
        &'custctl;help;status'= {
        }
        &'custctl;help;dlq'= {
            cand peek 'Show the messages in the DLQ without consuming them, each with the reason the function logged for it'
            cand replay 'Invoke the function with the DLQ''s messages as the event source mapping would, and show each one''s verdict (exit 1 if any failed)'
            cand export 'Write every message of the DLQ to a file as NDJSON, consuming none'
            cand purge 'Delete every message of the DLQ (PurgeQueue), once the queue''s name is typed to confirm'
            cand redrive 'Move every message of the DLQ back to --queue (or to --to) with an SQS message move task, showing its progress'
        }
        &'custctl;help;dlq;peek'= {
        }
        &'custctl;help;dlq;replay'= {
        }
        &'custctl;help;dlq;export'= {
        }
        &'custctl;help;dlq;purge'= {
        }
        &'custctl;help;dlq;redrive'= {
        }
        &'custctl;help;trace'= {
        }
        &'custctl;help;completions'= {
        }
        &'custctl;help;man'= {
        }
        &'custctl;help;help'= {
        }
    ]
    $completions[$command]
}
