// Structured JSON logs (pino): one line per event, easy to ship and grep. Personal data and
// credentials never reach them: the fields below are censored wherever they sit in the first three
// levels of a logged object (an error's details, a query's parameters, a request's headers). Text
// inside a log message is not redacted: messages name ids, never people.
import pino from "pino";

/** Fields that hold personal data or secrets, whatever object they are in. */
const sensitive = [
  "email",
  "phone",
  "birthDate",
  "birthdate",
  "dateOfBirth",
  "firstName",
  "lastName",
  "fullName",
  "petName",
  "address",
  "password",
  "newPassword",
  "currentPassword",
  "token",
  "accessToken",
  "refreshToken",
  "apiKey",
  "secret",
  "cookie",
  "authorization",
  "set-cookie",
  // SQL parameters of a failed query (drizzle's and postgres.js's errors carry them).
  "params",
  "parameters",
];

/** Objects whose `name` is a person's. */
const people = ["member", "staff", "user", "patient", "lead", "referrer", "friend", "owner"];

const key = (field: string) => (/^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`);
const join = (prefix: string, field: string) => (key(field).startsWith("[") ? `${prefix}${key(field)}` : `${prefix}.${field}`);

export const redactPaths = [
  ...sensitive.flatMap((f) => [key(f), join("*", f), join("*.*", f)]),
  ...people.flatMap((p) => [`${p}.name`, `*.${p}.name`]),
];

export type Logger = pino.Logger;

export const createLogger = (level: string, destination?: pino.DestinationStream) =>
  pino({ level, base: { service: "tally-api" }, redact: { paths: redactPaths, censor: "[redacted]" } }, destination);
