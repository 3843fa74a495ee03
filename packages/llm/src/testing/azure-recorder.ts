import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as it would have left the network for Azure. */
export interface RecordedRequest {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body bytes, as received. */
  readonly body: string;
}

export interface ScriptedResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Chat completion message content (a JSON string for structured outputs), or a raw error body. */
  readonly content?: string;
  readonly body?: unknown;
  readonly delayMs?: number;
}

export type Responder = (request: RecordedRequest, index: number) => ScriptedResponse;

// Azure's route, and the OpenAI-compatible one (vLLM, Ollama) for self-hosted endpoints.
const ROUTE = /^\/openai\/deployments\/([^/]+)\/chat\/completions$|^\/v1\/chat\/completions$/;

/** A minimal instance of a JSON Schema (strict-mode subset): what a model that obeys the schema could return. */
export function exampleFor(schema: unknown): unknown {
  const s = schema as {
    type?: string | string[];
    enum?: unknown[];
    properties?: Record<string, unknown>;
    items?: unknown;
  };
  if (s.enum && s.enum.length > 0) return s.enum[0];
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes('null')) return null;
  switch (types[0]) {
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, exampleFor(v)]));
    case 'array':
      return [];
    case 'string':
      return 'Client engaged in session; see [CLIENT] goals.';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

/** Answers like a model that follows the requested schema. */
export const obeySchema: Responder = (request) => {
  const body = JSON.parse(request.body) as { response_format?: { json_schema?: { schema?: unknown } } };
  return { status: 200, content: JSON.stringify(exampleFor(body.response_format?.json_schema?.schema)) };
};

/**
 * A local HTTP server speaking Azure OpenAI's chat-completions route
 * (`/openai/deployments/{deployment}/chat/completions?api-version=…`). It records
 * every request so tests can assert exactly what would have left the network.
 */
export async function startAzureRecorder(initial: Responder = obeySchema): Promise<{
  url: string;
  requests: RecordedRequest[];
  respond: (responder: Responder) => void;
  close: () => Promise<void>;
}> {
  const requests: RecordedRequest[] = [];
  let responder = initial;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded: RecordedRequest = {
        at: Date.now(),
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
        ),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const route = ROUTE.exec(url.pathname);
      const send = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (req.method !== 'POST' || !route)
        return send(404, { error: { code: '404', message: 'Resource not found' } });
      if (!recorded.headers['api-key'] && !recorded.headers.authorization) {
        return send(401, {
          error: { code: '401', message: 'Access denied due to invalid subscription key.' },
        });
      }
      const scripted = responder(recorded, requests.length - 1);
      setTimeout(() => {
        if (scripted.status !== 200)
          return send(
            scripted.status,
            scripted.body ?? { error: { code: String(scripted.status), message: 'scripted' } },
            scripted.headers,
          );
        const body = JSON.parse(recorded.body) as { messages?: Array<{ content?: string }> };
        const promptChars = (body.messages ?? []).reduce((n, m) => n + (m.content?.length ?? 0), 0);
        send(
          200,
          {
            id: `chatcmpl-${requests.length}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: 'gpt-4o-2024-08-06',
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: scripted.content ?? '' },
                finish_reason: 'stop',
              },
            ],
            usage: {
              prompt_tokens: Math.ceil(promptChars / 4),
              completion_tokens: Math.ceil((scripted.content ?? '').length / 4),
              total_tokens: 0,
            },
          },
          scripted.headers,
        );
      }, scripted.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond: (r) => {
      responder = r;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
