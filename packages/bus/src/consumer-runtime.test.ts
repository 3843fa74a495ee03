import { describe, expect, it } from 'vitest';
import { createLogger } from '@carerelay/logger';
import { DLQ_HEADERS, type RawRecord } from './bus.js';
import { deadLetter } from './consumer-runtime.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const record: RawRecord = {
  topic: 'ai.request.v1',
  partition: 2,
  offset: '41',
  key: 't1:subject-9',
  value: Buffer.from('bytes'),
  headers: {},
};

async function lettered(value: unknown): Promise<Record<string, string>> {
  let headers: Record<string, string> = {};
  await deadLetter(
    record,
    {
      groupId: 'llm-worker',
      logger,
      publishDeadLetter: (_topic, message) => {
        headers = { ...(message.headers as Record<string, string>) };
        return Promise.resolve();
      },
    },
    'MODEL_OUTPUT_INVALID',
    'the output did not match its schema',
    3,
    value,
  );
  return headers;
}

describe('deadLetter', () => {
  it('names the task the record was for, so a replay can be audited against it', async () => {
    const headers = await lettered({ taskId: 'task-77', tenantId: 't1' });
    expect(headers[DLQ_HEADERS.taskId]).toBe('task-77');
    expect(headers[DLQ_HEADERS.originalTopic]).toBe('ai.request.v1');
    expect(headers[DLQ_HEADERS.attempts]).toBe('3');
  });

  it('adds no task header for poison bytes or a value without a task', async () => {
    expect((await lettered(undefined))[DLQ_HEADERS.taskId]).toBeUndefined();
    expect((await lettered({ eventId: 'e1' }))[DLQ_HEADERS.taskId]).toBeUndefined();
  });
});
