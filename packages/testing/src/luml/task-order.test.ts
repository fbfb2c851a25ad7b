import { describe, expect, it } from 'vitest';
import { createTask } from './factories.js';
import { byScheduledAt, sortByScheduledAt } from './task-order.js';

describe('byScheduledAt', () => {
  it('orders by instant: microseconds, offsets and mixed precision', () => {
    const at = (scheduled_at: string) => createTask({ scheduled_at });
    const tasks = [
      at('2026-08-17T15:02:11.482913Z'),
      at('2026-08-17T15:02:11.482Z'),
      at('2026-08-17T17:02:11+02:00'), // 15:02:11Z
      at('2026-08-17T15:02:11.4829Z'),
    ];
    expect([...tasks].sort(byScheduledAt).map((t) => t.scheduled_at)).toEqual([
      '2026-08-17T17:02:11+02:00',
      '2026-08-17T15:02:11.482Z',
      '2026-08-17T15:02:11.4829Z',
      '2026-08-17T15:02:11.482913Z',
    ]);
  });

  it('keeps ties in insertion order and falls back to text for unparsable values', () => {
    const a = createTask({ scheduled_at: '2026-08-17T15:00:00.000Z' });
    const b = createTask({ scheduled_at: '2026-08-17T15:00:00.000000Z' });
    expect([a, b].sort(byScheduledAt)).toEqual([a, b]);
    const x = createTask({ scheduled_at: 'not-a-date-b' });
    const y = createTask({ scheduled_at: 'not-a-date-a' });
    expect([x, y].sort(byScheduledAt)).toEqual([y, x]);
    expect(byScheduledAt(x, x)).toBe(0);
  });

  it('sortByScheduledAt orders exactly as sorting with byScheduledAt, ties and bad values included', () => {
    const stamps = [
      '2026-08-17T15:02:11.482913Z',
      '2026-08-17T15:02:11.482Z',
      '2026-08-17T17:02:11+02:00',
      'not-a-date-b',
      '2026-08-17T15:02:11.4829Z',
      '2026-08-17T15:02:11.482000Z',
      'not-a-date-a',
      '2026-08-17T15:02:11Z',
    ];
    // Every task carries its position, so a tie broken the wrong way shows.
    const tasks = Array.from({ length: 64 }, (_, i) =>
      createTask({ scheduled_at: stamps[(i * 5) % stamps.length] as string, id: `t${i}` }),
    );
    const sorted = sortByScheduledAt(tasks);
    expect(sorted.map((t) => t.id)).toEqual([...tasks].sort(byScheduledAt).map((t) => t.id));
    expect(tasks.map((t) => t.id)).toEqual(Array.from({ length: 64 }, (_, i) => `t${i}`));
  });
});
