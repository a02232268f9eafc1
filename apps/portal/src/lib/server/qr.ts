// QR codes drawn on the server as SVG (no script needed on the phone), the same library the
// admin app prints office codes with.
import QRCode from "qrcode";

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2, color: { dark: "#17212b", light: "#ffffff" } });
}
