// Validates an OpenAPI document read from stdin with @seriousme/openapi-schema-validator (ESM only, so it runs
// in its own node process rather than inside jest's CommonJS runtime). Prints { valid, version, errors }.
import { Validator } from '@seriousme/openapi-schema-validator';

let text = '';
for await (const chunk of process.stdin) text += chunk;
const validator = new Validator();
const result = await validator.validate(JSON.parse(text));
process.stdout.write(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? [] }));
