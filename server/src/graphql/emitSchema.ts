/** `npm run schema`: writes schema/schema.graphql from the resolvers. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { draftroomSchema, printSchemaFile } from './schema.js';

export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../schema/schema.graphql');

const schema = await draftroomSchema();
await fs.writeFile(SCHEMA_FILE, printSchemaFile(schema));
console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
