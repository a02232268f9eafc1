// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {
    interface Locals {
      /** The signed-in member or lead (set by hooks.server.ts when the session cookie is valid). */
      member: PortalMember | null;
    }
  }

  interface PortalMember {
    id: string;
    firstName: string;
    /** A lead self-registered and waits for the practice to convert it: limited access. */
    status: "member" | "lead" | "merged";
    practiceId: string;
  }
}

export {};
