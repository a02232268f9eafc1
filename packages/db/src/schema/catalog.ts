// What earns and what can be bought: eligible billing codes, the rewards catalog, and the orders
// (redemptions) with their fulfilment queue.
import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId, tenantKey, tenantRef, updatedAt } from "./columns.ts";
import { members } from "./members.ts";
import { practices } from "./practices.ts";

export const eligibleItems = pgTable(
  "eligible_items",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    code: text().notNull(),
    name: text().notNull(),
    enabled: boolean().notNull().default(false),
    /** e.g. euthanasia or cremation: enabling it (or "enable all") returns a warning. */
    sensitive: boolean().notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey("eligible_items", t.practiceId, t.id),
    index("eligible_items_practice_idx").on(t.practiceId),
    uniqueIndex("eligible_items_practice_code_key").on(t.practiceId, t.code),
  ],
);

export const rewardKind = pgEnum("reward_kind", ["gift_card", "in_house", "coupon"]);

export const rewards = pgTable(
  "rewards",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    kind: rewardKind().notNull(),
    name: text().notNull(),
    pointsPrice: integer().notNull(),
    description: text().notNull().default(""),
    imageUrl: text(),
    enabled: boolean().notNull().default(true),
    /** Gift cards: face value and the provider's product id. */
    valueCents: integer(),
    providerSku: text(),
    /** Coupons: the coupon name the rules use ("free-whitening"). */
    couponCode: text(),
    couponValidDays: integer(),
    /** Soft delete: orders keep pointing at it, it is gone from the catalog. */
    deletedAt: timestamp({ withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [tenantKey("rewards", t.practiceId, t.id), index("rewards_practice_idx").on(t.practiceId)],
);

export const orderStatus = pgEnum("order_status", ["pending", "fulfilled", "cancelled"]);

export const orders = pgTable(
  "orders",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid().notNull(),
    rewardId: uuid().notNull(),
    /** Copied at redemption so later catalog edits never change history. */
    rewardName: text().notNull(),
    rewardKind: rewardKind().notNull(),
    points: integer().notNull(),
    status: orderStatus().notNull().default("pending"),
    /** Gift card code / claim URL from the provider, or the issued coupon id. */
    fulfilment: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    note: text(),
    fulfilledAt: timestamp({ withTimezone: true, mode: "date" }),
    cancelledAt: timestamp({ withTimezone: true, mode: "date" }),
    decidedBy: text(),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey("orders", t.practiceId, t.id),
    index("orders_practice_status_idx").on(t.practiceId, t.status),
    index("orders_member_idx").on(t.memberId),
    tenantRef("orders_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    tenantRef("orders_reward_fk", [t.practiceId, t.rewardId], [rewards.practiceId, rewards.id]),
  ],
);
