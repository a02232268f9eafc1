// Outgoing email: SMTP through nodemailer when SMTP_URL is set, otherwise the dev mailbox table
// (the admin app lists it), so a fresh install can show the daily digest without a mail server.
import { type Db, devMailbox } from "@tally/db";
import nodemailer from "nodemailer";

export interface Mail {
  practiceId?: string | null;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  kind: "smtp" | "dev-mailbox";
  send(mail: Mail): Promise<void>;
  close(): void;
}

export function createMailer(db: Db, options: { smtpUrl?: string; from: string }): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      kind: "smtp",
      send: async (m) => {
        await transport.sendMail({ from: options.from, to: m.to, subject: m.subject, text: m.text, html: m.html });
      },
      close: () => transport.close(),
    };
  }
  return {
    kind: "dev-mailbox",
    send: async (m) => {
      await db
        .insert(devMailbox)
        .values({ practiceId: m.practiceId ?? null, to: m.to, subject: m.subject, text: m.text, html: m.html ?? null });
    },
    close: () => {},
  };
}
