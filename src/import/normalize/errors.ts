/** The one error normalisation throws: `reason` is written for the investigator reading the import report. */
export class NormalizationError extends Error {
  readonly reason: string;

  constructor(reason: string) {
    super(reason);
    this.name = 'NormalizationError';
    this.reason = reason;
  }
}
