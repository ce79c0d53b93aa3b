"use node";
import { action } from "./_generated/server";
import { internal } from "./_generated/api";
import { v } from "convex/values";

// Scheduled by messages.send through `api.` (see there): a public action nobody should call.
// expect: require-access-control
export const summarize = action({
  args: { messageId: v.id("messages") },
  returns: v.null(),
  handler: async (ctx, { messageId }) => {
    const message = await ctx.runQuery(internal.messages.get, { messageId });
    if (!message) return null;
    const response = await fetch("https://api.example.com/summarize", {
      method: "POST",
      headers: { Authorization: `Bearer ${process.env.SUMMARY_API_KEY}` },
      body: JSON.stringify({ text: message.body }),
    });
    const { summary } = (await response.json()) as { summary: string };
    await ctx.runMutation(internal.messages.saveSummary, { messageId, summary });
    return null;
  },
});
