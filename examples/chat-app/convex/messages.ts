import { query, mutation, internalQuery, internalMutation } from "./_generated/server";
import { api, internal } from "./_generated/api";
import { v } from "convex/values";
import { requireUser } from "./lib/auth";

// expect: require-returns-validator
export const list = query({
  args: { channelId: v.id("channels") },
  handler: async (ctx, { channelId }) => {
    await requireUser(ctx);
    const messages = await ctx.db
      .query("messages")
      .withIndex("by_channelId", (q) => q.eq("channelId", channelId))
      .order("desc")
      .take(50);
    return messages.filter((m) => m.body.trim().length > 0);
  },
});

export const send = mutation({
  args: { channelId: v.id("channels"), body: v.string() },
  returns: v.id("messages"),
  handler: async (ctx, { channelId, body }) => {
    const user = await requireUser(ctx);
    const id = await ctx.db.insert("messages", { channelId, authorId: user._id, body });
    // expect: require-internal-reference
    await ctx.scheduler.runAfter(0, api.ai.summarize, { messageId: id });
    return id;
  },
});

export const get = internalQuery({
  args: { messageId: v.id("messages") },
  returns: v.union(v.object({ body: v.string() }), v.null()),
  handler: async (ctx, { messageId }) => {
    const message = await ctx.db.get("messages", messageId);
    return message ? { body: message.body } : null;
  },
});

export const saveSummary = internalMutation({
  args: { messageId: v.id("messages"), summary: v.string() },
  returns: v.null(),
  handler: async (ctx, { messageId, summary }) => {
    await ctx.db.patch("messages", messageId, { summary });
    return null;
  },
});

export const purgeEmpty = internalMutation({
  args: {},
  returns: v.number(),
  handler: async (ctx) => {
    const recent = await ctx.db.query("messages").order("desc").take(500);
    const empty = recent.filter((m) => m.body.length === 0);
    await Promise.all(empty.map((m) => ctx.db.delete("messages", m._id)));
    return empty.length;
  },
});

export const count = internalQuery({
  args: { channelId: v.id("channels") },
  returns: v.number(),
  handler: async (ctx, { channelId }) => {
    const page = await ctx.db
      .query("messages")
      .withIndex("by_channelId", (q) => q.eq("channelId", channelId))
      .take(1000);
    return page.length;
  },
});

