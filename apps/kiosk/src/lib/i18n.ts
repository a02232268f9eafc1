// The kiosk speaks English and Spanish; every screen has the switch. A plain dictionary is enough
// for two languages and a handful of screens; the `satisfies` keeps both in step at compile time.

export const LANGS = ["en", "es"] as const;
export type Lang = (typeof LANGS)[number];

const en = {
  checkIn: "Check in",
  howToCheckIn: "How would you like to check in?",
  card: "Rewards card",
  cardHint: "Scan or type your card number",
  qr: "QR code",
  qrHint: "Show the code on your phone",
  phone: "Phone number",
  phoneHint: "Type the number we have on file",
  needHelp: "Need help? Please see the front desk.",
  language: "Language",
  startOver: "Start over",
  continue: "Continue",
  cardTitle: "Scan or type your rewards card",
  cardNumber: "Rewards card number",
  qrTitle: "Show your QR code",
  qrInstructions: "Hold the QR code from your rewards app or email up to the camera above this screen.",
  phoneTitle: "Type your phone number",
  phoneNumber: "Phone number",
  notYet: "Self check-in is not switched on yet. Please see the front desk and we will check you in.",
  enterCard: "Enter the number on your card.",
  enterPhone: "Enter your phone number, 10 digits.",
} as const;

const es = {
  checkIn: "Registrar llegada",
  howToCheckIn: "¿Cómo quiere registrar su llegada?",
  card: "Tarjeta de recompensas",
  cardHint: "Escanee o escriba el número",
  qr: "Código QR",
  qrHint: "Muestre el código en su teléfono",
  phone: "Número de teléfono",
  phoneHint: "Escriba el número que tenemos registrado",
  needHelp: "¿Necesita ayuda? Por favor, acuda a recepción.",
  language: "Idioma",
  startOver: "Empezar de nuevo",
  continue: "Continuar",
  cardTitle: "Escanee o escriba su tarjeta de recompensas",
  cardNumber: "Número de tarjeta de recompensas",
  qrTitle: "Muestre su código QR",
  qrInstructions: "Acerque el código QR de su aplicación o correo de recompensas a la cámara sobre esta pantalla.",
  phoneTitle: "Escriba su número de teléfono",
  phoneNumber: "Número de teléfono",
  notYet: "El registro automático aún no está activado. Por favor, acuda a recepción y le atenderemos.",
  enterCard: "Escriba el número de su tarjeta.",
  enterPhone: "Escriba su número de teléfono, 10 dígitos.",
} as const satisfies Record<keyof typeof en, string>;

export type MessageKey = keyof typeof en;
export const messages: Record<Lang, Record<MessageKey, string>> = { en, es };

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGS as readonly string[]).includes(value);
}

/**
 * The screen language: the switch's choice in the URL (`?lang=es`) wins, then the browser's
 * Accept-Language, then English. It lives in the URL rather than a cookie on purpose: when the
 * kiosk goes back to its start screen the next patient starts in the default language again.
 */
export function negotiateLanguage(input: { query?: string | null; acceptLanguage?: string | null }): Lang {
  if (isLang(input.query)) return input.query;
  const preferred = (input.acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.find((p) => p.trim().startsWith("q="));
      return { lang: tag.split("-")[0]?.toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q)
    .find((entry) => isLang(entry.lang));
  return (preferred?.lang as Lang | undefined) ?? "en";
}

/** Initials for the logo placeholder until practices upload a logo: "Bright Smiles Orthodontics" -> "BS". */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase())
    .join("");
}

/** A kiosk link that keeps the chosen language for the rest of this patient's visit. */
export function withLang(path: string, lang: Lang): string {
  return lang === "en" ? path : `${path}?lang=${lang}`;
}
