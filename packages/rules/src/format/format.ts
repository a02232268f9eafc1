// AST -> canonical source. parse(format(ast)) equals ast (ignoring positions): parentheses are
// written exactly where the tree's shape needs them, numbers and texts in a form that lexes
// back to the same value. Comments are not part of the AST and are not kept.
import type { Clause, Declaration, Duration, Expr, Prize, Rule, RuleSet } from "../ast/ast.ts";

export function format(ast: RuleSet): string {
  return [...(ast.declarations ?? []).map(formatDeclaration), ...ast.rules.map(formatRule)].join("\n");
}

export function formatDeclaration(d: Declaration): string {
  if (d.kind === "expire")
    return d.mode === "after_earning"
      ? `expire points ${d.months} months after earning\n`
      : `expire points after ${d.months} months without activity\n`;
  const lines = d.tiers.map(
    (t) =>
      `  tier ${quote(t.name)} from ${t.money ? money(t.from) : t.from}${t.multiplier === null ? "" : ` multiplier ${t.multiplier}`}\n`,
  );
  return `tiers by ${d.by} over ${d.months} months {\n${lines.join("")}}\n`;
}

export function formatRule(r: Rule): string {
  let head: string;
  switch (r.kind) {
    case "earn":
      head = `earn ${quote(r.name)} on ${r.event.name}${r.when ? ` when ${formatExpr(r.when)}` : ""}`;
      break;
    case "reward":
      head = `reward ${quote(r.name)} ${r.event ? `on ${r.event.name}${r.when ? ` when ${formatExpr(r.when)}` : ""}` : "manual"}`;
      break;
    case "instant":
      head = `instant ${quote(r.name)}`;
      break;
    case "milestone":
      head = `milestone ${quote(r.name)} ${r.program}${r.when ? ` when ${formatExpr(r.when)}` : ""}`;
      break;
  }
  return `${head} {\n${r.clauses.map((c) => `  ${formatClause(c)}\n`).join("")}}\n`;
}

export function formatClause(c: Clause): string {
  switch (c.kind) {
    case "rate":
      return `rate ${points(c.points)} per ${money(c.perCents)}`;
    case "mode":
      return `mode ${c.mode}`;
    case "minimum":
      return `minimum ${money(c.cents)}`;
    case "items":
      return `items ${Array.isArray(c.items) ? `[${c.items.map(quote).join(", ")}]` : c.items}`;
    case "during":
      return `during ${c.yearly ? "every year " : ""}${c.from} to ${c.to}`;
    case "cap":
      return `cap ${points(c.points)} per ${c.per}`;
    case "available":
      return `available after ${duration(c.after)}`;
    case "award":
      return `award ${prize(c.prize)}${c.to ? ` to ${c.to}` : ""}`;
    case "accumulate":
      return `accumulate ${c.mode}`;
    case "limit":
      return `limit ${c.count === 1 ? "once" : c.count} per ${c.per}`;
    case "prompt":
      return `prompt ${quote(c.text)}`;
    case "confirmation":
      return `confirmation ${quote(c.text)}`;
    case "window":
      return `window ${duration(c.duration)}`;
    case "when":
      return `when ${formatExpr(c.expr)}`;
    case "unlock":
      return `unlock ${c.coupons.map((x) => `coupon ${quote(x.name)}`).join(", ")}${c.for ? ` for ${duration(c.for)}` : ""}`;
    case "every":
      return `every ${c.count} perfect surveys award ${prize(c.prize)}`;
    case "phase":
      return `phase ${quote(c.name)} after ${c.count} perfect surveys award ${prize(c.prize)}`;
  }
}

function points(n: number): string {
  return `${n} ${n === 1 ? "point" : "points"}`;
}

function prize(p: Prize): string {
  const parts = p.coupons.map((c) => `coupon ${quote(c.name)}${c.for ? ` for ${duration(c.for)}` : ""}`);
  if (p.points !== null) parts.unshift(points(p.points));
  return parts.join(" and ");
}

function duration(d: Duration): string {
  return `${d.amount} ${d.unit}${d.amount === 1 ? "" : "s"}`;
}

/** Cents -> "$20", "$1,250.50". */
export function money(cents: number): string {
  const dollars = Math.floor(cents / 100);
  const rest = cents % 100;
  const grouped = String(dollars).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `$${grouped}${rest ? `.${String(rest).padStart(2, "0")}` : ""}`;
}

export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (ch < " " || ch === "\u2028" || ch === "\u2029") out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

function number(v: number): string {
  const s = String(v);
  if (!s.includes("e")) return s;
  return Number.isInteger(v) ? BigInt(v).toString() : v.toFixed(100).replace(/0+$/, "");
}

// Binding strength; a child printed where a stronger level is required gets parentheses.
const OR = 1;
const AND = 2;
const NOT = 3;
const CMP = 4;
const SUM = 5;
const TERM = 6;
const ATOM = 7;

function level(e: Expr): number {
  switch (e.kind) {
    case "binary":
      return e.op === "or" ? OR : e.op === "and" ? AND : e.op === "+" || e.op === "-" ? SUM : e.op === "*" || e.op === "/" ? TERM : CMP;
    case "not":
      return NOT;
    case "hasTag":
      return CMP;
    default:
      return ATOM;
  }
}

export function formatExpr(e: Expr, min = OR): string {
  const s = raw(e);
  return level(e) < min ? `(${s})` : s;
}

function raw(e: Expr): string {
  switch (e.kind) {
    case "number":
      return number(e.value);
    case "money":
      return money(e.cents);
    case "string":
      return quote(e.value);
    case "bool":
      return String(e.value);
    case "path":
      return e.path;
    case "list":
      return `[${e.items.map((i) => formatExpr(i, ATOM)).join(", ")}]`;
    case "not":
      return `not ${formatExpr(e.operand, NOT)}`;
    case "hasTag":
      return `${formatExpr(e.subject, SUM)} has tag ${quote(e.tag)}`;
    case "binary": {
      const l = level(e);
      // Left-associative levels: the left operand may sit at the same level, the right may not.
      if (l === CMP) return `${formatExpr(e.left, SUM)} ${e.op} ${formatExpr(e.right, SUM)}`;
      return `${formatExpr(e.left, l)} ${e.op} ${formatExpr(e.right, l + 1)}`;
    }
  }
}
