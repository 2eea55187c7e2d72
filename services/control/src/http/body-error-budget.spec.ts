import { BodyErrorBudget } from './body-parsing';

describe('BodyErrorBudget', () => {
  it('allows 60 malformed bodies per address and minute, then refuses until the next minute', () => {
    const budget = new BodyErrorBudget();
    const t0 = 1_000_000;
    for (let i = 0; i < 60; i++) expect(budget.take('10.0.0.1', t0 + i)).toBe(true);
    expect(budget.take('10.0.0.1', t0 + 100)).toBe(false);
    expect(budget.take('10.0.0.2', t0 + 100)).toBe(true); // another address has its own
    expect(budget.take('10.0.0.1', t0 + 60_000)).toBe(true); // a new minute
  });

  it('remembers at most 10 000 addresses: new ones beyond are refused, known ones go on', () => {
    const budget = new BodyErrorBudget();
    for (let i = 0; i < 10_000; i++) expect(budget.take(`a${i}`, 5)).toBe(true);
    expect(budget.take('one-more', 5)).toBe(false);
    expect(budget.take('a1', 5)).toBe(true);
  });
});
