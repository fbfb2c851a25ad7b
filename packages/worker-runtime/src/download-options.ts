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
   * `fetch` implementation.
   * @default globalThis.fetch
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
