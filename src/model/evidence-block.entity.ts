import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Up to RECORDS_PER_BLOCK records' original text (128; 64 in blocks written before), brotli-compressed together
 * (src/evidence/blocks.ts). The id is the id of the block's first record; each audit_record says which block, offset
 * and length hold its bytes.
 */
@Entity({ name: 'evidence_block' })
export class EvidenceBlock {
  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_evidence_block' })
  id!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_evidence_block' })
  orgId!: number;

  @Column({ name: 'record_count', type: 'integer' })
  recordCount!: number;

  @Column({ type: 'bytea' })
  data!: Buffer;
}
