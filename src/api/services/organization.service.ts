/**
 * Organisations (one per client tenant or case) without SQL: listed, created and renamed by admin keys and the
 * CLI. Not scoped to the caller's organisation: a response team's admin manages all of them.
 */
import type { DataSource } from 'typeorm';
import { run, sql } from '../../db/sql';
import { UserInputError } from '../../errors';

export interface OrganizationNode {
  id: number;
  slug: string;
  name: string;
  createdAt: Date;
}

export const MAX_ORGANIZATION_NAME = 200;

function checkedName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > MAX_ORGANIZATION_NAME || trimmed.includes('\u0000')) {
    throw new UserInputError(`An organisation name must be 1 to ${MAX_ORGANIZATION_NAME} characters (got ${trimmed.length}).`);
  }
  return trimmed;
}

/** A stable lower-case handle for the CLI (`api-key create --org <slug>`), derived from the first name. */
export function slugOf(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'org';
}

const node = (r: Record<string, unknown>): OrganizationNode => ({ id: r.id as number, slug: r.slug as string, name: r.name as string, createdAt: r.created_at as Date });

export class OrganizationService {
  constructor(private readonly db: DataSource) {}

  async list(): Promise<OrganizationNode[]> {
    return (await run(this.db, sql`SELECT id, slug, name, created_at FROM organization ORDER BY id`)).map(node);
  }

  /** By id, or by slug. */
  async find(idOrSlug: string): Promise<OrganizationNode | null> {
    const id = /^\d{1,9}$/.test(idOrSlug) ? Number(idOrSlug) : null;
    const [row] = await run(this.db, sql`SELECT id, slug, name, created_at FROM organization WHERE id = ${id} OR slug = ${idOrSlug.toLowerCase()}`);
    return row ? node(row) : null;
  }

  async create(name: string): Promise<OrganizationNode> {
    const clean = checkedName(name);
    const slug = slugOf(clean);
    const [row] = await run(
      this.db,
      sql`INSERT INTO organization (slug, name) VALUES (${slug}, ${clean}) ON CONFLICT ON CONSTRAINT uq_organization_slug DO NOTHING
          RETURNING id, slug, name, created_at`,
    );
    if (!row) throw new UserInputError(`An organisation with the handle '${slug}' already exists: choose another name.`);
    return node(row);
  }

  /** Renames (the slug stays, so scripts that use it keep working). */
  async rename(id: number, name: string): Promise<OrganizationNode> {
    // Through a CTE: TypeORM answers a bare UPDATE ... RETURNING as [rows, count].
    const [row] = await run(
      this.db,
      sql`WITH u AS (UPDATE organization SET name = ${checkedName(name)} WHERE id = ${id} RETURNING id, slug, name, created_at) SELECT * FROM u`,
    );
    if (!row) throw new UserInputError(`No organisation has id ${id}.`);
    return node(row);
  }
}
