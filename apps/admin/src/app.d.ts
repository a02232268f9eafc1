// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {
    interface Locals {
      /** The signed-in staff user (set by hooks.server.ts on pages inside the (app) group). */
      staff: StaffUser | null;
    }
    interface Error {
      message: string;
      /** Set by requireAdmin: the page exists but is for admins only. */
      adminOnly?: boolean;
    }
  }

  interface StaffUser {
    id: string;
    name: string;
    email: string;
    role: "admin" | "team_member";
    practiceId: string;
    timezone: string;
    mustChangePassword: boolean;
    /** The practice requires a second factor of this person and they have none yet. */
    mustEnrol: boolean;
    /** The actions the role may do (core permissions.ts, from auth.me): see #lib/can.ts. */
    can: StaffAction[];
  }

  type StaffAction = import("@tally/api/client").ApiOutputs["auth"]["me"]["can"][number];
}

export {};
