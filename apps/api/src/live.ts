// The in-process event bus behind the staff live prompt (SSE subscription): check-ins, unlocked
// instant rewards and kiosk lockouts, each for one practice. One process sees its own events;
// with several API processes, staff connected to another process miss them (documented).
import { EventEmitter, on } from "node:events";

export type LiveEvent =
  | { type: "checked_in"; practiceId: string; at: string; memberId: string; name: string; method: string; points: number }
  | {
      type: "instant_unlocked";
      practiceId: string;
      at: string;
      memberId: string;
      name: string;
      coupons: { code: string; expiresAt: string | null }[];
    }
  | { type: "kiosk_lockout"; practiceId: string; at: string; device: string; method: string };

export class LiveBus {
  private emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  publish(event: LiveEvent) {
    this.emitter.emit(event.practiceId, event);
  }
  async *subscribe(practiceId: string, signal?: AbortSignal): AsyncGenerator<LiveEvent> {
    for await (const [event] of on(this.emitter, practiceId, { signal })) yield event as LiveEvent;
  }
  listenerCount(practiceId: string) {
    return this.emitter.listenerCount(practiceId);
  }
}
