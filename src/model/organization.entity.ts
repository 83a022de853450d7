import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * The owner of a set of audit data (a customer, a case). Every other row carries org_id so the database can
 * later be distributed by organisation; API keys will belong to one. Migrations create the `default` one.
 */
@Entity({ name: 'organization' })
@Unique('uq_organization_slug', ['slug'])
export class Organization {
  @PrimaryGeneratedColumn('identity', { type: 'integer', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_organization' })
  id!: number;

  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'text' })
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

export const DEFAULT_ORG_ID = 1;
