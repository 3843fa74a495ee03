import type { AiDraft } from '@carerelay/events';

/** The shared rate limit, as the handler sees it (Redis in distributed mode, memory in embedded mode). */
export interface RateGate {
  acquire(
    id: string,
    estimatedTokens: number,
    maxWaitMs: number,
    signal?: { stopping: () => boolean },
  ): Promise<void>;
}

/** Exactly-one paid call per task (Redis SET NX + cached draft; memory in embedded mode). */
export interface DraftCache {
  cached(tenantId: string, taskId: string): Promise<AiDraft | undefined>;
  lock(tenantId: string, taskId: string): Promise<() => Promise<void>>;
  store(draft: AiDraft): Promise<void>;
}
