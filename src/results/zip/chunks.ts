/** How the zip reader paces its work: the largest piece read at once, and how many are decrypted ahead. */

/** at most this much is read from the source at once (network chunks are ~64 KiB anyway) */
export const CHUNK = 256 << 10;
/** chunks being decrypted ahead of zlib or the writer */
export const AHEAD = 4;
