import { httpRouter } from "convex/server";
import { httpAction } from "./_generated/server";
import { internal } from "./_generated/api";

const CORS_HEADERS = {
  "Access-Control-Allow-Origin": process.env.CLIENT_ORIGIN ?? "*",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  "Access-Control-Allow-Headers": "Content-Type, Authorization",
  Vary: "Origin",
};

const http = httpRouter();

const messageCount = httpAction(async (ctx, request) => {
  const channelId = new URL(request.url).searchParams.get("channelId");
  if (!channelId) {
    // expect: http-action-cors
    return new Response("channelId is required", { status: 400 });
  }
  const count = await ctx.runQuery(internal.messages.count, { channelId: channelId as any });
  return Response.json({ count }, { headers: CORS_HEADERS });
});

http.route({ path: "/messages/count", method: "GET", handler: messageCount });

// expect: http-options-preflight
http.route({
  path: "/messages/import",
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const { channelId, body } = await request.json();
    await ctx.runMutation(internal.messages.saveSummary, { messageId: channelId, summary: body });
    return new Response(null, { status: 204, headers: CORS_HEADERS });
  }),
});

export default http;
