// A fixed-window counter per key, in memory: slows down guessing from one address within one
// process. The lockouts in the database are what hold across processes and restarts.
import type { Limit } from "./config.ts";

export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  private lastSweep = Date.now();

  /** True when the call is allowed (and counts it). */
  hit(key: string, limit: Limit, now = Date.now()): boolean {
    if (now - this.lastSweep > 60_000) this.sweep(now, limit.windowMs);
    const w = this.windows.get(key);
    if (!w || now - w.start >= limit.windowMs) {
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    w.count++;
    return w.count <= limit.max;
  }

  private sweep(now: number, windowMs: number) {
    this.lastSweep = now;
    for (const [k, w] of this.windows) if (now - w.start >= windowMs * 2) this.windows.delete(k);
  }
}
