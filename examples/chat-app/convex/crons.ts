import { cronJobs } from "convex/server";
import { internal } from "./_generated/api";

const crons = cronJobs();

crons.daily("purge empty messages", { hourUTC: 4, minuteUTC: 20 }, internal.messages.purgeEmpty);

export default crons;
