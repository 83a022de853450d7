import 'reflect-metadata';
import { Kind, parse, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';
import { buildMailtrailSchema } from '../../src/api/graphql/schema';
import { NO_ARGUMENTS } from '../../src/api/graphql/no-argument-fields';

describe('arguments of fields that declare none', () => {
  it('are one frozen empty object; fields with arguments are coerced by graphql-js as before', async () => {
    const schema = await buildMailtrailSchema();
    const fields = (parse('query($ip: String!) { clientIp(address: $ip) { address sessions(first: 3) { totalCount } } }').definitions[0] as OperationDefinitionNode)
      .selectionSet.selections as FieldNode[];
    const clientIp = schema.getQueryType()!.getFields().clientIp;
    const ipType = schema.getType('ClientIp') as import('graphql').GraphQLObjectType;
    const inner = fields[0].selectionSet!.selections as FieldNode[];
    expect(inner[0].kind).toBe(Kind.FIELD);

    const none = getArgumentValues(ipType.getFields().address, inner[0], {});
    expect(none).toBe(NO_ARGUMENTS);
    expect(Object.keys(none)).toEqual([]);
    expect(Object.isFrozen(none)).toBe(true);
    expect(Object.getPrototypeOf(none)).toBeNull();

    expect({ ...getArgumentValues(clientIp, fields[0], { ip: '192.0.2.1' }) }).toEqual({ address: '192.0.2.1' });
    const sessions = { ...getArgumentValues(ipType.getFields().sessions, inner[1], {}) };
    expect(sessions).toMatchObject({ first: 3 });
    expect(() => getArgumentValues(clientIp, fields[0], {})).toThrow(/variable "\$ip" which was not provided a runtime value/);
  });
});
