// Re-exports of the database layer.
export * from "./open.js";
export * from "./migrate.js";
export * from "./schema.js";
export * from "./queries.js";
