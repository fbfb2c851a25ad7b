/** Progress of a download. */
export interface DownloadProgress {
  /** Bytes received so far (a resumed part included). */
  bytes: number;
  /** Size announced by the server, when it did. */
  totalBytes: number | undefined;
  /** Average rate of this call so far, in bytes per second. */
  bytesPerSecond: number;
}

/** Options for {@link downloadFile}. */
export interface DownloadFileOptions {
  /** Called as bytes arrive (at most every `progressIntervalMs`) and once at the end. */
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  /** Expected SHA-256 (hex). A mismatch deletes the file and throws `DownloadError('checksum_mismatch')`. */
  sha256?: string | undefined;
  /**
   * After a cut, continue with `Range` + `If-Range` (the server's strong ETag or
   * Last-Modified) instead of starting again.
   * @default true
   */
  resume?: boolean | undefined;
  /**
   * Attempts in total (cuts and transient HTTP errors each use one).
   * @default 5
   */
  maxAttempts?: number | undefined;
  /**
   * Backoff between attempts.
   * @default { baseDelayMs: 200, maxDelayMs: 5000 }
   */
  backoff?: { baseDelayMs?: number; maxDelayMs?: number } | undefined;
  /**
   * Minimum gap between progress calls.
   * @default 250
   */
  progressIntervalMs?: number | undefined;
  /** Extra request headers. */
  headers?: Record<string, string> | undefined;
  /**
   * Download through this `fetch` instead of the built-in HTTP/1.1 client: for a proxy agent,
   * or to let nock or msw intercept downloads in tests. Slower and heavier on memory (`fetch`
   * allocates every read).
   * @default the built-in client (Node sockets, one reused read buffer); Node's own `fetch` when
   *   it is set up to route requests (`NODE_USE_ENV_PROXY`, a custom global undici dispatcher)
   */
  fetch?: typeof fetch | undefined;
  /** Abort the download; the `.part` file is kept for a later resume. */
  signal?: AbortSignal | undefined;
}

/** What {@link downloadFile} wrote. */
export interface DownloadResult {
  /** Absolute path of the finished file. */
  path: string;
  /** File size in bytes. */
  bytes: number;
  /** SHA-256 of the file (hex). */
  sha256: string;
  /** How many times the download continued after a cut. */
  resumes: number;
}
