// What patients may see and do under each program status (SPEC, program settings): the one policy
// the kiosk, the portal and the API apply. Staff always see everything.
//   on:   points accumulate; patients see their balance and may redeem.
//   test: points accumulate; patients see no balance and cannot redeem.
//   off:  nothing accumulates; patients cannot redeem but still see their balance, marked paused.

import type { ProgramStatus } from "../engine/types.ts";

export interface PatientVisibility {
  /** Patients see their balance (and the points an event gave them). */
  showBalance: boolean;
  /** Patients may redeem rewards. */
  canRedeem: boolean;
  /** Show "the rewards program is paused" beside the balance. */
  paused: boolean;
}

const policy: Record<ProgramStatus, PatientVisibility> = {
  on: { showBalance: true, canRedeem: true, paused: false },
  test: { showBalance: false, canRedeem: false, paused: false },
  off: { showBalance: true, canRedeem: false, paused: true },
};

export function patientVisibility(status: ProgramStatus): PatientVisibility {
  return policy[status];
}

/** A balance (or points figure) as a patient may see it: null when the status hides it. */
export function balanceForPatient(status: ProgramStatus, points: number): number | null {
  return policy[status].showBalance ? points : null;
}
