# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_custctl_global_optspecs
    string join \n local output= q/quiet state-dir= env= profile= region= endpoint-url= function= queue= db-instance= h/help V/version
end

function __fish_custctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_custctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_custctl_using_subcommand
    set -l cmd (__fish_custctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c custctl -n "__fish_custctl_needs_command" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_needs_command" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_needs_command" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_needs_command" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_needs_command" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_needs_command" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_needs_command" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_needs_command" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_needs_command" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_needs_command" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_needs_command" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_needs_command" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_needs_command" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_needs_command" -f -a "send" -d 'Send Customer messages to the queue, each checked against the schema first'
complete -c custctl -n "__fish_custctl_needs_command" -f -a "local" -d 'Run the whole pipeline on this machine: no Docker, no AWS account'
complete -c custctl -n "__fish_custctl_needs_command" -f -a "invoke" -d 'Invoke the function once with an SQS event built as the event source mapping builds it'
complete -c custctl -n "__fish_custctl_needs_command" -f -a "logs" -d 'Show the function\'s log group: history, live (--follow), one invocation, a summary'
complete -c custctl -n "__fish_custctl_needs_command" -f -a "db" -d 'Describe the RDS instances and Aurora clusters: all of them, or one with --db-instance'
complete -c custctl -n "__fish_custctl_needs_command" -f -a "sql" -d 'Query the private database through the bastion: one-shot (-e, --file) or a REPL'
complete -c custctl -n "__fish_custctl_needs_command" -f -a "init" -d 'Write a deployed stack\'s names (its CloudFormation Outputs) into custctl.toml as [env.ENV]'
complete -c custctl -n "__fish_custctl_needs_command" -f -a "status" -d 'Is the pipeline healthy? The function, its mappings, queue, DLQ, metrics and database, then findings with fixes (exit 1 on an error finding)'
complete -c custctl -n "__fish_custctl_needs_command" -f -a "dlq" -d 'The dead-letter queue of --queue (from its redrive policy): look at its messages, replay, export, purge or redrive them'
complete -c custctl -n "__fish_custctl_needs_command" -f -a "trace" -d 'Send one message marked for tracing and follow it: sent, taken by an invocation, written, read back (exit 1 when it stalls, with the likely cause)'
complete -c custctl -n "__fish_custctl_needs_command" -f -a "completions" -d 'Print shell completions for custctl'
complete -c custctl -n "__fish_custctl_needs_command" -f -a "man" -d 'Print a man page (roff): custctl\'s own, or a verb\'s; --dir writes every page'
complete -c custctl -n "__fish_custctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c custctl -n "__fish_custctl_using_subcommand send" -l id -d 'CustID of one customer (with --name)' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l name -d 'Name of that customer (with --id)' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l body -d 'A message body, sent exactly as given (repeat for more)' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -s f -l file -d 'A file of messages: NDJSON, a JSON array, or CSV with a header CustID,Name (`-` is stdin)' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand send" -l format -d 'The file\'s format [default: from its extension (.ndjson/.jsonl, .json, .csv); ndjson for stdin]' -r -f -a "ndjson\t''
json\t''
csv\t''"
complete -c custctl -n "__fish_custctl_using_subcommand send" -l generate -d 'N synthetic customers with varied names from many languages' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l start-id -d 'CustID of the first generated customer' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l seed -d 'Seed of the generated names: the same seed gives the same customers' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l skip -d 'Skip the first N messages of the source (to resume an interrupted send)' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l concurrency -d 'Batches of up to 10 messages in flight at once (FIFO queues: 1, to keep order)' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l group-id -d 'MessageGroupId of every message (required for FIFO queues)' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l dedup-id -d 'MessageDeduplicationId (FIFO): `auto` hashes each message\'s location and body, so a re-run within 5 minutes is dropped by SQS; any other value is a fixed id for a single message' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l delay-seconds -d 'Seconds before the messages become visible (standard queues only; 0 to 900)' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand send" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand send" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand send" -l dry-run -d 'Check every message and report what would be sent; send nothing (needs no AWS access)'
complete -c custctl -n "__fish_custctl_using_subcommand send" -l skip-invalid -d 'Send the valid messages and report the invalid ones (default: an invalid message stops the run before anything is sent)'
complete -c custctl -n "__fish_custctl_using_subcommand send" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand send" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand send" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand send" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -f -a "up" -d 'Start the local stack (foreground until Ctrl-C, or --detach)'
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -f -a "down" -d 'Stop the local stack and every process it started'
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -f -a "status" -d 'Show whether the local stack runs, and what it serves'
complete -c custctl -n "__fish_custctl_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l port -d 'Port of the AWS-compatible endpoint on 127.0.0.1 [default: 4566]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l function-binary -d 'The function binary [default: customer-ingest beside custctl]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l template -d 'The deploy template the stack is the twin of [default: examples/aws/template.yaml, built in]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l stack-name -d 'The CloudFormation stack name the local endpoint answers DescribeStacks for' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l batch-size -d 'Records per batch of the event source mapping (above 10 needs --batch-window) [default: the template\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l batch-window -d 'MaximumBatchingWindowInSeconds of the event source mapping [default: the template\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l concurrency -d 'ScalingConfig.MaximumConcurrency: batches (and function instances) at once [default: the template\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l function-timeout -d 'The function\'s timeout [default: the template\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l visibility-timeout -d 'The queue\'s visibility timeout (at least the function timeout, as AWS requires) [default: the template\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l max-receive-count -d 'Receives before a message moves to the dead-letter queue [default: the template\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l live-tail-session-limit -d 'How long a StartLiveTail session lasts before it ends with SessionTimeoutException (AWS: 3 hours; shorter to try a client\'s reconnects)' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l client-timeout -d 'How long the endpoint waits for a client\'s request headers (on a new or idle connection) and between the pieces of a request body before it closes the connection' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -s d -l detach -d 'Return once the stack is ready, leaving it running in the background'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l fresh -d 'Start from empty: delete the queues, logs and database of earlier runs'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from up" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from down" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from down" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from down" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from down" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from down" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from down" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from down" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from down" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from down" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from down" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from down" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from down" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from down" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from status" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from status" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from status" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from status" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from status" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from status" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from status" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from status" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from status" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from status" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "up" -d 'Start the local stack (foreground until Ctrl-C, or --detach)'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "down" -d 'Stop the local stack and every process it started'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show whether the local stack runs, and what it serves'
complete -c custctl -n "__fish_custctl_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l id -d 'CustID of one customer (with --name)' -r
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l name -d 'Name of that customer (with --id)' -r
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l body -d 'A message body, sent exactly as given (repeat for more)' -r
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -s f -l file -d 'A file of messages: NDJSON, a JSON array, or CSV with a header CustID,Name (`-` is stdin)' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l format -d 'The file\'s format [default: from its extension (.ndjson/.jsonl, .json, .csv); ndjson for stdin]' -r -f -a "ndjson\t''
json\t''
csv\t''"
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l generate -d 'N synthetic customers with varied names from many languages' -r
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l start-id -d 'CustID of the first generated customer' -r
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l seed -d 'Seed of the generated names: the same seed gives the same customers' -r
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l event -d 'Send this event file as it is instead of building one (`-` reads stdin)' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l qualifier -d 'Invoke this version or alias of the function' -r
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l event-only -d 'Print the event on stdout and invoke nothing'
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l async -d 'Invoke asynchronously (InvocationType Event): Lambda queues the event and answers 202'
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l no-logs -d 'Do not ask for or show the function\'s log tail'
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand invoke" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l log-group -d 'A log group to read instead of /aws/lambda/<function> (repeat to merge several in time order)' -r
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l since -d 'Start of the window: a duration back from now (10m, 2h, 1d) or a time (2026-11-23T04:00:00Z)' -r
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l until -d 'End of the window (same forms as --since) [default: now]' -r
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l filter -d 'A CloudWatch filter pattern, applied by the service: terms, "quoted phrases", ?alternatives, { $.level = "ERROR" }' -r
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l stream-prefix -d 'Only streams whose name starts with this (Lambda\'s look like 2026/11/23/[$LATEST]...)' -r
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l until-idle -d 'With --follow: stop after this long without a new event (30s, 5m)' -r
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l format -d 'How each event is printed [default: short; json with --output json]' -r -f -a "short\t''
detailed\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l request-id -d 'Only this invocation\'s lines, START to REPORT' -r
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l group-by -d 'Print each invocation\'s lines together once its REPORT has arrived' -r -f -a "request\t''"
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand logs" -s f -l follow -d 'Keep printing new events as they are stored (StartLiveTail; polling where it is unavailable)'
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l poll -d 'With --follow: poll FilterLogEvents every second instead of using live tail'
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l summary -d 'Invocations, errors, timeouts, cold starts and duration p50/p95/max over the window'
complete -c custctl -n "__fish_custctl_using_subcommand logs" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand logs" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand logs" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand logs" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand db" -l wait-timeout -d 'Give up waiting after this many seconds' -r
complete -c custctl -n "__fish_custctl_using_subcommand db" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand db" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand db" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand db" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand db" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand db" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand db" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand db" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand db" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand db" -l wait -d 'Wait (with a spinner) until the instance or cluster is available (needs --db-instance)'
complete -c custctl -n "__fish_custctl_using_subcommand db" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand db" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand db" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand db" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand sql" -s e -l execute -d 'Run these statements (separated by `;`) and exit, instead of starting the REPL' -r
complete -c custctl -n "__fish_custctl_using_subcommand sql" -s f -l file -d 'Run the statements of this file (`-` is stdin) and exit' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l format -d 'How results are printed [default: table; json with --output json]' -r -f -a "table\t''
vertical\t''
csv\t''
tsv\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l bastion -d 'Reach the database through this SSH bastion [default: the config file\'s, or the local stack\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand sql" -s i -l identity -d 'The private key to log in to the bastion with (default: ssh\'s own choice: agent, ~/.ssh)' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l db-user -d 'Log in as this user (password from MYSQL_PWD or a prompt) instead of the master user secret' -r
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l database -d 'The database (schema) to use [default: the instance\'s database name]' -r
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l ssl-mode -d 'TLS to the database: disabled, required (encrypted, nothing verified), verify-ca (the certificate chains to --ssl-ca), verify-identity (that, and it names the endpoint) [default: verify-identity for *.rds.amazonaws.com or with a CA bundle given, disabled for loopback, required for any other host]' -r -f -a "disabled\t'No TLS'
required\t'TLS, with any certificate'
verify-ca\t'TLS, with a certificate that chains to the CA bundle; any name'
verify-identity\t'TLS, with a certificate that chains to the CA bundle and names the endpoint'"
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l ssl-ca -d 'The only CA bundle (PEM) trusted to sign the server\'s certificate [default: ~/.config/custctl/global-bundle.pem; RDS publishes it at https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l no-bastion -d 'Connect to the database\'s endpoint directly, without a bastion'
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l write -d 'Allow writes (the session is read-only by default)'
complete -c custctl -n "__fish_custctl_using_subcommand sql" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand sql" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand sql" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c custctl -n "__fish_custctl_using_subcommand sql" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand init" -l stack -d 'The CloudFormation stack deployed from examples/aws/template.yaml (the environment is named after it unless --env says otherwise)' -r
complete -c custctl -n "__fish_custctl_using_subcommand init" -l from-outputs -d 'Read the Outputs from this file, the JSON of `aws cloudformation describe-stacks` (`-` is stdin), instead of calling DescribeStacks' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand init" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand init" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand init" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand init" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand init" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand init" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand init" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand init" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand init" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand init" -l dry-run -d 'Print the [env.ENV] section that would be written; change nothing'
complete -c custctl -n "__fish_custctl_using_subcommand init" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand init" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand init" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand init" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand status" -l watch -d 'Check again every SECONDS (default 5) until Ctrl-C, redrawing in place on a terminal' -r
complete -c custctl -n "__fish_custctl_using_subcommand status" -l since -d 'The window of the function\'s metrics: a duration back from now (15m, 1h, 1d)' -r
complete -c custctl -n "__fish_custctl_using_subcommand status" -l max-message-age -d 'A message waiting longer than this (ApproximateAgeOfOldestMessage) is an error finding' -r
complete -c custctl -n "__fish_custctl_using_subcommand status" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand status" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand status" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand status" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand status" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand status" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand status" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand status" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand status" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand status" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand status" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand status" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand status" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -f -a "peek" -d 'Show the messages in the DLQ without consuming them, each with the reason the function logged for it'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -f -a "replay" -d 'Invoke the function with the DLQ\'s messages as the event source mapping would, and show each one\'s verdict (exit 1 if any failed)'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -f -a "export" -d 'Write every message of the DLQ to a file as NDJSON, consuming none'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -f -a "purge" -d 'Delete every message of the DLQ (PurgeQueue), once the queue\'s name is typed to confirm'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -f -a "redrive" -d 'Move every message of the DLQ back to --queue (or to --to) with an SQS message move task, showing its progress'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and not __fish_seen_subcommand_from peek replay export purge redrive help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from peek" -s n -l count -d 'Show at most N messages' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from peek" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from peek" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from peek" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s n -l count -d 'Replay at most N messages (in events of up to 10)' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l delete-succeeded -d 'Delete from the DLQ the messages the function took (default: delete nothing)'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from export" -s f -l file -d 'The NDJSON file to write (`-` is stdout)' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from export" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from export" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from export" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from export" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from export" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from export" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from export" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from export" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from export" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from export" -l force -d 'Overwrite the file if it exists'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from export" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l yes-i-mean-it -d 'Purge without asking: the DLQ\'s name, typed here, confirms it (for scripts)' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from purge" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from redrive" -l to -d 'Move the messages to this queue (name or URL) instead of --queue' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from redrive" -l max-per-second -d 'Move at most N messages a second (1 to 500) [default: SQS picks the rate]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from redrive" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from redrive" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from redrive" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from redrive" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from redrive" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from redrive" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from redrive" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from redrive" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from redrive" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from redrive" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from redrive" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from redrive" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from redrive" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "peek" -d 'Show the messages in the DLQ without consuming them, each with the reason the function logged for it'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "replay" -d 'Invoke the function with the DLQ\'s messages as the event source mapping would, and show each one\'s verdict (exit 1 if any failed)'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write every message of the DLQ to a file as NDJSON, consuming none'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "purge" -d 'Delete every message of the DLQ (PurgeQueue), once the queue\'s name is typed to confirm'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "redrive" -d 'Move every message of the DLQ back to --queue (or to --to) with an SQS message move task, showing its progress'
complete -c custctl -n "__fish_custctl_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l id -d 'CustID of the customer to send (with --name)' -r
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l name -d 'Name of that customer (with --id)' -r
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l body -d 'A message body (JSON), sent exactly as given, even one the schema refuses: a poison message is followed to the DLQ' -r
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l timeout -d 'Stop following after this long (30s, 2m) and say where the message stalled' -r
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l bastion -d 'Reach the database through this SSH bastion [default: the config file\'s, or the local stack\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand trace" -s i -l identity -d 'The private key to log in to the bastion with (default: ssh\'s own choice: agent, ~/.ssh)' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l db-user -d 'Log in as this user (password from MYSQL_PWD or a prompt) instead of the master user secret' -r
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l database -d 'The database (schema) to use [default: the instance\'s database name]' -r
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l ssl-mode -d 'TLS to the database: disabled, required (encrypted, nothing verified), verify-ca (the certificate chains to --ssl-ca), verify-identity (that, and it names the endpoint) [default: verify-identity for *.rds.amazonaws.com or with a CA bundle given, disabled for loopback, required for any other host]' -r -f -a "disabled\t'No TLS'
required\t'TLS, with any certificate'
verify-ca\t'TLS, with a certificate that chains to the CA bundle; any name'
verify-identity\t'TLS, with a certificate that chains to the CA bundle and names the endpoint'"
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l ssl-ca -d 'The only CA bundle (PEM) trusted to sign the server\'s certificate [default: ~/.config/custctl/global-bundle.pem; RDS publishes it at https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l no-bastion -d 'Connect to the database\'s endpoint directly, without a bastion'
complete -c custctl -n "__fish_custctl_using_subcommand trace" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand trace" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand trace" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c custctl -n "__fish_custctl_using_subcommand trace" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand completions" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand completions" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand completions" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand completions" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand completions" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand completions" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand completions" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand completions" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand completions" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand completions" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand completions" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand man" -l dir -d 'Write every page (custctl.1, custctl-send.1, custctl-local-up.1, ...) into DIR, created if missing, e.g. ~/.local/share/man/man1' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand man" -l output -d 'Output format of results: a table for people, JSON for programs' -r -f -a "table\t''
json\t''"
complete -c custctl -n "__fish_custctl_using_subcommand man" -l state-dir -d 'Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local]' -r -F
complete -c custctl -n "__fish_custctl_using_subcommand man" -l env -d 'Named environment from the config file (`[env.NAME]` in custctl.toml)' -r
complete -c custctl -n "__fish_custctl_using_subcommand man" -l profile -d 'AWS profile [default: the config file\'s, then "default"]' -r
complete -c custctl -n "__fish_custctl_using_subcommand man" -l region -d 'AWS region [default: AWS_DEFAULT_REGION, the config file\'s, then the AWS profile\'s]' -r
complete -c custctl -n "__fish_custctl_using_subcommand man" -l endpoint-url -d 'Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config\'s AWS_ENDPOINT_URL_<SERVICE>), the config file\'s, else AWS]' -r
complete -c custctl -n "__fish_custctl_using_subcommand man" -l function -d 'The Lambda function [default: customer-ingest]' -r
complete -c custctl -n "__fish_custctl_using_subcommand man" -l queue -d 'The SQS queue, by name or URL [default: customers]' -r
complete -c custctl -n "__fish_custctl_using_subcommand man" -l db-instance -d 'The RDS instance or cluster [default: customers-db]' -r
complete -c custctl -n "__fish_custctl_using_subcommand man" -l local -d 'Talk to the local stack (`custctl local up`) instead of AWS'
complete -c custctl -n "__fish_custctl_using_subcommand man" -s q -l quiet -d 'Print no progress and no notes on stderr (errors are still printed)'
complete -c custctl -n "__fish_custctl_using_subcommand man" -s h -l help -d 'Print help'
complete -c custctl -n "__fish_custctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c custctl -n "__fish_custctl_using_subcommand help; and not __fish_seen_subcommand_from send local invoke logs db sql init status dlq trace completions man help" -f -a "send" -d 'Send Customer messages to the queue, each checked against the schema first'
complete -c custctl -n "__fish_custctl_using_subcommand help; and not __fish_seen_subcommand_from send local invoke logs db sql init status dlq trace completions man help" -f -a "local" -d 'Run the whole pipeline on this machine: no Docker, no AWS account'
complete -c custctl -n "__fish_custctl_using_subcommand help; and not __fish_seen_subcommand_from send local invoke logs db sql init status dlq trace completions man help" -f -a "invoke" -d 'Invoke the function once with an SQS event built as the event source mapping builds it'
complete -c custctl -n "__fish_custctl_using_subcommand help; and not __fish_seen_subcommand_from send local invoke logs db sql init status dlq trace completions man help" -f -a "logs" -d 'Show the function\'s log group: history, live (--follow), one invocation, a summary'
complete -c custctl -n "__fish_custctl_using_subcommand help; and not __fish_seen_subcommand_from send local invoke logs db sql init status dlq trace completions man help" -f -a "db" -d 'Describe the RDS instances and Aurora clusters: all of them, or one with --db-instance'
complete -c custctl -n "__fish_custctl_using_subcommand help; and not __fish_seen_subcommand_from send local invoke logs db sql init status dlq trace completions man help" -f -a "sql" -d 'Query the private database through the bastion: one-shot (-e, --file) or a REPL'
complete -c custctl -n "__fish_custctl_using_subcommand help; and not __fish_seen_subcommand_from send local invoke logs db sql init status dlq trace completions man help" -f -a "init" -d 'Write a deployed stack\'s names (its CloudFormation Outputs) into custctl.toml as [env.ENV]'
complete -c custctl -n "__fish_custctl_using_subcommand help; and not __fish_seen_subcommand_from send local invoke logs db sql init status dlq trace completions man help" -f -a "status" -d 'Is the pipeline healthy? The function, its mappings, queue, DLQ, metrics and database, then findings with fixes (exit 1 on an error finding)'
complete -c custctl -n "__fish_custctl_using_subcommand help; and not __fish_seen_subcommand_from send local invoke logs db sql init status dlq trace completions man help" -f -a "dlq" -d 'The dead-letter queue of --queue (from its redrive policy): look at its messages, replay, export, purge or redrive them'
complete -c custctl -n "__fish_custctl_using_subcommand help; and not __fish_seen_subcommand_from send local invoke logs db sql init status dlq trace completions man help" -f -a "trace" -d 'Send one message marked for tracing and follow it: sent, taken by an invocation, written, read back (exit 1 when it stalls, with the likely cause)'
complete -c custctl -n "__fish_custctl_using_subcommand help; and not __fish_seen_subcommand_from send local invoke logs db sql init status dlq trace completions man help" -f -a "completions" -d 'Print shell completions for custctl'
complete -c custctl -n "__fish_custctl_using_subcommand help; and not __fish_seen_subcommand_from send local invoke logs db sql init status dlq trace completions man help" -f -a "man" -d 'Print a man page (roff): custctl\'s own, or a verb\'s; --dir writes every page'
complete -c custctl -n "__fish_custctl_using_subcommand help; and not __fish_seen_subcommand_from send local invoke logs db sql init status dlq trace completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c custctl -n "__fish_custctl_using_subcommand help; and __fish_seen_subcommand_from local" -f -a "up" -d 'Start the local stack (foreground until Ctrl-C, or --detach)'
complete -c custctl -n "__fish_custctl_using_subcommand help; and __fish_seen_subcommand_from local" -f -a "down" -d 'Stop the local stack and every process it started'
complete -c custctl -n "__fish_custctl_using_subcommand help; and __fish_seen_subcommand_from local" -f -a "status" -d 'Show whether the local stack runs, and what it serves'
complete -c custctl -n "__fish_custctl_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "peek" -d 'Show the messages in the DLQ without consuming them, each with the reason the function logged for it'
complete -c custctl -n "__fish_custctl_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "replay" -d 'Invoke the function with the DLQ\'s messages as the event source mapping would, and show each one\'s verdict (exit 1 if any failed)'
complete -c custctl -n "__fish_custctl_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "export" -d 'Write every message of the DLQ to a file as NDJSON, consuming none'
complete -c custctl -n "__fish_custctl_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "purge" -d 'Delete every message of the DLQ (PurgeQueue), once the queue\'s name is typed to confirm'
complete -c custctl -n "__fish_custctl_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "redrive" -d 'Move every message of the DLQ back to --queue (or to --to) with an SQS message move task, showing its progress'
