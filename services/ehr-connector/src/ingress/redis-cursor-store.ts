import type { Redis } from 'ioredis';
import type { CursorStore, PollCursor } from './change-poller.js';

/** Polling cursors in Redis, so a restarted (or replaced) connector resumes where the last one stopped. */
export class RedisCursorStore implements CursorStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'carerelay:poll:',
  ) {}

  async load(key: string): Promise<PollCursor | undefined> {
    const raw = await this.redis.get(this.prefix + key);
    return raw ? (JSON.parse(raw) as PollCursor) : undefined;
  }

  async save(key: string, cursor: PollCursor): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(cursor));
  }
}
