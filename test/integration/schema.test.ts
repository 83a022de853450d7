import fs from 'node:fs';
import path from 'node:path';
import { buildMailtrailSchema, printMailtrailSchema } from '../../src/api/graphql/schema';

test('schema/schema.graphql is the SDL the code emits (run `npm run schema:emit` after changing the API)', async () => {
  const committed = fs.readFileSync(path.join(__dirname, '../../schema/schema.graphql'), 'utf8');
  expect(printMailtrailSchema(await buildMailtrailSchema())).toBe(committed);
});
