import { parseAuditTime, parseWrapperDate } from '../../src/import/normalize';

// Run in a far-from-UTC zone so a parser that fell back to local time would fail here, not in production.
process.env.TZ = 'Australia/Sydney';

describe('AuditData CreationTime: when did it happen, in UTC? (quirks 9, 11, 12)', () => {
  test.each([
    ['2022-10-25T18:23:04', '2022-10-25T18:23:04.000Z'], // no zone = UTC, not local time
    ['2022-10-25T18:23:04Z', '2022-10-25T18:23:04.000Z'], // CloudAppEvents RawEventData
    ['2022-10-25T18:23:04.1234567', '2022-10-25T18:23:04.123Z'],
    ['2026-01-24T06:54:24.0000000Z', '2026-01-24T06:54:24.000Z'],
    ['2022-10-25T20:23:04+02:00', '2022-10-25T18:23:04.000Z'], // Graph DateTimeOffset
    ['2022-10-25T13:23:04-0500', '2022-10-25T18:23:04.000Z'],
    ['2022-10-25 18:23:04', '2022-10-25T18:23:04.000Z'], // LETHAL-FORENSICS CSV
    [' 2022-10-25T18:23:04 ', '2022-10-25T18:23:04.000Z'],
    ['2024-02-29T00:00:00', '2024-02-29T00:00:00.000Z'],
  ])('%p is %p', (input, iso) => {
    expect(parseAuditTime(input)?.toISOString()).toBe(iso);
  });

  test.each(['', 'yesterday', '2025-02-30T00:00:00', '2023-02-29T00:00:00', '2022-13-01T00:00:00', '2022-10-25T24:00:00',
    '2022-10-25T18:60:00', '2022-10-25', '9/20/2023 4:05:03 AM', '2022-10-25T18:23:04+25:00'])(
    '%p is not a CreationTime',
    (input) => {
      expect(parseAuditTime(input)).toBeNull();
    },
  );
});

describe('wrapper CreationDate: culture-formatted, only a fallback (quirk 10)', () => {
  test.each([
    // [wrapper text, instant, ambiguous?]
    ['9/20/2023 4:05:03 AM', '2023-09-20T04:05:03.000Z', false], // US; 20 cannot be a month
    ['9/20/2023 4:05:03 PM', '2023-09-20T16:05:03.000Z', false],
    ['3/12/2025 7:31:34 AM', '2025-03-12T07:31:34.000Z', true], // could be 3 Dec (en-AU): US reading, flagged
    ['12/12/2025 12:00:00 AM', '2025-12-12T00:00:00.000Z', false], // same either way; 12 AM is midnight
    ['1/4/2019 12:30:00 PM', '2019-01-04T12:30:00.000Z', true],
    ['20/9/2023 16:05:03', '2023-09-20T16:05:03.000Z', false], // day-first is forced
    ['2026-01-24T06:54:24.0000000Z ', '2026-01-24T06:54:24.000Z', false], // Purview: 7-digit fraction + trailing space
    ['03.12.2025 07:31:34', '2025-12-03T07:31:34.000Z', false], // de-DE
    ['2025/12/03 07:31:34', '2025-12-03T07:31:34.000Z', false], // ja-JP
  ])('%p is %p (ambiguous: %p)', (input, iso, ambiguous) => {
    const parsed = parseWrapperDate(input);
    expect(parsed?.date.toISOString()).toBe(iso);
    expect(parsed?.ambiguous).toBe(ambiguous);
  });

  test.each(['13/13/2025 1:00:00 AM', '2/30/2025 1:00:00 AM', '9/20/2023 13:05:03 PM', '9/20/2023 0:05:03 AM', 'n/a', ''])(
    '%p is not a date',
    (input) => {
      expect(parseWrapperDate(input)).toBeNull();
    },
  );
});
