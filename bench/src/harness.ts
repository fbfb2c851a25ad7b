// The measuring half of the shared bench harness: warm-up, interleaved rounds, medians, and
// client CPU per unit beside the wall rate. Every package's bench uses it, so their figures are
// taken the same way and read the same way.

/** One library or code path under test. */
export interface Contender {
  /** Stable id, used in the JSON results and the budgets file (`raw`, `uplink`, `openai`...). */
  id: string;
  /** What the table shows. */
  label: string;
  /** Do one measured run; resolves to the number of units (events, requests, tokens) done. */
  run: () => Promise<number>;
}

/** One timed run. */
export interface Sample {
  units: number;
  wallMs: number;
  /** This process's user + system CPU time over the run (the servers run elsewhere). */
  cpuMs: number;
}

/** A contender's medians over the measured rounds. */
export interface Measured {
  id: string;
  label: string;
  /** Units per wall-clock second (median). */
  rate: number;
  /** Client CPU microseconds per unit (median). */
  cpuUsPerUnit: number;
  /** (max - min) / median of the per-round rates: how noisy the rounds were. */
  spread: number;
  samples: Sample[];
}

export interface RaceOptions {
  /** Measured rounds; the median is reported. @default BENCH_ROUNDS or 5 */
  rounds?: number;
  /** Unmeasured runs of each contender first (JIT, connection pool, lazy loads). @default 2 */
  warmup?: number;
  /** Called once per round after each contender, e.g. to drop garbage between runs. */
  between?: () => void;
}

/** Rounds from `BENCH_ROUNDS` (at least 5, the floor for a median users can trust). */
export function defaultRounds(): number {
  const asked = Number(process.env.BENCH_ROUNDS ?? 5);
  return Number.isFinite(asked) && asked >= 5 ? Math.floor(asked) : 5;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Time one run: wall clock and this process's CPU. */
export async function sample(run: () => Promise<number>): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const units = await run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (!(units > 0)) throw new Error(`a bench run reported ${units} units`);
  return { units, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/**
 * Warm every contender up, then run them in rounds, rotating the order each round so none
 * always runs first (or right after the same neighbour), and report medians. Interleaving
 * means a burst of load from another process hits every contender about equally.
 */
export async function race(
  contenders: readonly Contender[],
  options: RaceOptions = {},
): Promise<Measured[]> {
  const rounds = options.rounds ?? defaultRounds();
  const warmup = options.warmup ?? 2;
  for (let w = 0; w < warmup; w++) {
    for (const contender of contenders) {
      await contender.run();
      options.between?.();
    }
  }
  const samples = contenders.map(() => [] as Sample[]);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const index = (k + r) % contenders.length;
      (samples[index] as Sample[]).push(await sample((contenders[index] as Contender).run));
      options.between?.();
    }
  }
  return contenders.map((contender, index) => summarise(contender, samples[index] as Sample[]));
}

/** Medians of a contender's samples. */
export function summarise(contender: Pick<Contender, 'id' | 'label'>, samples: Sample[]): Measured {
  const rates = samples.map((s) => s.units / (s.wallMs / 1000));
  const rate = median(rates);
  return {
    id: contender.id,
    label: contender.label,
    rate,
    cpuUsPerUnit: median(samples.map((s) => (s.cpuMs * 1000) / s.units)),
    spread: (Math.max(...rates) - Math.min(...rates)) / rate,
    samples,
  };
}

/** A forced GC when the process runs with `--expose-gc`, else nothing. */
export const collectGarbage = (): void => (globalThis as { gc?: () => void }).gc?.();

/**
 * Run `n` calls of `call` with `concurrency` in flight; resolves to `n` (the units done).
 * Bounded by `n`: each worker takes the next call until all have started.
 */
export async function runCalls(
  n: number,
  concurrency: number,
  call: () => Promise<unknown>,
): Promise<number> {
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < n) {
      started++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return n;
}
