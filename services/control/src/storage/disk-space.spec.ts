import { DiskSpaceCondition, describeSpace } from './disk-space';

const MB = 1024 * 1024;
const free = (mb: number) => ({ freeBytes: mb * MB, totalBytes: 1000 * MB });

describe('DiskSpaceCondition', () => {
  it('raises below the limit, clears only 25 % above it, reports changes once', () => {
    const c = new DiskSpaceCondition(200);
    expect(c.update(free(500))).toBeNull();
    expect(c.update(free(199.9))).toBe(true);
    expect(c.isLow).toBe(true);
    expect(c.update(free(150))).toBeNull();
    expect(c.update(free(240))).toBeNull(); // above the limit, not yet 25 % above
    expect(c.update(free(250))).toBe(false);
    expect(c.update(free(201))).toBeNull();
    expect(c.isLow).toBe(false);
  });
});

describe('describeSpace', () => {
  it('says MB below a GB and GB above, never a path', () => {
    expect(describeSpace(free(12.34))).toBe('12.3 MB free of 1000.0 MB');
    expect(describeSpace({ freeBytes: 3 * 1024 * MB, totalBytes: 29.1 * 1024 * MB })).toBe(
      '3.0 GB free of 29.1 GB',
    );
  });
});
