import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  users: defineTable({
    tokenIdentifier: v.string(),
    name: v.string(),
  }).index("by_tokenIdentifier", ["tokenIdentifier"]),

  channels: defineTable({
    name: v.string(),
    ownerId: v.id("users"),
    archived: v.boolean(),
  })
    .index("by_owner_and_archived", ["ownerId", "archived"]),

  messages: defineTable({
    channelId: v.id("channels"),
    authorId: v.id("users"),
    body: v.string(),
    summary: v.optional(v.string()),
  })
    .index("by_channelId", ["channelId"])
    .searchIndex("search_body", { searchField: "body", filterFields: ["channelId"] }),
});
