// Structured JSON logs (pino): one line per event, easy to ship and grep.
import pino from "pino";

export type Logger = pino.Logger;
export const createLogger = (level: string) => pino({ level, base: { service: "tally-api" } });
