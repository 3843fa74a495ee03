import { afterEach, describe, expect, it } from 'vitest';
import { obeySchema, startAzureRecorder } from '../testing/azure-recorder.js';
import type { CompletionRequest } from '../provider.js';
import { EMPTY_CONTEXT } from '../templates/fixtures.js';
import { AzureOpenAIModelClient } from './azure-openai.js';
import { OpenAICompatibleModelClient } from './openai-compatible.js';

const context = EMPTY_CONTEXT;
const request: CompletionRequest = {
  useCase: 'soap_note',
  messages: [
    { role: 'system', content: 'rules' },
    { role: 'user', content: 'data' },
  ],
  outputSchema: {
    name: 'soap',
    schema: {
      type: 'object',
      properties: { s: { type: 'string' } },
      required: ['s'],
      additionalProperties: false,
    },
  },
  context,
  maxTokens: 300,
  requestId: 'task-1',
};

describe('model providers over HTTP', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });
  const recorder = async (...args: Parameters<typeof startAzureRecorder>) => {
    const r = await startAzureRecorder(...args);
    closers.push(r.close);
    return r;
  };

  it('Azure with an API key: deployment route, api-version, api-key header, strict json_schema', async () => {
    const r = await recorder();
    const client = new AzureOpenAIModelClient({
      endpoint: r.url,
      apiKey: 'k-123',
      apiVersion: '2024-10-21',
      defaultDeployment: 'notes',
      deployments: { treatment_plan: 'plans' },
    });
    const result = await client.complete(request);
    await client.complete({ ...request, useCase: 'treatment_plan' });
    const [first, second] = r.requests;
    expect(first!.path).toBe('/openai/deployments/notes/chat/completions');
    expect(second!.path).toBe('/openai/deployments/plans/chat/completions');
    expect(first!.query['api-version']).toBe('2024-10-21');
    expect(first!.headers['api-key']).toBe('k-123');
    expect(first!.headers['x-ms-client-request-id']).toBe('task-1');
    const body = JSON.parse(first!.body) as Record<string, unknown>;
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'soap', schema: request.outputSchema.schema, strict: true },
    });
    expect(body.temperature).toBe(0);
    expect(body.max_tokens).toBe(300);
    expect(JSON.parse(result.content)).toEqual({ s: expect.any(String) as string });
    expect(result).toMatchObject({
      finishReason: 'stop',
      modelVersion: 'gpt-4o-2024-08-06',
      deployment: 'notes',
    });
    expect(client.recipient('treatment_plan')).toBe(`azure-openai:${new URL(r.url).host}/plans`);
  });

  it('Azure with Entra ID: a bearer token from the token provider, no api-key', async () => {
    const r = await recorder();
    const client = new AzureOpenAIModelClient({
      endpoint: r.url,
      apiVersion: '2024-10-21',
      defaultDeployment: 'notes',
      tokenProvider: () => Promise.resolve('entra-token-xyz'),
    });
    await client.complete(request);
    expect(r.requests[0]!.headers.authorization).toBe('Bearer entra-token-xyz');
    expect(r.requests[0]!.headers['api-key']).toBeUndefined();
  });

  it('maps 429 (with Retry-After), 5xx and 4xx to stable retryable and non-retryable codes', async () => {
    const r = await recorder();
    const client = new AzureOpenAIModelClient({
      endpoint: r.url,
      apiKey: 'k',
      apiVersion: 'v',
      defaultDeployment: 'd',
    });
    r.respond(() => ({ status: 429, headers: { 'retry-after': '7' } }));
    await expect(client.complete(request)).rejects.toMatchObject({
      code: 'LLM_RATE_LIMITED',
      retryable: true,
      details: { retryAfterMs: 7000 },
    });
    r.respond(() => ({ status: 503 }));
    await expect(client.complete(request)).rejects.toMatchObject({
      code: 'LLM_UPSTREAM_ERROR',
      retryable: true,
    });
    r.respond(() => ({ status: 400 }));
    await expect(client.complete(request)).rejects.toMatchObject({
      code: 'LLM_REQUEST_REJECTED',
      retryable: false,
    });
    // The SDK's own retries are off: the worker owns retrying.
    expect(r.requests).toHaveLength(3);
  });

  it('times out a slow endpoint as LLM_TIMEOUT, retryable', async () => {
    const r = await recorder((q, i) => ({ ...obeySchema(q, i), delayMs: 1_500 }));
    const client = new AzureOpenAIModelClient({
      endpoint: r.url,
      apiKey: 'k',
      apiVersion: 'v',
      defaultDeployment: 'd',
    });
    await expect(client.complete({ ...request, timeoutMs: 200 })).rejects.toMatchObject({
      code: 'LLM_TIMEOUT',
      retryable: true,
    });
  });

  it('OpenAI-compatible (vLLM, Ollama): /v1/chat/completions with the configured model', async () => {
    const r = await recorder();
    const client = new OpenAICompatibleModelClient({
      baseURL: `${r.url}/v1`,
      model: 'llama-3.1-8b-instruct',
      apiKey: 'local',
    });
    const result = await client.complete(request);
    expect(r.requests[0]!.path).toBe('/v1/chat/completions');
    expect(r.requests[0]!.headers.authorization).toBe('Bearer local');
    expect((JSON.parse(r.requests[0]!.body) as { model: string }).model).toBe('llama-3.1-8b-instruct');
    expect(result.deployment).toBe('llama-3.1-8b-instruct');
  });
});
