/** What the imported data covers, and what an answer could not see. */
import { Field, Int, ObjectType } from 'type-graphql';
import { TimeWindow } from './common.type';

@ObjectType('CoverageSpan', { description: "A span of a mailbox's history with imported records: from its first to its last record in the batches named." })
export class CoverageSpanType {
  @Field()
  start!: Date;

  @Field()
  end!: Date;

  @Field(() => Int, { description: 'Records of the mailbox in the span.' })
  records!: number;

  batchIds!: string[];
}

@ObjectType('DayCount', { description: 'Records of a mailbox on one UTC day (0 for a day without any).' })
export class DayCountType {
  @Field({ description: 'Midnight UTC.' })
  day!: Date;

  @Field(() => Int)
  records!: number;
}

@ObjectType('Coverage', { description: 'The requested window split into spans with imported data (reason DATA) and without (NO_DATA).' })
export class CoverageType {
  @Field(() => [TimeWindow])
  covered!: TimeWindow[];

  @Field(() => [TimeWindow], { description: 'Nothing can be said about these spans: "nothing exposed" here means "no data".' })
  uncovered!: TimeWindow[];
}

@ObjectType('ExposureWarning', { description: 'Something that limits what an exposure answer can be trusted for.' })
export class ExposureWarningType {
  @Field({
    description:
      'NO_DATA (no imported record of the mailbox in the window), PARTIAL_COVERAGE (part of the window has none), ' +
      'UNKNOWN_SESSION_ID / UNKNOWN_CLIENT_IP / UNKNOWN_APP_ID (a filter value found in no imported record: it matches nothing), ' +
      'UNKNOWN_FOLDER_SYNCED (a Sync record named no folder: the whole mailbox may have been synced; values are the sync times), ' +

      'EXCLUDED_BY_TAG (excludeTagged left records out: see excluded).',
  })
  code!: string;

  @Field()
  message!: string;

  @Field(() => [String], { description: 'The filter values concerned, if any.' })
  values!: string[];
}
