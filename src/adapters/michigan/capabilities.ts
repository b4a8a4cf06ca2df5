/** What a Michigan (Cloudgene 3) server can do, as data (protocols/michigan.md). No network, no heavy imports. */
import type { MichiganService } from '../../registry/types.js';
import type { AdapterCapabilities } from '../types.js';

export function michiganCapabilities(service: MichiganService): AdapterCapabilities {
  return {
    protocol: 'Michigan API',
    // GET /api/v2/jobs lists every job of the user
    listJobs: true,
    // GET /jobs/{id}/cancel kills the job (state 6) or leaves a finished one as it was
    cancelMayBeNoop: false,
    // the job-name we send carries the child id
    findByChild: true,
    // chr_N.zip results are encrypted with the password sent in the submit form
    resultPassword: true,
    // /share/results/… counts every GET (retries, aborted ones and probes included)
    countedDownloads: true,
    // result links are capability URLs (a hash): no token needed, none sent
    sameOriginOutputAuth: false,
    maxSamples: service.max_samples,
    // imputationserver2 lifts hg19 input over to an hg38 panel (and back)
    liftsOver: true,
    localRoots: [],
  };
}
