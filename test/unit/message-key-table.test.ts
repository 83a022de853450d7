import crypto from 'node:crypto';
import { MessageKeyTable } from '../../src/import/load/message-key-table';

const hash = (i: number) => crypto.createHash('sha256').update(`key ${i}`).digest('hex').slice(0, 32);

describe('MessageKeyTable', () => {
  test('gives back every id it was given, through its growth, and nothing it was not', () => {
    const table = new MessageKeyTable();
    for (let i = 0; i < 100_000; i++) expect(table.set(hash(i), String(i + 1))).toBe(true);
    expect(table.size).toBe(100_000);
    for (let i = 0; i < 100_000; i++) expect(table.get(hash(i))).toBe(String(i + 1));
    for (let i = 100_000; i < 101_000; i++) expect(table.get(hash(i))).toBeUndefined();
    // Upper-case hex is the same key; setting a key again keeps the first id.
    expect(table.get(hash(7).toUpperCase())).toBe('8');
    table.set(hash(7), '999');
    expect(table.get(hash(7))).toBe('8');
    expect(table.size).toBe(100_000);
  });

  test('keys that share their first word are told apart by the rest', () => {
    const table = new MessageKeyTable();
    const a = '0000000000000000000000000000000a';
    const b = '0000000000000000000000000000000b';
    table.set(a, '1');
    table.set(b, '2');
    expect([table.get(a), table.get(b), table.get('00000000000000000000000000000000')]).toEqual(['1', '2', undefined]);
  });

  test('past its limit it refuses keys and says it is full; what it holds stays', () => {
    const table = new MessageKeyTable(3);
    expect([1, 2, 3].map((i) => table.set(hash(i), String(i)))).toEqual([true, true, true]);
    expect(table.full).toBe(false);
    expect(table.set(hash(4), '4')).toBe(false);
    expect(table.full).toBe(true);
    expect([table.get(hash(1)), table.get(hash(4))]).toEqual(['1', undefined]);
  });

  test('refuses what is not a key hash or an id', () => {
    const table = new MessageKeyTable();
    expect(() => table.get('abc')).toThrow(/not a dictionary key hash/);
    expect(() => table.get('g'.repeat(32))).toThrow(/not a dictionary key hash/);
    expect(() => table.set(hash(1), '0')).toThrow(/out of range/);
    expect(() => table.set(hash(1), '9007199254740993')).toThrow(/out of range/);
  });
});
