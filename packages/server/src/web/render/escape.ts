// HTML escaping for the few renderers that build HTML strings directly
// (highlighted lines, diffs) because JSX is too slow for thousands of rows.
// Everything else escapes by construction through JSX.

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escape text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return /[&<>"']/.test(text) ? text.replace(/[&<>"']/g, (c) => ENTITIES[c]!) : text;
}
