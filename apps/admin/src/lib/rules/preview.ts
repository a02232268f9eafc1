// The editor's right-hand preview: each rule of the source in plain English (describeRule), and
// the program-wide declarations (points expiry, tiers: describeDeclaration), with the line each
// starts on so a click can jump there.
import { check, type Diagnostic, describeDeclaration, describeRule } from "@tally/rules";

export interface RulePreview {
  name: string;
  kind: string;
  line: number;
  text: string;
  /** The parser had to recover inside this rule: the description may be partial. */
  partial: boolean;
}

export interface Analysis {
  diagnostics: Diagnostic[];
  rules: RulePreview[];
}

/** Checks the source as the API will (pass the practice's coupon codes) and describes each rule,
 *  naming coupons by their catalog display names (`couponNames`: code -> name). */
export function analyse(source: string, catalog?: readonly string[], couponNames?: Readonly<Record<string, string>>): Analysis {
  const { ast, diagnostics } = check(source, catalog && catalog.length > 0 ? { catalog } : {});
  const rules = ast.rules.map((r) => {
    let text: string;
    try {
      text = describeRule(r, { couponNames });
    } catch {
      text = "This rule is incomplete; fix the errors to see what it does.";
    }
    return { name: r.name, kind: r.kind, line: r.span.line, text, partial: r.recovered === true };
  });
  const declarations = (ast.declarations ?? []).map((d) => {
    let text: string;
    try {
      text = describeDeclaration(d);
    } catch {
      text = "This declaration is incomplete; fix the errors to see what it does.";
    }
    return { name: d.kind === "expire" ? "Points expiry" : "Tiers", kind: d.kind, line: d.span.line, text, partial: false };
  });
  return { diagnostics, rules: [...declarations, ...rules].sort((a, b) => a.line - b.line) };
}
