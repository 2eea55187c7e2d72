// @ts-check
/** Small formatting helpers shared by the report sections. Pure. */

/** Display names of the systems. */
export const SYSTEM_LABEL = /** @type {Record<string, string>} */ ({
  cryopilot: 'CryoPilot',
  relay: 'bare relay',
  'node-red': 'Node-RED',
});

/**
 * A number as measured, or `n/a`.
 * @param {number | null | undefined} v
 */
export const n = (v) => (v === null || v === undefined ? 'n/a' : String(v));
