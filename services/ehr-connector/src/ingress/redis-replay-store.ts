import type { ReplayStore } from '@carerelay/ehr';
import type { Redis } from 'ioredis';

/** Webhook replay claims in Redis (SET NX EX), shared by every connector replica. */
export class RedisReplayStore implements ReplayStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'carerelay:',
  ) {}

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(this.prefix + key, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  async release(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
