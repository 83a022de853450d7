/** The timeline export's formats, apart from the exporter so that `--help` loads no database code. */
export const TIMELINE_FORMATS = ['timesketch-jsonl', 'timesketch-csv', 'csv'] as const;
export type TimelineFormat = (typeof TIMELINE_FORMATS)[number];
