// Twilio pieces that need no server: the X-Twilio-Signature algorithm against Twilio's documented
// example, and E.164 numbers from the digits Tally stores.
import { describe, expect, it } from "vitest";
import { e164, twilioSignature, validTwilioSignature } from "./sms.ts";

describe("Twilio", () => {
  it("signs requests as Twilio documents (URL + sorted parameters, HMAC-SHA1 with the auth token)", () => {
    // Twilio's documented example (security/signature_validation in TwilioDevEd/api-snippets).
    const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const params = { CallSid: "CA1234567890ABCDE", Caller: "+14158675309", Digits: "1234", From: "+14158675309", To: "+18005551212" };
    expect(twilioSignature("12345", url, params)).toBe("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    expect(validTwilioSignature("12345", url, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).toBe(true);
    expect(validTwilioSignature("12345", url, { ...params, Digits: "9" }, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).toBe(false);
    expect(validTwilioSignature("12345", url, params, undefined)).toBe(false);
  });

  it("writes stored digits as E.164", () => {
    expect(e164("5125550101")).toBe("+15125550101");
    expect(e164("447700900123")).toBe("+447700900123");
  });
});
