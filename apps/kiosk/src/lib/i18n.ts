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
  code: "Check-in code",
  codeHint: "Type the 8 digits from your rewards app",
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
  // Keypad
  keypad: "Number keypad",
  deleteDigit: "Delete",
  clearAll: "Clear",
  // Pairing
  pairTitle: "Set up this kiosk",
  pairIntro: "An admin creates a pairing code in Admin, Settings, Kiosks. Type the 8-digit code here.",
  pairCode: "Pairing code",
  pair: "Pair this kiosk",
  pairing: "Pairing…",
  enterPairCode: "Enter the 8-digit pairing code.",
  pairInvalid: "That pairing code did not work. It may have expired: ask an admin for a new one.",
  paired: "This kiosk is paired. Patients can check in now.",
  // Identification
  checkingIn: "Checking you in…",
  birthDate: "Date of birth",
  birthDateHint: "MM/DD/YYYY",
  enterBirthDate: "Enter your date of birth as MM/DD/YYYY.",
  notFound: "We could not find you. Please check the number and try again, or see the front desk.",
  tooFast: "Too many tries in a short time. Please wait a minute, or see the front desk.",
  unavailable: "Check-in is not working right now. Please see the front desk and we will check you in.",
  qrStartCamera: "Use the camera",
  qrLooking: "Looking for your QR code… hold it steady in front of the camera.",
  qrNoCamera: "This kiosk has no camera it can use. Type your 8-digit check-in code instead.",
  enterQr: "Scan your QR code, or type your 8-digit check-in code.",
  codeTitle: "Type your check-in code",
  codeLabel: "Check-in code (8 digits)",
  codeHelp: "Open the rewards app, go to Profile, and type the 8-digit code shown there. It works once, for a few minutes.",
  enterCode: "Type the 8 digits of your check-in code.",
  qrCodeOrCheckIn: "Or type your 8-digit check-in code",
  qrScannerInstructions: "Hold the QR code from your rewards app under the scanner.",
  // Front desk
  deskTitle: "Please see the front desk",
  deskLocked:
    "For your security, check-in on this kiosk is paused after several tries that did not match. The front desk will check you in right away.",
  deskAmbiguous: "More than one person matches these details. The front desk will check you in right away.",
  // Result
  welcome: "Welcome, {name}!",
  checkedIn: "You are checked in. Please take a seat.",
  alreadyToday: "You already checked in today",
  alreadyTodayNote: "Please take a seat.",
  pointsNow: "Points this visit",
  balance: "Your balance",
  milestone: "{rule}: {current} of {target} perfect surveys",
  milestoneNext: "Next: {phase}",
  milestoneDone: "{rule}: every phase reached!",
  instantRewards: "Rewards unlocked",
  timeLeft: "{time} left",
  moreRewards: "and {count} more: ask at the front desk",
  noExpiry: "No expiry",
  tier: "Your tier",
  tierNextSpend: "Spend {amount} more to reach {tier}",
  tierNextPoints: "Earn {points} more to reach {tier}",
  tierNextVisits: "{count} more visits to reach {tier}",
  tierTop: "You are in the top tier",
  expiringNext: "{points} expire on {date}",
  done: "Done",
  takeSurvey: "Take our 30-second survey",
  // Survey
  surveyTitle: "How is your treatment going?",
  surveyIntro: "Answer each question. Your answers help you reach your next milestone.",
  yes: "Yes",
  no: "No",
  sendAnswers: "Send answers",
  answerAll: "Please answer every question.",
  surveyThanks: "Thank you!",
  surveyPerfect: "Perfect score. It counts toward your next milestone.",
  surveyRecorded: "Your answers are saved.",
  surveyExpired: "The survey has timed out. Please ask the front desk if you would like to take it.",
  // Idle
  backToStart: "Back to the start screen in {seconds} s",
  stillHere: "Touch the screen to keep going.",
  // An install without a practice yet
  notSetUpTitle: "Check-in is not set up yet",
  notSetUpBody: "This practice is still getting its rewards program ready. Please see the front desk and we will check you in.",
} as const;

const es = {
  checkIn: "Registrar llegada",
  howToCheckIn: "¿Cómo quiere registrar su llegada?",
  card: "Tarjeta de recompensas",
  cardHint: "Escanee o escriba el número",
  qr: "Código QR",
  qrHint: "Muestre el código en su teléfono",
  code: "Código de llegada",
  codeHint: "Escriba los 8 dígitos de su aplicación de recompensas",
  phone: "Número de teléfono",
  phoneHint: "Escriba el número que tenemos registrado",
  needHelp: "¿Necesita ayuda? Por favor, acuda a recepción.",
  language: "Idioma",
  startOver: "Reiniciar",
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
  keypad: "Teclado numérico",
  deleteDigit: "Borrar",
  clearAll: "Limpiar",
  pairTitle: "Configurar este quiosco",
  pairIntro: "Un administrador crea un código de vinculación en Admin, Configuración, Quioscos. Escriba aquí el código de 8 dígitos.",
  pairCode: "Código de vinculación",
  pair: "Vincular este quiosco",
  pairing: "Vinculando…",
  enterPairCode: "Escriba el código de vinculación de 8 dígitos.",
  pairInvalid: "Ese código de vinculación no funcionó. Puede haber caducado: pida uno nuevo a un administrador.",
  paired: "Este quiosco está vinculado. Los pacientes ya pueden registrar su llegada.",
  checkingIn: "Registrando su llegada…",
  birthDate: "Fecha de nacimiento",
  birthDateHint: "DD/MM/AAAA",
  enterBirthDate: "Escriba su fecha de nacimiento como DD/MM/AAAA.",
  notFound: "No le encontramos. Revise el número e inténtelo de nuevo, o acuda a recepción.",
  tooFast: "Demasiados intentos en poco tiempo. Espere un minuto o acuda a recepción.",
  unavailable: "El registro no funciona en este momento. Por favor, acuda a recepción y le atenderemos.",
  qrStartCamera: "Usar la cámara",
  qrLooking: "Buscando su código QR… manténgalo quieto frente a la cámara.",
  qrNoCamera: "Este quiosco no tiene una cámara disponible. Escriba su código de llegada de 8 dígitos.",
  enterQr: "Escanee su código QR o escriba su código de llegada de 8 dígitos.",
  codeTitle: "Escriba su código de llegada",
  codeLabel: "Código de llegada (8 dígitos)",
  codeHelp:
    "Abra la aplicación de recompensas, vaya a Perfil y escriba el código de 8 dígitos que aparece. Sirve una vez, durante unos minutos.",
  enterCode: "Escriba los 8 dígitos de su código de llegada.",
  qrCodeOrCheckIn: "O escriba su código de llegada de 8 dígitos",
  qrScannerInstructions: "Acerque el código QR de su aplicación de recompensas al escáner.",
  deskTitle: "Por favor, acuda a recepción",
  deskLocked:
    "Por su seguridad, el registro en este quiosco se ha pausado tras varios intentos que no coincidieron. En recepción le registrarán enseguida.",
  deskAmbiguous: "Más de una persona coincide con estos datos. En recepción le registrarán enseguida.",
  welcome: "¡Bienvenido/a, {name}!",
  checkedIn: "Su llegada está registrada. Por favor, tome asiento.",
  alreadyToday: "Ya registró su llegada hoy",
  alreadyTodayNote: "Por favor, tome asiento.",
  pointsNow: "Puntos de esta visita",
  balance: "Su saldo",
  milestone: "{rule}: {current} de {target} encuestas perfectas",
  milestoneNext: "Siguiente: {phase}",
  milestoneDone: "{rule}: ¡todas las fases logradas!",
  instantRewards: "Recompensas desbloqueadas",
  timeLeft: "Quedan {time}",
  moreRewards: "y {count} más: pregunte en recepción",
  noExpiry: "Sin fecha de caducidad",
  tier: "Su nivel",
  tierNextSpend: "Gaste {amount} más para llegar a {tier}",
  tierNextPoints: "Gane {points} más para llegar a {tier}",
  tierNextVisits: "{count} visitas más para llegar a {tier}",
  tierTop: "Está en el nivel más alto",
  expiringNext: "{points} caducan el {date}",
  done: "Listo",
  takeSurvey: "Responda nuestra encuesta de 30 segundos",
  surveyTitle: "¿Cómo va su tratamiento?",
  surveyIntro: "Responda cada pregunta. Sus respuestas le ayudan a alcanzar su próxima meta.",
  yes: "Sí",
  no: "No",
  sendAnswers: "Enviar respuestas",
  answerAll: "Por favor, responda todas las preguntas.",
  surveyThanks: "¡Gracias!",
  surveyPerfect: "Puntuación perfecta. Cuenta para su próxima meta.",
  surveyRecorded: "Sus respuestas están guardadas.",
  surveyExpired: "La encuesta ha caducado. Pregunte en recepción si desea responderla.",
  backToStart: "Volverá a la pantalla de inicio en {seconds} s",
  stillHere: "Toque la pantalla para continuar.",
  notSetUpTitle: "El registro aún no está configurado",
  notSetUpBody: "Esta consulta aún está preparando su programa de recompensas. Por favor, acuda a recepción y le registraremos.",
} as const satisfies Record<keyof typeof en, string>;

export type MessageKey = keyof typeof en;
export const messages: Record<Lang, Record<MessageKey, string>> = { en, es };

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGS as readonly string[]).includes(value);
}

/**
 * The screen language: the switch's choice in the URL (`?lang=es`) wins, then the practice's
 * language (a paired kiosk), then the browser's Accept-Language, then English. It lives in the URL
 * rather than a cookie on purpose: when the kiosk goes back to its start screen (no `?lang=`) the
 * next patient starts in the practice's language again.
 */
export function negotiateLanguage(input: { query?: string | null; practice?: string | null; acceptLanguage?: string | null }): Lang {
  if (isLang(input.query)) return input.query;
  if (isLang(input.practice)) return input.practice;
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

/** A kiosk link that keeps the chosen language for the rest of this patient's visit. The start
 *  screen without it (`resolve("/")`, where a visit ends and the idle timer goes) is in the
 *  practice's language. */
export function withLang(path: string, lang: Lang): string {
  return `${path}?lang=${lang}`;
}

/** Fills `{name}` placeholders: fill("Welcome, {name}!", { name: "Ana B." }). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

/** The number formatting locale for a screen language. */
export const localeOf = (lang: Lang) => (lang === "es" ? "es-US" : "en-US");
