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

/** A task held by this worker: released when done, renewed before each further model call. */
export interface TaskLock {
  release(): Promise<void>;
  /**
   * Extends the hold by its full duration, so a task of several model calls (a long chart
   * summary, in pieces) keeps it; throws LLM_IN_FLIGHT (retryable) when the hold was lost.
   */
  renew(): Promise<void>;
}

/** Exactly-one paid call per task (Redis SET NX + cached draft; memory in embedded mode). */
export interface DraftCache {
  cached(tenantId: string, taskId: string): Promise<AiDraft | undefined>;
  lock(tenantId: string, taskId: string): Promise<TaskLock>;
  store(draft: AiDraft): Promise<void>;
}
