// The message outbox's sender for tools outside the API process (the drain benchmark's workers).
export { createMailer } from "../mail.ts";
export { type DrainOptions, type DrainReport, drainMessages } from "./drain.ts";
