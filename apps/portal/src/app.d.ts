// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {
    interface Locals {
      /** The signed-in member or lead (set by hooks.server.ts when the session cookie is valid). */
      member: PortalMember | null;
      /** The page's language (hooks.server.ts): the member's choice, the switch's cookie or the browser's. */
      lang: "en" | "es";
    }
  }

  interface PortalMember {
    id: string;
    firstName: string;
    /** A lead self-registered and waits for the practice to convert it: limited access. */
    status: "member" | "lead" | "merged";
    practiceId: string;
    /** The language the member chose; null: not chosen yet (offered on the home page). */
    language: "en" | "es" | null;
  }
}

export {};
