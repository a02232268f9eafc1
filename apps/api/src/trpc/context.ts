// Per-request context for tRPC procedures.
import type { Database } from "@tally/db";
import type { Logger } from "../logger.ts";

export interface Context {
  database: Database;
  log: Logger;
  req: Request;
}
