import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { CursorStore, PollCursor, PollLease } from './change-poller.js';

// cursorToStore in Redis, atomically (another replica may save between our read and write):
// a later cursor replaces, the same instant merges the ids, an earlier one is dropped. The
// stored JSON carries `at` (epoch ms) for the comparison; a cursor stored without it is replaced.
const SAVE_UNLESS_EARLIER = `local nxt = cjson.decode(ARGV[1])
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, c = pcall(cjson.decode, cur)
  if ok and type(c) == 'table' and type(c.at) == 'number' then
    if c.at > nxt.at then return 0 end
    if c.at == nxt.at and c.lastUpdated == nxt.lastUpdated and type(c.idsAtCursor) == 'table' then
      local seen = {}
      for _, id in ipairs(nxt.idsAtCursor) do seen[id] = true end
      local merged = false
      for _, id in ipairs(c.idsAtCursor) do
        if not seen[id] then table.insert(nxt.idsAtCursor, id) merged = true end
      end
      if merged then redis.call('SET', KEYS[1], cjson.encode(nxt)) return 1 end
    end
  end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

/** Polling cursors in Redis, so a restarted (or replaced) connector resumes where the last one stopped. */
export class RedisCursorStore implements CursorStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'carerelay:poll:',
  ) {}

  async load(key: string): Promise<PollCursor | undefined> {
    const raw = await this.redis.get(this.prefix + key);
    if (!raw) return undefined;
    const stored = JSON.parse(raw) as { lastUpdated: string; idsAtCursor?: unknown };
    // Lua's cjson writes an empty array as {}.
    const ids = Array.isArray(stored.idsAtCursor) ? (stored.idsAtCursor as string[]) : [];
    return { lastUpdated: stored.lastUpdated, idsAtCursor: ids };
  }

  /** Never moves the cursor back (see cursorToStore). */
  async save(key: string, cursor: PollCursor): Promise<void> {
    const parsed = Date.parse(cursor.lastUpdated);
    const at = Number.isFinite(parsed) ? parsed : 0;
    const value = JSON.stringify({ lastUpdated: cursor.lastUpdated, idsAtCursor: cursor.idsAtCursor, at });
    await this.redis.eval(SAVE_UNLESS_EARLIER, 1, this.prefix + key, value);
  }
}

const RELEASE_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** The polling lease in Redis: SET NX PX, released by its owner only (compare-and-delete). */
export class RedisPollLease implements PollLease {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'carerelay:poll-lease:',
  ) {}

  async acquire(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const owner = randomUUID();
    const full = this.prefix + key;
    if ((await this.redis.set(full, owner, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
    return async () => {
      await this.redis.eval(RELEASE_IF_OWNER, 1, full, owner).catch(() => undefined);
    };
  }
}
