import 'reflect-metadata';
import { documentLimitChecker } from '../../src/api/graphql/query-limits';
import { buildMailtrailSchema } from '../../src/api/graphql/schema';

describe('documentLimitChecker', () => {
  it('gives the same verdict for a text it has seen, also after many others pushed it out', async () => {
    const check = documentLimitChecker(await buildMailtrailSchema(), { maxAliases: 3, maxDirectives: 5, maxTokens: 5_000 });
    const aliased = `{ ${Array.from({ length: 5 }, (_, i) => `a${i}: clientIp(address: "192.0.2.1") { address }`).join(' ')} }`;
    const fine = '{ a: __typename b: __typename }';
    const refusal = check(aliased);
    expect(refusal).toMatch(/aliases.*\(MAX_QUERY_ALIASES, MAX_QUERY_DIRECTIVES\)/i);
    expect(check(fine)).toBeNull();
    expect(check(aliased)).toBe(refusal);
    expect(check(fine)).toBeNull();
    for (let i = 0; i < 600; i++) expect(check(`{ x${i}: __typename }`)).toBeNull();
    expect(check(aliased)).toBe(refusal);
    expect(check(fine)).toBeNull();
    // Not a document: Apollo says why; a long text is checked every time.
    expect(check('{ unclosed')).toBeNull();
    const long = `{ ${Array.from({ length: 5 }, (_, i) => `a${i}: clientIp(address: "192.0.2.1") { address }`).join(' ')} ${' '.repeat(40_000)}}`;
    expect(check(long)).toBe(refusal);
    expect(check(long)).toBe(refusal);
  });
});
