import { query, mutation } from "./_generated/server";
import { v } from "convex/values";
import { requireUser } from "./lib/auth";

export const list = query({
  args: {},
  returns: v.array(v.object({ _id: v.id("channels"), name: v.string() })),
  handler: async (ctx) => {
    const user = await requireUser(ctx);
    const channels = await ctx.db
      .query("channels")
      .withIndex("by_owner_and_archived", (q) => q.eq("ownerId", user._id).eq("archived", false))
      .take(100);
    return channels.map(({ _id, name }) => ({ _id, name }));
  },
});

export const archived = query({
  args: {},
  returns: v.array(v.object({ _id: v.id("channels"), name: v.string() })),
  handler: async (ctx) => {
    await requireUser(ctx);
    const rows = await ctx.db
      .query("channels")
      // expect: no-filter-in-query
      .filter((q) => q.eq(q.field("archived"), true))
      .take(100);
    return rows.map(({ _id, name }) => ({ _id, name }));
  },
});

export const create = mutation({
  args: { name: v.string() },
  returns: v.id("channels"),
  handler: async (ctx, { name }) => {
    const user = await requireUser(ctx);
    return await ctx.db.insert("channels", { name, ownerId: user._id, archived: false });
  },
});
