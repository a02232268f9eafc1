// The practice an unpaired kiosk shows: the operator's TALLY_PRACTICE override, else the install's
// default practice (Settings → Practice "default practice", `pnpm tally practice default`). A paired
// kiosk shows the practice it was paired with (device.ts). On an install without any practice yet
// the kiosk says it is not set up instead of offering to pair.
import { TALLY_PRACTICE } from "$app/env/private";
import { publicApi } from "./api.ts";

type EventLike = Parameters<typeof publicApi>[0];

export interface UnpairedPractice {
  /** The practice's name, when one is known. */
  name: string | null;
  /** The install has no practice at all yet (TALLY_SEED=never, before setup). */
  notSetUp: boolean;
}

export async function unpairedPractice(event: EventLike): Promise<UnpairedPractice> {
  const api = publicApi(event);
  if (TALLY_PRACTICE) {
    const named = await api.practice.public.query({ slug: TALLY_PRACTICE }).catch(() => null);
    if (named) return { name: named.name, notSetUp: false };
  }
  const fallback = await api.practice.default.query().catch(() => undefined);
  if (fallback) return { name: fallback.name, notSetUp: false };
  // No default: either several practices and none chosen (pairing still works), or none at all.
  const status = await api.practice.setupStatus.query().catch(() => null);
  return { name: null, notSetUp: status?.needed === true };
}
