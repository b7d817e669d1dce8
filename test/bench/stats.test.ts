import { verdict } from '../../bench/budgets';
import { interleaved, quantile, summarize } from '../../bench/stats';

describe('bench statistics', () => {
  it('takes nearest-rank quantiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantile(samples, 0.5)).toBe(50);
    expect(quantile(samples, 0.95)).toBe(95);
    expect(summarize([3, 1, 2])).toEqual({ median: 2, p95: 3, n: 3 });
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('warms up, then alternates which series goes first', async () => {
    const order: string[] = [];
    const result = await interleaved(
      async () => void order.push('a'),
      async () => void order.push('b'),
      4,
      1,
    );
    expect(order.join('')).toBe('ab' + 'ab' + 'ba' + 'ab' + 'ba');
    expect(result.a.n).toBe(4);
    expect(result.b.n).toBe(4);
  });

  it('passes values within the budget', () => {
    expect(verdict(150, 150)).toBe('PASS');
    expect(verdict(150.1, 150)).toBe('MISS');
  });
});
