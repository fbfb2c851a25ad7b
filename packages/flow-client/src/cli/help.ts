/** Exit codes of the `ai-spine` CLI. Stable: scripts may rely on them. */
export const EXIT_CODES = {
  /** The command succeeded. */
  ok: 0,
  /** The server answered with an error, or something unexpected failed. */
  error: 1,
  /** Bad command line: unknown command or option, malformed JSON, invalid id or agent config. */
  usage: 2,
  /** The execution failed, was cancelled, or could not start. */
  executionFailed: 3,
  /** The flow, execution or agent does not exist (or the execution is not running, for cancel). */
  notFound: 4,
  /** Waiting for the execution ran out of time (`--timeout`). */
  timeout: 5,
  /** The server could not be reached (connection refused, DNS, request timeout). */
  connection: 6,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

/** The `--help` text. */
export const HELP = `ai-spine: command-line client for the AI Spine API

Usage:
  ai-spine flows list
  ai-spine flows get <flow_id>
  ai-spine run <flow_id> --input '<json>' [--metadata '<json>'] [--priority 0-10] [--wait]
  ai-spine executions get <execution_id>
  ai-spine executions wait <execution_id> [--timeout <ms>] [--interval <ms>]
  ai-spine executions cancel <execution_id>
  ai-spine agents list
  ai-spine agents get <agent_id>
  ai-spine agents create --config '<json>'
  ai-spine agents create --id <id> --name <name> --description <text> --endpoint <url>
                         --capabilities <a,b> [--type input|processor|output|conditional]
  ai-spine agents delete <agent_id>
  ai-spine health | metrics | status

Options:
  --json               Print machine-readable JSON (errors too, as {"error": {...}})
  --wait               With run: wait until the execution ends
  --timeout <ms>       How long to wait (default 300000)
  --interval <ms>      Delay between polls while waiting (default 2000)
  --input <json>       Flow input; "@path" reads the JSON from a file
  --config <json>      Agent registration body; "@path" reads it from a file
  --base-url <url>     API host (default: $AI_SPINE_BASE_URL, else the public
                       production host https://ai-spine-api.up.railway.app)
  --api-prefix <path>  Route prefix, '' for root routes (default /api/v1)
  -h, --help           Show this help
  --version            Show the version

Environment:
  AI_SPINE_API_KEY     API key, sent as "Authorization: Bearer <key>" (never printed)
  AI_SPINE_BASE_URL    API host; unset, the CLI talks to https://ai-spine-api.up.railway.app

Exit codes:
  0    success
  1    the server answered with an error, or an unexpected failure
  2    bad command line (unknown command or option, malformed JSON, invalid id)
  3    the execution failed, was cancelled, or could not start
  4    not found (flow, execution, agent), or the execution is not running (cancel)
  5    waiting timed out
  6    the server could not be reached
  130  interrupted
`;
