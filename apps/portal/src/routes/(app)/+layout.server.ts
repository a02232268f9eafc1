import { api } from "#lib/server/api.js";
import type { LayoutServerLoad } from "./$types";

// hooks.server.ts guarantees a session here. The practice is the session's own.
export const load: LayoutServerLoad = async (event) => {
  const member = event.locals.member!;
  const practice = await api(event).practice.mine.query();
  return { member, practice, practiceName: practice.name, isLead: member.status === "lead", now: Date.now() };
};
