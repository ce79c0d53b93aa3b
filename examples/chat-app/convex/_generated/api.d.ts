/* eslint-disable */
/**
 * Generated `api` utility (stub for the example). convexlint never lints `_generated/`.
 */
import type { AnyApi } from "convex/server";
export declare const api: AnyApi;
export declare const internal: AnyApi;
