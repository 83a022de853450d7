/**
 * docs/API.md is the schema dashboards and playbooks code against: every type, field, argument and enum value
 * it names must exist in ours with the same type (we may add, never rename or remove).
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, print, type GraphQLArgument } from 'graphql';

const apiMd = fs.readFileSync(path.join(__dirname, '../../docs/API.md'), 'utf8');
const sketch = parse(apiMd.slice(apiMd.indexOf('```graphql') + '```graphql'.length, apiMd.lastIndexOf('```')));
const ours = buildSchema(fs.readFileSync(path.join(__dirname, '../../schema/schema.graphql'), 'utf8'));

const expectations: [string, () => void][] = [];
for (const def of sketch.definitions) {
  if (!('name' in def) || !def.name) continue;
  const typeName = def.name.value;
  expectations.push([`type ${typeName} exists`, () => expect(ours.getType(typeName)).toBeDefined()]);
  const fields = 'fields' in def ? (def.fields ?? []) : [];
  for (const field of fields) {
    expectations.push([
      `${typeName}.${field.name.value}: ${print(field.type)}`,
      () => {
        const type = ours.getType(typeName) as unknown as { getFields(): Record<string, { type: unknown; args?: readonly GraphQLArgument[] }> };
        const ourField = type.getFields()[field.name.value];
        expect(ourField && String(ourField.type)).toBe(print(field.type));
        for (const arg of 'arguments' in field ? (field.arguments ?? []) : []) {
          const ourArg = ourField.args?.find((a) => a.name === arg.name.value);
          expect(`${arg.name.value}: ${ourArg && String(ourArg.type)}`).toBe(`${arg.name.value}: ${print(arg.type)}`);
        }
      },
    ]);
  }
  const values = 'values' in def ? (def.values ?? []) : [];
  for (const value of values) {
    expectations.push([
      `enum ${typeName}.${value.name.value}`,
      () => expect((ours.getType(typeName) as { getValue(n: string): unknown }).getValue(value.name.value)).toBeDefined(),
    ]);
  }
}

test.each(expectations)('%s', (_name, check) => check());
