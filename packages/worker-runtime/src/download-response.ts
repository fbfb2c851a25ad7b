/** Receives the body of a download, piece by piece. */
export type BodySink = (chunk: Uint8Array) => void | Promise<void>;

/**
 * A response to a download GET, from either transport: `download-http.ts` (Node sockets,
 * one reused read buffer) or a `fetch` implementation.
 */
export interface DownloadResponse {
  readonly status: number;
  /** Status 200-299. */
  readonly ok: boolean;
  readonly headers: Headers;
  /**
   * Read the body to its end, handing each piece to `sink`. A piece is only valid during the
   * call (its memory is reused for the next read); while a promise the sink returned is
   * pending, nothing more is read. Rejects when the body is cut or the sink throws.
   */
  pipeTo(sink: BodySink): Promise<void>;
  /** Give up on the body and release the connection. */
  cancel(): Promise<void>;
  /** The response as a `fetch` `Response` whose body streams what is left (for error bodies). */
  toResponse(): Response;
}

/**
 * A copy of `bytes` in memory of its own. (`Buffer#slice` returns a view on the same memory,
 * unlike `Uint8Array#slice`: a piece of the reused read buffer must be copied this way.)
 */
export function copyOf(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** A GET of `url` with `headers` (no redirects followed). */
export type DownloadGet = (
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
) => Promise<DownloadResponse>;

/** The `DownloadGet` over a `fetch` implementation (`redirect: 'manual'`). */
export function fetchGet(doFetch: typeof fetch): DownloadGet {
  return async (url, headers, signal) => {
    const response = await doFetch(url, { headers, signal: signal ?? null, redirect: 'manual' });
    return {
      status: response.status,
      ok: response.ok,
      headers: response.headers,
      async pipeTo(sink) {
        if (!response.body) throw new Error('the response has no body');
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          const pending = sink(chunk);
          if (pending) await pending;
        }
      },
      async cancel() {
        await response.body?.cancel().catch(() => undefined);
      },
      toResponse: () => response,
    };
  };
}

/**
 * A `fetch` `Response` whose body is what `source.pipeTo` delivers, copied piece by piece
 * (at most 64 KiB queued; reading pauses while the consumer does not pull). Cancelling the
 * body cancels the source.
 */
export function streamedResponse(
  source: Pick<DownloadResponse, 'pipeTo' | 'cancel'>,
  init: ResponseInit,
): Response {
  let wake: (() => void) | undefined;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      start: (controller) => {
        source
          .pipeTo((chunk) => {
            if (cancelled) return;
            controller.enqueue(copyOf(chunk));
            if ((controller.desiredSize ?? 0) > 0) return;
            return new Promise<void>((resolve) => {
              wake = resolve;
            });
          })
          .then(
            () => cancelled || controller.close(),
            (error: unknown) => cancelled || controller.error(error),
          );
      },
      pull: () => {
        wake?.();
        wake = undefined;
      },
      cancel: () => {
        cancelled = true;
        wake?.();
        return source.cancel();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
  return new Response(stream, init);
}
