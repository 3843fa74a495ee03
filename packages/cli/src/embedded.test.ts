import { describe, expect, it } from 'vitest';
import { createLogger } from '@carerelay/logger';
import { startEmbedded } from './embedded.js';

describe('embedded single-process runtime', () => {
  it('starts all seven services on the embedded bus and reports ready, then stops', async () => {
    const runtime = await startEmbedded({
      host: '127.0.0.1',
      port: 0,
      logger: createLogger({ service: 't', level: 'silent' }),
    });
    try {
      expect(runtime.apps.map((a) => a.name).sort()).toEqual([
        'audit-sink',
        'coder',
        'deidentifier',
        'ehr-connector',
        'llm-worker',
        'risk-scanner',
        'writeback',
      ]);
      const ready = await fetch(`${runtime.opsUrl}/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await runtime.stop();
    }
    await expect(fetch(`${runtime.opsUrl}/ready`)).rejects.toThrow();
  }, 60_000);
});
