import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** A wire fixture from fixtures/luml (an example of docs/protocols/luml.md). */
export interface LumlFixture {
  description: string;
  request: { method: string; path: string; headers?: Record<string, string>; body?: unknown };
  response: { status: number; headers?: Record<string, string>; body: unknown };
}

const dir = resolve(import.meta.dirname, '../../../fixtures/luml');

/** Load `fixtures/luml/<name>.json`. */
export function fixture(name: string): LumlFixture {
  return JSON.parse(readFileSync(resolve(dir, `${name}.json`), 'utf8')) as LumlFixture;
}

export const TOKEN = 'dfssat_ElrtvzEokFpY__ygi38cj0OOEiepWRtPV_mou-JmYuk';
export const USER_KEY = 'dfs_F-xvH1zvbdOiSxErZPsmpuyD1cPWHrAF2rSI1n6K96E';
export const DEP = '0199c4a2-3d18-7b6e-a1c4-5f2e8d90b713';
export const TASK = '0199c4a2-3d1c-7f02-8e55-b0c7a4d61e29';
export const ART = '0199c3f0-12ab-7d4e-b6a1-9e0f2c7d5a38';
export const SECRET = '0199c3d2-4f6a-7e8b-a0c1-d5e9b3f72846';
