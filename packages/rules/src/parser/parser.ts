// One reusable chevrotain CstParser for a single rule. The rule set is split into rules
// before parsing (see parse.ts), so a broken rule never hides the errors of the next one.
import { type CstNode, CstParser, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import { closest } from "../check/catalog.ts";
import * as T from "../lexer/tokens.ts";

/** Friendly parse messages; the exception's rule name is turned into a hint in parse.ts. */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    // A closing brace expected where a word stands: most likely a misspelt clause keyword.
    if (expected === T.RBrace && actual.tokenType === T.Identifier) {
      const hint = didYouMean(actual, clauseStartTokens);
      if (hint) return `expected a clause or "}" but found ${describe(actual)}${hint}`;
    }
    // A rule's head: "{" expected where a misspelt `when` stands.
    if (expected === T.LBrace && actual.tokenType === T.Identifier) {
      const hint = didYouMean(actual, [T.When]);
      if (hint) return `expected "when" or "{" but found ${describe(actual)}${hint}`;
    }
    return `expected ${label(expected)} but found ${describe(actual)}${didYouMean(actual, [expected])}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describe(firstRedundant)} after the end of the rule${didYouMean(firstRedundant, ruleStartTokens)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual }) {
    const firsts = new Set<string>();
    for (const alt of expectedPathsPerAlt) for (const path of alt) if (path[0]) firsts.add(label(path[0]));
    const list = [...firsts];
    const wanted = list.length > 6 ? `${list.slice(0, 6).join(", ")}, ...` : list.join(" or ");
    const tokens = expectedPathsPerAlt.flatMap((alt) => alt.map((path) => path[0]).filter((t): t is TokenType => t !== undefined));
    return `expected ${wanted} but found ${describe(actual[0])}${didYouMean(actual[0], tokens)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    const firsts = new Set<string>();
    for (const path of expectedIterationPaths) if (path[0]) firsts.add(label(path[0]));
    const tokens = expectedIterationPaths.map((path) => path[0]).filter((t): t is TokenType => t !== undefined);
    return `expected ${[...firsts].join(" or ")} but found ${describe(actual[0])}${didYouMean(actual[0], tokens)}`;
  },
};

const keywordSet = new Set<TokenType>(T.keywords);
export const ruleStartTokens: TokenType[] = [T.Earn, T.Reward, T.Instant, T.Milestone, T.Expire, T.Tiers];
const clauseStartTokens: TokenType[] = [
  T.Rate,
  T.Mode,
  T.Minimum,
  T.Items,
  T.During,
  T.Award,
  T.Accumulate,
  T.Limit,
  T.Prompt,
  T.Confirmation,
  T.Window,
  T.When,
  T.Unlock,
  T.Every,
  T.Phase,
  T.Cap,
  T.Available,
  T.Tier,
];

/** The spelling of a keyword token ("points?" -> "points"). */
function keywordText(t: TokenType): string | null {
  if (!keywordSet.has(t)) return null;
  const l = label(t);
  return l.startsWith('"') ? l.slice(1, -1) : null;
}

/** "; did you mean rate?" when a word that is not a keyword is a plausible typo of an expected one. */
export function didYouMean(actual: IToken | undefined, expected: readonly TokenType[]): string {
  if (!actual || actual.tokenType !== T.Identifier) return "";
  // Keywords with a plural form (`points?`, `months?`) are offered in both spellings.
  const words = [
    ...new Set(
      expected.flatMap((t) => {
        const w = keywordText(t);
        if (w === null) return [];
        return (t.PATTERN as RegExp).source.endsWith("s?") ? [w, `${w}s`] : [w];
      }),
    ),
  ];
  if (words.length === 0) return "";
  const image = actual.image.toLowerCase();
  const near = closest(image, words);
  if (near === null || near === image) return "";
  // Short words need a close match: "on" is not a typo of "no".
  if (image.length <= 3 && Math.abs(near.length - image.length) + (near[0] === image[0] ? 0 : 1) > 1) return "";
  return `; did you mean ${near}?`;
}

function label(t: TokenType): string {
  return t.LABEL ?? t.name;
}

export function describe(t: IToken | undefined): string {
  if (!t || t.tokenType.name === "EOF") return "the end of the text";
  if (t.tokenType === T.StringLit || t.tokenType === T.UnterminatedString) return `the text ${t.image}`;
  return `"${t.image}"`;
}

export class RulesParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, errorMessageProvider: messages, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  rule = this.RULE("rule", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.earnRule) },
      { ALT: () => this.SUBRULE(this.rewardRule) },
      { ALT: () => this.SUBRULE(this.instantRule) },
      { ALT: () => this.SUBRULE(this.milestoneRule) },
      { ALT: () => this.SUBRULE(this.expireDecl) },
      { ALT: () => this.SUBRULE(this.tiersDecl) },
    ]);
  });

  // expire points 12 months after earning | expire points after 18 months without activity
  expireDecl = this.RULE("expireDecl", () => {
    this.CONSUME(T.Expire);
    this.CONSUME(T.Point);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.NumberLit);
          this.CONSUME(T.Month);
          this.CONSUME(T.After);
          this.CONSUME(T.Earning);
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.After);
          this.CONSUME2(T.NumberLit);
          this.CONSUME2(T.Month);
          this.CONSUME(T.Without);
          this.CONSUME(T.Identifier, { LABEL: "activity" });
        },
      },
    ]);
  });

  // tiers by spend over 12 months { tier "Gold" from $1,000 multiplier 1.25 ... }
  tiersDecl = this.RULE("tiersDecl", () => {
    this.CONSUME(T.Tiers);
    this.CONSUME(T.By);
    this.OR([{ ALT: () => this.CONSUME(T.Spend) }, { ALT: () => this.CONSUME(T.Point) }, { ALT: () => this.CONSUME(T.Visits) }]);
    this.CONSUME(T.Over);
    this.CONSUME(T.NumberLit);
    this.CONSUME(T.Month);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.tierLine));
    this.CONSUME(T.RBrace);
  });

  tierLine = this.RULE("tierLine", () => {
    this.CONSUME(T.Tier);
    this.CONSUME(T.StringLit);
    this.CONSUME(T.From);
    this.OR([{ ALT: () => this.CONSUME(T.Money) }, { ALT: () => this.CONSUME(T.NumberLit) }]);
    this.OPTION(() => {
      this.CONSUME(T.Multiplier);
      this.CONSUME2(T.NumberLit, { LABEL: "multiplier" });
    });
  });

  earnRule = this.RULE("earnRule", () => {
    this.CONSUME(T.Earn);
    this.CONSUME(T.StringLit, { LABEL: "name" });
    this.CONSUME(T.On);
    this.SUBRULE(this.eventName);
    this.OPTION(() => {
      this.CONSUME(T.When);
      this.SUBRULE(this.expression);
    });
    this.SUBRULE(this.body);
  });

  rewardRule = this.RULE("rewardRule", () => {
    this.CONSUME(T.Reward);
    this.CONSUME(T.StringLit, { LABEL: "name" });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.On);
          this.SUBRULE(this.eventName);
          this.OPTION(() => {
            this.CONSUME(T.When);
            this.SUBRULE(this.expression);
          });
        },
      },
      { ALT: () => this.CONSUME(T.Manual) },
    ]);
    this.SUBRULE(this.body);
  });

  instantRule = this.RULE("instantRule", () => {
    this.CONSUME(T.Instant);
    this.CONSUME(T.StringLit, { LABEL: "name" });
    this.SUBRULE(this.body);
  });

  milestoneRule = this.RULE("milestoneRule", () => {
    this.CONSUME(T.Milestone);
    this.CONSUME(T.StringLit, { LABEL: "name" });
    this.OR([{ ALT: () => this.CONSUME(T.Unlimited) }, { ALT: () => this.CONSUME(T.Limited) }]);
    this.OPTION(() => {
      this.CONSUME(T.When);
      this.SUBRULE(this.expression);
    });
    this.SUBRULE(this.body);
  });

  eventName = this.RULE("eventName", () => {
    this.CONSUME(T.Word);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Word);
    });
  });

  // Every clause is accepted in every body; the checker says which belong where, which gives
  // far better messages ("accumulate is only for reward rules") than a syntax error would.
  body = this.RULE("body", () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.clause));
    this.CONSUME(T.RBrace);
  });

  clause = this.RULE("clause", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.rateClause) },
      { ALT: () => this.SUBRULE(this.modeClause) },
      { ALT: () => this.SUBRULE(this.minimumClause) },
      { ALT: () => this.SUBRULE(this.itemsClause) },
      { ALT: () => this.SUBRULE(this.duringClause) },
      { ALT: () => this.SUBRULE(this.awardClause) },
      { ALT: () => this.SUBRULE(this.accumulateClause) },
      { ALT: () => this.SUBRULE(this.limitClause) },
      { ALT: () => this.SUBRULE(this.promptClause) },
      { ALT: () => this.SUBRULE(this.confirmationClause) },
      { ALT: () => this.SUBRULE(this.windowClause) },
      { ALT: () => this.SUBRULE(this.whenClause) },
      { ALT: () => this.SUBRULE(this.unlockClause) },
      { ALT: () => this.SUBRULE(this.everyClause) },
      { ALT: () => this.SUBRULE(this.phaseClause) },
      { ALT: () => this.SUBRULE(this.capClause) },
      { ALT: () => this.SUBRULE(this.availableClause) },
    ]);
  });

  rateClause = this.RULE("rateClause", () => {
    this.CONSUME(T.Rate);
    this.CONSUME(T.NumberLit);
    this.CONSUME(T.Point);
    this.CONSUME(T.Per);
    this.CONSUME(T.Money);
  });

  modeClause = this.RULE("modeClause", () => {
    this.CONSUME(T.Mode);
    this.OR([{ ALT: () => this.CONSUME(T.PerTransaction) }, { ALT: () => this.CONSUME(T.TotalSpend) }]);
  });

  minimumClause = this.RULE("minimumClause", () => {
    this.CONSUME(T.Minimum);
    this.CONSUME(T.Money);
  });

  itemsClause = this.RULE("itemsClause", () => {
    this.CONSUME(T.Items);
    this.OR([{ ALT: () => this.CONSUME(T.Eligible) }, { ALT: () => this.CONSUME(T.All) }, { ALT: () => this.SUBRULE(this.codeList) }]);
  });

  codeList = this.RULE("codeList", () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.StringLit) });
    this.CONSUME(T.RBracket);
  });

  capClause = this.RULE("capClause", () => {
    this.CONSUME(T.Cap);
    this.CONSUME(T.NumberLit);
    this.CONSUME(T.Point);
    this.CONSUME(T.Per);
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier, { LABEL: "invoice" }) },
      { ALT: () => this.CONSUME(T.Day) },
      { ALT: () => this.CONSUME(T.Week) },
      { ALT: () => this.CONSUME(T.Month) },
      { ALT: () => this.CONSUME(T.Year) },
    ]);
  });

  availableClause = this.RULE("availableClause", () => {
    this.CONSUME(T.Available);
    this.CONSUME(T.After);
    this.SUBRULE(this.duration);
  });

  // during 2026-12-01 to 2026-12-31 | during every year 12-15 to 01-05 (month-days lex as N - N)
  duringClause = this.RULE("duringClause", () => {
    this.CONSUME(T.During);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.DateLit, { LABEL: "from" });
          this.CONSUME(T.To);
          this.CONSUME2(T.DateLit, { LABEL: "to" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Every);
          this.CONSUME(T.Year);
          this.CONSUME(T.NumberLit, { LABEL: "fromMonth" });
          this.CONSUME(T.Minus);
          this.CONSUME2(T.NumberLit, { LABEL: "fromDay" });
          this.CONSUME2(T.To);
          this.CONSUME3(T.NumberLit, { LABEL: "toMonth" });
          this.CONSUME2(T.Minus);
          this.CONSUME4(T.NumberLit, { LABEL: "toDay" });
        },
      },
    ]);
  });

  awardClause = this.RULE("awardClause", () => {
    this.CONSUME(T.Award);
    this.SUBRULE(this.prize);
    this.OPTION(() => {
      this.CONSUME(T.To);
      this.OR([{ ALT: () => this.CONSUME(T.Member) }, { ALT: () => this.CONSUME(T.Referrer) }]);
    });
  });

  accumulateClause = this.RULE("accumulateClause", () => {
    this.CONSUME(T.Accumulate);
    this.OR([{ ALT: () => this.CONSUME(T.Yes) }, { ALT: () => this.CONSUME(T.No) }, { ALT: () => this.CONSUME(T.BetterChoice) }]);
  });

  limitClause = this.RULE("limitClause", () => {
    this.CONSUME(T.Limit);
    this.OR([{ ALT: () => this.CONSUME(T.NumberLit) }, { ALT: () => this.CONSUME(T.Once) }]);
    this.CONSUME(T.Per);
    this.OR2([
      { ALT: () => this.CONSUME(T.Member) },
      { ALT: () => this.CONSUME(T.Day) },
      { ALT: () => this.CONSUME(T.Week) },
      { ALT: () => this.CONSUME(T.Month) },
      { ALT: () => this.CONSUME(T.Year) },
    ]);
  });

  promptClause = this.RULE("promptClause", () => {
    this.CONSUME(T.Prompt);
    this.CONSUME(T.StringLit);
  });

  confirmationClause = this.RULE("confirmationClause", () => {
    this.CONSUME(T.Confirmation);
    this.CONSUME(T.StringLit);
  });

  windowClause = this.RULE("windowClause", () => {
    this.CONSUME(T.Window);
    this.SUBRULE(this.duration);
  });

  whenClause = this.RULE("whenClause", () => {
    this.CONSUME(T.When);
    this.SUBRULE(this.expression);
  });

  unlockClause = this.RULE("unlockClause", () => {
    this.CONSUME(T.Unlock);
    this.SUBRULE(this.coupon);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.coupon);
    });
    this.OPTION(() => {
      this.CONSUME(T.For);
      this.SUBRULE(this.duration);
    });
  });

  everyClause = this.RULE("everyClause", () => {
    this.CONSUME(T.Every);
    this.CONSUME(T.NumberLit);
    this.CONSUME(T.Perfect);
    this.CONSUME(T.Surveys);
    this.CONSUME(T.Award);
    this.SUBRULE(this.prize);
  });

  phaseClause = this.RULE("phaseClause", () => {
    this.CONSUME(T.Phase);
    this.CONSUME(T.StringLit);
    this.CONSUME(T.After);
    this.CONSUME(T.NumberLit);
    this.CONSUME(T.Perfect);
    this.CONSUME(T.Surveys);
    this.CONSUME(T.Award);
    this.SUBRULE(this.prize);
  });

  prize = this.RULE("prize", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.NumberLit);
          this.CONSUME(T.Point);
        },
      },
      { ALT: () => this.SUBRULE(this.prizeCoupon) },
    ]);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.prizeCoupon);
    });
  });

  /** A coupon given by an award may carry its own lifetime: coupon "x" for 30 days. */
  prizeCoupon = this.RULE("prizeCoupon", () => {
    this.CONSUME(T.Coupon);
    this.CONSUME(T.StringLit);
    this.OPTION(() => {
      this.CONSUME(T.For);
      this.SUBRULE(this.duration);
    });
  });

  coupon = this.RULE("coupon", () => {
    this.CONSUME(T.Coupon);
    this.CONSUME(T.StringLit);
  });

  duration = this.RULE("duration", () => {
    this.CONSUME(T.NumberLit);
    this.OR([
      { ALT: () => this.CONSUME(T.Minute) },
      { ALT: () => this.CONSUME(T.Hour) },
      { ALT: () => this.CONSUME(T.Day) },
      { ALT: () => this.CONSUME(T.Week) },
      { ALT: () => this.CONSUME(T.Month) },
    ]);
  });

  // Expressions, loosest binding first.
  expression = this.RULE("expression", () => {
    this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andExpr);
    });
  });

  andExpr = this.RULE("andExpr", () => {
    this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notExpr);
    });
  });

  notExpr = this.RULE("notExpr", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.SUBRULE(this.notExpr);
        },
      },
      { ALT: () => this.SUBRULE(this.cmpExpr) },
    ]);
  });

  cmpExpr = this.RULE("cmpExpr", () => {
    this.SUBRULE(this.sumExpr);
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.CompareOp);
            this.SUBRULE2(this.sumExpr);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.In);
            this.SUBRULE3(this.sumExpr);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Has);
            this.CONSUME(T.Tag);
            this.CONSUME(T.StringLit);
          },
        },
      ]);
    });
  });

  sumExpr = this.RULE("sumExpr", () => {
    this.SUBRULE(this.termExpr);
    this.MANY(() => {
      this.CONSUME(T.AddOp);
      this.SUBRULE2(this.termExpr);
    });
  });

  termExpr = this.RULE("termExpr", () => {
    this.SUBRULE(this.atom);
    this.MANY(() => {
      this.CONSUME(T.MulOp);
      this.SUBRULE2(this.atom);
    });
  });

  atom = this.RULE("atom", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLit) },
      { ALT: () => this.CONSUME(T.Money) },
      { ALT: () => this.CONSUME(T.StringLit) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.SUBRULE(this.path) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.list) },
    ]);
  });

  path = this.RULE("path", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Member) }]);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME(T.Word);
    });
  });

  list = this.RULE("list", () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.atom) });
    this.CONSUME(T.RBracket);
  });
}

export type { CstNode };

/** Built once: chevrotain's self-analysis is the slow part, parsing itself is cheap. */
export const parser = new RulesParser();
