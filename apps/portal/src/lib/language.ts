// The portal's language switch remembers the choice in this cookie (also before sign-in); a
// signed-in member's choice is stored on the member too, for the kiosk, emails and texts.
export const languageCookie = "tally_lang";
