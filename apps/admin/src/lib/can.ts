// What the signed-in person may do, from the API's answer (core permissions.ts is the one list):
// pages show a button only when its action is allowed, so a team member never meets a button that
// would answer "not allowed".

export interface WithActions {
  can: readonly string[];
}

/** Whether the staff user may do the action (`module.verb`, as in core permissions.ts). */
export function allowed(staff: WithActions | null | undefined, action: StaffAction): boolean {
  return staff?.can.includes(action) ?? false;
}
