/** What a GA4GH WES server can do, as data (protocols/wes.md). No network, no heavy imports. */
import type { WesService } from '../../registry/types.js';
import type { AdapterCapabilities } from '../types.js';

/** no server-side limit is known; the pre-flight check's own upper bound */
const MAX_SAMPLES = 50_000;

export function wesCapabilities(service: WesService): AdapterCapabilities {
  return {
    protocol: 'GA4GH WES',
    // GET /runs, paged (the starter kit lists only finished runs: the rest cost one /status each)
    listJobs: true,
    // POST /runs/{id}/cancel answers 200 and may do nothing (reference server, starter kit)
    cancelMayBeNoop: true,
    // the tags we send carry the parent and child ids
    findByChild: true,
    resultPassword: false,
    countedDownloads: false,
    // outputs served by the WES server itself sit behind its token
    sameOriginOutputAuth: true,
    maxSamples: MAX_SAMPLES,
    // the workflow gets the input as it is
    liftsOver: false,
    localRoots: service.outputs.local_roots,
  };
}
