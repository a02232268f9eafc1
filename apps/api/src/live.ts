// The in-process event bus behind the staff live prompt (SSE subscription): check-ins, unlocked
// instant rewards and kiosk lockouts, each for one practice. Check-ins and lockouts are published
// by the routes that see them (one process sees its own). Unlocked instant rewards come from the
// write pipeline's NOTIFY (core events/live.ts), whatever door recorded the event and whichever
// server of the database ran it: the bus listens while anyone is subscribed.
import { EventEmitter, on } from "node:events";
import { LIVE_CHANNEL, readNotices, type UnlockNotice } from "@tally/core";
import { type Database, members } from "@tally/db";
import { inArray } from "drizzle-orm";

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

/** How staff see a patient in a prompt: first name and last initial. */
export const promptName = (m: { firstName: string; lastName: string }) => `${m.firstName} ${m.lastName.slice(0, 1)}.`;

export class LiveBus {
  private emitter = new EventEmitter();
  private listening: Promise<unknown> | undefined;
  private database: Database | undefined;
  constructor(database?: Database) {
    this.database = database;
    this.emitter.setMaxListeners(0);
  }
  publish(event: LiveEvent) {
    this.emitter.emit(event.practiceId, event);
  }
  async *subscribe(practiceId: string, signal?: AbortSignal): AsyncGenerator<LiveEvent> {
    const events = on(this.emitter, practiceId, { signal });
    await this.follow();
    for await (const [event] of events) yield event as LiveEvent;
  }
  listenerCount(practiceId: string) {
    return this.emitter.listenerCount(practiceId);
  }

  /** Starts hearing the pipeline's unlock notices (once; a failure is retried by the next subscriber). */
  private follow(): Promise<unknown> {
    if (!this.database) return Promise.resolve();
    this.listening ??= this.database
      .listen(LIVE_CHANNEL, (payload) => {
        void this.announce(readNotices(payload)).catch(() => {});
      })
      .catch((err) => {
        this.listening = undefined;
        throw err;
      });
    return this.listening;
  }

  private async announce(notices: UnlockNotice[]) {
    const wanted = notices.filter((n) => this.emitter.listenerCount(n.practiceId) > 0);
    if (wanted.length === 0 || !this.database) return;
    const rows = await this.database.db
      .select({ id: members.id, firstName: members.firstName, lastName: members.lastName })
      .from(members)
      .where(inArray(members.id, [...new Set(wanted.map((n) => n.memberId))]));
    const names = new Map(rows.map((m) => [m.id, promptName(m)]));
    for (const n of wanted) {
      this.publish({
        type: "instant_unlocked",
        practiceId: n.practiceId,
        at: n.at,
        memberId: n.memberId,
        name: names.get(n.memberId) ?? "A patient",
        coupons: n.coupons,
      });
    }
  }
}
