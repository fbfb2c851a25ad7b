/**
 * `pnpm bench:check`: compare the figures the last bench run wrote (bench/results/*.json) with
 * bench/budgets.json and exit 1 on a regression beyond the noise margin. Ratios to a baseline
 * measured in the same run (`*.wall`, `*.cpu`) travel between machines; absolute figures
 * (milliseconds, MB) only roughly, so their budgets are generous. Never part of `.ci/run`:
 * CI's two shared cores are too noisy for a performance gate.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resultsDir } from './report.js';

interface Budget {
  /** The figure must stay at or above this (ratios: higher is faster). */
  min?: number;
  /** The figure must stay at or below this (milliseconds, MB, overhead fractions). */
  max?: number;
  /** This figure's own noise margin, as a fraction. @default the file's noiseMargin */
  margin?: number;
}

interface BudgetsFile {
  noiseMargin: number;
  packages: Record<string, Record<string, Budget>>;
}

const budgetsPath = fileURLToPath(new URL('../budgets.json', import.meta.url));
const budgets = JSON.parse(readFileSync(budgetsPath, 'utf8')) as BudgetsFile;
const failures: string[] = [];
let checked = 0;

for (const [pkg, metrics] of Object.entries(budgets.packages)) {
  const file = `${resultsDir}${pkg}.json`;
  if (!existsSync(file)) {
    failures.push(`${pkg}: no results (${file}); run \`pnpm bench\` first`);
    continue;
  }
  const results = JSON.parse(readFileSync(file, 'utf8')) as { metrics: Record<string, number> };
  for (const [name, budget] of Object.entries(metrics)) {
    const value = results.metrics[name];
    if (value === undefined) {
      failures.push(`${pkg} ${name}: not measured by the last run`);
      continue;
    }
    const margin = budget.margin ?? budgets.noiseMargin;
    checked++;
    let verdict = 'ok  ';
    if (budget.min !== undefined && value < budget.min * (1 - margin)) {
      verdict = 'FAIL';
      failures.push(
        `${pkg} ${name}: ${value} is below its budget ${budget.min} by more than the ${margin * 100}% noise margin`,
      );
    }
    if (budget.max !== undefined && value > budget.max * (1 + margin)) {
      verdict = 'FAIL';
      failures.push(
        `${pkg} ${name}: ${value} is above its budget ${budget.max} by more than the ${margin * 100}% noise margin`,
      );
    }
    const bound = budget.min !== undefined ? `>= ${budget.min}` : `<= ${budget.max}`;
    console.log(
      `${verdict} ${pkg.padEnd(12)} ${name.padEnd(36)} ${String(value).padStart(8)}  (${bound}, ±${margin * 100}%)`,
    );
  }
}

if (failures.length > 0) {
  console.error(`\n${failures.length} regression(s):\n${failures.map((f) => `  ${f}`).join('\n')}`);
  console.error(
    'Rerun when the machine is quieter before believing one; raise a budget only with the reason.',
  );
  process.exit(1);
}
console.log(`\n${checked} figures within their budgets (bench/budgets.json)`);
