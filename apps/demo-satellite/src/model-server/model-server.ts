// The model process a deploy task starts: the LUML model-server contract (docs/protocols/luml.md
// §13) and AI Spine's agent protocol (docs/protocols/ai-spine.md §7-8), backed by llama-orch
// through @uplink/orch-client.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OrchClient } from '@uplink/orch-client';
import * as v from 'valibot';
import type { ModelCard } from './model-card.js';

const ComputeRequestSchema = v.object({
  prompt: v.pipe(v.string(), v.minLength(1)),
  max_tokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4096))),
  seed: v.optional(v.pipe(v.number(), v.integer())),
  stream: v.optional(v.boolean(), true),
});

const AgentRequestSchema = v.object({
  execution_id: v.string(),
  node_id: v.string(),
  input: v.record(v.string(), v.unknown()),
  config: v.optional(v.record(v.string(), v.unknown()), {}),
});

/** What the model server needs. */
export interface ModelServerOptions {
  /** The model card read from the downloaded artifact. */
  card: ModelCard;
  /** The deployment this process serves (used as the AI Spine agent id). */
  deploymentId: string;
  /** The llama-orch client. */
  orch: OrchClient;
}

const MAX_BODY_BYTES = 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, 'request body larger than 1 MiB');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    throw new HttpProblem(400, 'expected a JSON body');
  }
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function parse<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = v.getDotPath(issue) ?? 'body';
  throw new HttpProblem(422, `invalid request at "${path}": ${issue.message}`);
}

/** The OpenAPI document the satellite copies into `deployment.schemas`. */
export function modelOpenApi(card: ModelCard): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: card.name,
      version: '1.0.0',
      description: `LLM served through llama-orch (${card.model_ref})`,
    },
    paths: {
      '/compute': {
        post: {
          summary: 'Stream a completion as SSE (token, end, error), or JSON with stream=false',
          requestBody: {
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/ComputeRequest' } },
            },
          },
        },
      },
      '/execute': { post: { summary: 'AI Spine agent protocol' } },
    },
    components: {
      schemas: {
        ComputeRequest: {
          type: 'object',
          required: ['prompt'],
          properties: {
            prompt: { type: 'string' },
            max_tokens: { type: 'integer' },
            seed: { type: 'integer' },
            stream: { type: 'boolean', default: true },
          },
        },
      },
    },
  };
}

/** Build the model server's request handler (mounted on a node:http server by `main.ts` and tests). */
export function createModelServerHandler(options: ModelServerOptions) {
  const { card, orch, deploymentId } = options;
  const completionRequest = (prompt: string, maxTokens?: number, seed?: number) => ({
    model_ref: card.model_ref,
    engine: card.engine,
    ctx: card.ctx,
    prompt: card.system_prompt ? `${card.system_prompt}\n\n${prompt}` : prompt,
    max_tokens: maxTokens ?? card.max_tokens,
    seed: seed ?? card.seed,
  });

  const compute = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = parse(ComputeRequestSchema, await readJson(req));
    const request = completionRequest(body.prompt, body.max_tokens, body.seed);
    if (!body.stream) {
      const result = await orch.createCompletion(request);
      sendJson(res, 200, {
        text: result.text,
        tokens_out: result.tokensOut,
        decode_ms: result.decodeMs,
      });
      return;
    }
    const stream = orch.streamCompletion(request, { keepText: true });
    // A caller that hangs up must not leave the task generating on llama-orch: abort cancels it there.
    res.on('close', () => {
      if (!res.writableEnded) stream.abort();
    });
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    try {
      for await (const chunk of stream) {
        if (chunk.type === 'token') send('token', { t: chunk.text, i: chunk.index });
      }
      const result = await stream.finalResult();
      send('end', { text: result.text, tokens_out: result.tokensOut, decode_ms: result.decodeMs });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      send('error', {
        code: typeof code === 'string' ? code : 'MODEL_ERROR',
        message: String((error as Error).message),
      });
    }
    res.end();
  };

  const execute = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = parse(AgentRequestSchema, await readJson(req));
    const prompt =
      typeof body.input.prompt === 'string'
        ? body.input.prompt
        : `Respond to: ${JSON.stringify(body.input)}`;
    const maxTokens =
      typeof body.config.max_tokens === 'number' ? body.config.max_tokens : undefined;
    try {
      const result = await orch.createCompletion(completionRequest(prompt, maxTokens));
      sendJson(res, 200, {
        status: 'success',
        execution_id: body.execution_id,
        output: {
          text: result.text,
          tokens_out: result.tokensOut,
          model: card.name,
          node_id: body.node_id,
        },
      });
    } catch (error) {
      // AI Spine fails the node on any non-2xx, which is what a failed completion should do.
      sendJson(res, 502, {
        status: 'error',
        execution_id: body.execution_id,
        error_message: String((error as Error).message),
      });
    }
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://model').pathname;
    const route = `${req.method} ${path}`;
    try {
      switch (route) {
        case 'GET /healthz':
          return sendJson(res, 200, { status: 'healthy' });
        case 'GET /manifest':
          return sendJson(res, 200, card);
        case 'GET /openapi.json':
          return sendJson(res, 200, modelOpenApi(card));
        case 'GET /health':
          return sendJson(res, 200, {
            agent_id: deploymentId,
            version: 'v1.0.0',
            capabilities: ['conversation'],
            ready: true,
          });
        case 'POST /compute':
          return await compute(req, res);
        case 'POST /execute':
          return await execute(req, res);
        default:
          return sendJson(res, 404, { error: `no route ${route}` });
      }
    } catch (error) {
      if (res.headersSent) {
        res.end();
        return;
      }
      const status = error instanceof HttpProblem ? error.status : 500;
      sendJson(res, status, { error: (error as Error).message });
    }
  };
}
