// The editor's right-hand preview: each rule of the source in plain English (describeRule),
// with the line it starts on so a click can jump there.
import { check, type Diagnostic, describeRule } from "@tally/rules";

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
  return { diagnostics, rules };
}
