/** The Michigan (Cloudgene 3) protocol adapter; loaded only by commands that talk to servers. */
export { createMichiganAdapter } from './adapter.js';
export { mapMichiganState, MICHIGAN_STATES } from './states.js';
export { mapJob } from './details.js';
export { tokenExpiry } from './check.js';
