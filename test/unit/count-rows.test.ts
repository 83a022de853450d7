import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { countRows, rowShapeOf } from '../../src/api/http/access-log';

/** Objects as graphql-js builds them: null prototype. */
function nullProto(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(nullProto);
  if (value === null || typeof value !== 'object') return value;
  return Object.assign(Object.create(null), Object.fromEntries(Object.entries(value).map(([k, v]) => [k, nullProto(v)])));
}

function shapeOf(query: string) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return rowShapeOf(operation.selectionSet, fragments);
}

describe('countRows by the shape of the operation', () => {
  it('counts what enumerating every key counts: aliases, fragments, inline fragments, nulls, plain lists', () => {
    const query = `
      query Q {
        ip: clientIp(address: "x") {
          address
          sessions { edges { node { ...S mailboxes { upn: userPrincipalName } } } }
          other: sessions { edges { node { sessionId } } }
        }
        search { ... on Mailbox { userPrincipalName } ... on Session { clientIps { address } } }
      }
      fragment S on Session { sessionId clientIps { address } messageAccesses { edges { node { folder { path } } } } }`;
    const data = {
      ip: {
        address: '1.2.3.4',
        sessions: {
          edges: [
            {
              node: {
                sessionId: 'a',
                clientIps: [{ address: '1' }, { address: '2' }],
                messageAccesses: { edges: [{ node: { folder: { path: 'x' } } }, { node: { folder: null } }] },
                mailboxes: [{ upn: 'u' }, null],
              },
            },
            null,
          ],
        },
        other: { edges: [{ node: { sessionId: 'b' } }] },
      },
      search: [{ userPrincipalName: 'u' }, { clientIps: [{ address: '3' }] }, null],
    };
    const shape = shapeOf(query);
    for (const answer of [data, nullProto(data)]) {
      // 1 session edge, 2 IPs, 2 access edges, 1 mailbox, 1 other edge, 2 search results, 1 IP of the second
      expect(countRows(answer)).toBe(10);
      expect(countRows(answer, shape)).toBe(10);
    }
  });

  it('still counts rows inside a leaf value (a JSON scalar holding lists of objects)', () => {
    const shape = shapeOf('{ record { raw } }');
    const data = nullProto({ record: { raw: { Folders: [{ Path: 'a', FolderItems: [{ Id: 1 }, { Id: 2 }] }] } } });
    expect(countRows(data)).toBe(3);
    expect(countRows(data, shape)).toBe(3);
  });

  it('a key the shape does not name is not read', () => {
    const shape = shapeOf('{ a { b } }');
    expect(countRows({ a: { b: 1 }, c: [{}, {}] }, shape)).toBe(0);
  });
});
