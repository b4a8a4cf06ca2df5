/** The GA4GH WES adapter; loaded only by commands that talk to servers. */
export { apiRootOf, createWesAdapter } from './adapter.js';
export { inputReference, renderParams, type ParamsContext } from './params.js';
export { advertisedBy, workflowProblems, type Advertised } from './schemas.js';
export { mapWesState, WES_STATES, WES_TERMINAL, type WesState } from './states.js';
export { globToRegExp, selectOutputs } from './outputs.js';
