import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Readiness, httpCheck } from './readiness.js';

describe('Readiness', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** A real HTTP endpoint counting the probes it receives, answering `status`. */
  async function endpoint(status: () => number): Promise<{ url: string; hits: () => number }> {
    let hits = 0;
    server = createServer((_req, res) => {
      hits += 1;
      res.writeHead(status()).end('{}');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return { url: `http://127.0.0.1:${port}/metadata`, hits: () => hits };
  }

  it('reuses a result for cacheMs, so frequent /ready probes do not hit the dependency each time', async () => {
    let now = 1_000_000;
    const ehr = await endpoint(() => 200);
    const readiness = new Readiness({ cacheMs: 3_000, now: () => now });
    readiness.register(httpCheck('ehr', ehr.url, { expectOk: true }));
    await Promise.all([readiness.report(), readiness.report(), readiness.report()]);
    now += 2_999;
    await readiness.report();
    expect(ehr.hits()).toBe(1);
    now += 2;
    await readiness.report();
    expect(ehr.hits()).toBe(2);
  });

  it('names a required dependency that answers 503 down with HTTP_503, and an optional one does not block', async () => {
    let status = 503;
    const ehr = await endpoint(() => status);
    const readiness = new Readiness({ cacheMs: 0 });
    readiness.register(httpCheck('ehr', ehr.url, { expectOk: true }));
    readiness.register({ name: 'model', required: false, check: () => Promise.reject(new Error('refused')) });
    const down = await readiness.report();
    expect(down.ready).toBe(false);
    expect(down.dependencies['ehr']).toMatchObject({
      status: 'down',
      required: true,
      lastErrorCode: 'HTTP_503',
    });
    status = 200;
    const up = await readiness.report();
    expect(up.ready).toBe(true);
    expect(up.dependencies['ehr']).toMatchObject({ status: 'up', lastErrorCode: 'HTTP_503' });
    expect(up.dependencies['model']).toMatchObject({ status: 'down', required: false });
  });
});
