import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An index an import dropped to build it once after a bulk load into empty tables (src/import/load/deferred-indexes.ts),
 * with its definition, until it is built again. A row left behind (the importer died) is rebuilt by the next import
 * or server start.
 */
@Entity({ name: 'deferred_index' })
export class DeferredIndex {
  /** The organisation whose import deferred it. */
  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_deferred_index' })
  orgId!: number;

  @PrimaryColumn({ name: 'index_name', type: 'text', primaryKeyConstraintName: 'pk_deferred_index' })
  indexName!: string;

  /** pg_get_indexdef of the index as it was. */
  @Column({ type: 'text' })
  definition!: string;
}
