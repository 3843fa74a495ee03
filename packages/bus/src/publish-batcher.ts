/**
 * Groups publishes that arrive close together into one produce request. With an
 * idempotent producer only one request is in flight per broker, so sending each
 * message alone caps throughput at one round trip per message; batching keeps
 * ordering and lets throughput scale with load. Each publish resolves when the
 * batch holding it is acknowledged (acks=all), never earlier.
 */
export interface PendingMessage {
  readonly topic: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

interface Entry {
  readonly message: PendingMessage;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class PublishBatcher {
  private queue: Entry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly send: (messages: readonly PendingMessage[]) => Promise<void>,
    private readonly lingerMs: number,
    private readonly maxBatch: number,
  ) {}

  add(message: PendingMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), this.lingerMs);
    });
  }

  /** Sends everything queued and waits for it. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight) {
      this.kick();
      await this.inFlight;
    }
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    this.inFlight = this.send(batch.map((e) => e.message)).then(
      () => batch.forEach((e) => e.resolve()),
      (err: unknown) => batch.forEach((e) => e.reject(err)),
    );
    void this.inFlight.finally(() => {
      this.inFlight = undefined;
      // Whatever arrived while the request was out goes next, without lingering.
      if (this.queue.length > 0) this.kick();
    });
  }
}
