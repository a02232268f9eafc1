// The root tRPC router; apps import only its type (AppRouter) for their typed clients.
import { router } from "./init.ts";
import { apiKeysRouter } from "./routers/api-keys.ts";
import { authRouter } from "./routers/auth.ts";
import { kiosksRouter } from "./routers/kiosks.ts";
import { liveRouter } from "./routers/live.ts";
import { mailboxRouter } from "./routers/mailbox.ts";
import { practiceRouter } from "./routers/practice.ts";
import { staffRouter } from "./routers/staff.ts";

export const appRouter = router({
  practice: practiceRouter,
  auth: authRouter,
  staff: staffRouter,
  kiosks: kiosksRouter,
  apiKeys: apiKeysRouter,
  live: liveRouter,
  mailbox: mailboxRouter,
});

export type AppRouter = typeof appRouter;
