/**
 * The REST mirror's route table: one entry per route. Adding a route is adding an entry here; the router, the
 * OpenAPI document and the route/document agreement test all follow from it. A new GraphQL root field (say a
 * notification list) becomes a route with its flat parameters, its root field call and its row columns.
 */
import { ParamError, type Column, type Param, type RestRoute } from './definition';
import { ActivityGroupEnum, IntervalEnum } from '../graphql/resolvers/activity.resolver';

// Parameters shared by several routes.
const from: Param = { name: 'from', in: 'query', type: 'date-time', graphqlType: 'DateTime', description: 'Start of the window, inclusive (ISO 8601; no zone = UTC; or epoch milliseconds).' };
const to: Param = { name: 'to', in: 'query', type: 'date-time', graphqlType: 'DateTime', description: 'End of the window, inclusive.' };
const upnPath: Param = { name: 'upn', in: 'path', type: 'string', required: true, graphqlType: 'String!', description: "The mailbox owner's UPN (any case), e.g. alice@contoso.com." };
const sessionPath: Param = { name: 'id', in: 'path', type: 'string', required: true, graphqlType: 'String!', description: 'A SessionId or AADSessionId (any case).' };

const WINDOW = 'start end reason detail';
const windowSchema = {
  type: 'object',
  properties: { start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' }, reason: { type: 'string' }, detail: { type: 'string' } },
  required: ['start', 'end', 'reason', 'detail'],
};

const SESSION_COLUMNS: Column[] = [
  { name: 'sessionId', type: 'string', description: 'SessionId for an EXCHANGE session, AADSessionId for an ENTRA one.' },
  { name: 'kind', type: 'string', description: 'EXCHANGE or ENTRA.' },
  { name: 'entraSessionId', type: 'string', nullable: true, description: 'The AADSessionId its records carry besides SessionId.' },
  { name: 'firstSeen', type: 'date-time', description: 'Its first record.' },
  { name: 'lastSeen', type: 'date-time', description: 'Its last record.' },
  { name: 'recordCount', type: 'integer', description: 'Its records.' },
  { name: 'boundMessageCount', type: 'integer', description: 'Distinct messages it bound (confirmed exposure).' },
  { name: 'bindOperationCount', type: 'integer', description: 'Sum of OperationCount over its Bind records.' },
  { name: 'userIds', type: 'string[]', description: 'Distinct UserIds of its records.' },
  { name: 'clientIps', path: 'clientIps.address', type: 'string[]', description: 'Every address it used, by first use.' },
  { name: 'mailboxes', path: 'mailboxes.userPrincipalName', type: 'string[]', description: 'Every mailbox it touched.' },
  { name: 'appIds', type: 'string[]', description: 'Distinct AppId values.' },
  { name: 'clientInfoStrings', type: 'string[]', description: 'Distinct ClientInfoString values.' },
];

const ACCESS_COLUMNS: Column[] = [
  { name: 'accessedAt', type: 'date-time', description: 'CreationTime of the Bind record.' },
  { name: 'internetMessageId', type: 'string', description: 'Canonical, with angle brackets.' },
  { name: 'accessType', type: 'string', description: 'BIND.' },
  { name: 'mailbox', path: 'mailbox.userPrincipalName', type: 'string', description: 'The mailbox it was bound in.' },
  { name: 'folderPath', path: 'folder.path', type: 'string', description: 'The folder, as the record wrote it.' },
  { name: 'sessionId', path: 'session.sessionId', type: 'string', nullable: true, description: 'The session that bound it; null without SessionId or AADSessionId.' },
  { name: 'clientIp', path: 'clientIp.address', type: 'string', nullable: true, description: 'The address it was bound from.' },
  { name: 'clientAppId', type: 'string', nullable: true, description: 'ClientAppId of the Bind record.' },
  { name: 'logonType', type: 'string', nullable: true, description: 'OWNER, DELEGATE, ADMIN... relative to the mailbox owner.' },
  { name: 'sizeInBytes', type: 'integer', nullable: true, description: 'Item size, when the record gave it.' },
  { name: 'recordId', path: 'record.id', type: 'string', description: 'The Bind record that listed it.' },
];

const APP_COLUMNS: Column[] = [
  { name: 'appId', type: 'string', description: 'ClientAppId, else AppId (lower-case).' },
  { name: 'displayName', type: 'string', nullable: true, description: 'From the shipped list of Microsoft app ids.' },
  { name: 'appOnly', type: 'boolean', description: 'Read mail without a signed-in user.' },
  { name: 'firstSeen', type: 'date-time', description: 'Its first record.' },
  { name: 'lastSeen', type: 'date-time', description: 'Its last record.' },
  { name: 'recordCount', type: 'integer', description: 'Its records.' },
  { name: 'boundMessageCount', type: 'integer', description: 'Distinct messages bound through it.' },
  { name: 'mailboxes', path: 'mailboxes.userPrincipalName', type: 'string[]', description: 'Mailboxes it acted on.' },
];

const RECORD_COLUMNS: Column[] = [
  { name: 'creationTime', type: 'date-time', description: 'AuditData.CreationTime.' },
  { name: 'id', type: 'string', description: "The record's AuditData.Id (lower-case), or sha256:<hash>." },
  { name: 'operation', type: 'string', description: 'AuditData.Operation.' },
  { name: 'mailAccessType', type: 'string', nullable: true, description: 'BIND or SYNC for MailItemsAccessed.' },
  { name: 'mailbox', path: 'mailbox.userPrincipalName', type: 'string', nullable: true, description: 'MailboxOwnerUPN.' },
  { name: 'userId', type: 'string', nullable: true, description: 'The acting account.' },
  { name: 'sessionId', path: 'session.sessionId', type: 'string', nullable: true, description: 'Its session.' },
  { name: 'clientIp', path: 'clientIp.address', type: 'string', nullable: true, description: 'Canonical client address.' },
  { name: 'clientAppId', type: 'string', nullable: true, description: 'ClientAppId.' },
  { name: 'operationCount', type: 'integer', nullable: true, description: 'OperationCount.' },
  { name: 'isThrottled', type: 'boolean', nullable: true, description: 'IsThrottled.' },
];

// The GraphQL enums' own values: the REST parameters cannot drift from them.
const ACTIVITY_INTERVALS = Object.values(IntervalEnum);
const ACTIVITY_GROUPS = Object.values(ActivityGroupEnum);

/** The window of the dashboard aggregates, required there. */
const requiredFrom: Param = { ...from, required: true, graphqlType: 'DateTime!' };
const requiredTo: Param = { ...to, required: true, graphqlType: 'DateTime!' };

/** The filters `activity` and `activityTop` share (their GraphQL arguments of the same names). */
const ACTIVITY_FILTERS: Param[] = [
  { name: 'mailbox', in: 'query', type: 'string', graphqlType: 'String', description: 'Only this mailbox.' },
  { name: 'clientIp', in: 'query', type: 'ip', graphqlType: 'String', description: 'Only this address.' },
  { name: 'sessionId', in: 'query', type: 'string', graphqlType: 'String', description: 'Only this session.' },
  { name: 'appId', in: 'query', type: 'string', graphqlType: 'String', description: 'Only this application.' },
  { name: 'operation', in: 'query', type: 'string', graphqlType: 'String', description: 'Only this Operation.' },
];

export const REST_ROUTES: RestRoute[] = [
  {
    operationId: 'listSessionsByIp',
    path: '/ips/{ip}/sessions',
    summary: 'Sessions that used an IP address',
    description: 'Sessions with at least one record from this address, by firstSeen; from/to keep those active on it in the window.',
    params: [
      { name: 'ip', in: 'path', type: 'ip', required: true, graphqlType: 'String!', description: 'An IP address in any spelling (port, [brackets], IPv6 case).' },
      from,
      to,
    ],
    graphql: 'clientIp(address: $ip) { sessions(PAGE, from: $from, to: $to) { ROWS } }',
    shape: 'page',
    at: 'clientIp.sessions',
    columns: SESSION_COLUMNS,
    notFound: { at: 'clientIp', message: (p) => `No audit record came from ${p.ip}.` },
  },
  {
    operationId: 'getSession',
    path: '/sessions/{id}',
    summary: 'A session',
    description: 'A session by SessionId or AADSessionId: when, where from, which mailboxes, what it bound.',
    params: [sessionPath],
    graphql: 'session(sessionId: $id) { ROWS }',
    shape: 'object',
    at: 'session',
    columns: SESSION_COLUMNS,
    notFound: { at: 'session', message: (p) => `No audit record carries session id ${JSON.stringify(p.id)}.` },
  },
  {
    operationId: 'listSessionMessages',
    path: '/sessions/{id}/messages',
    summary: 'Messages a session bound',
    description: 'Every message the session bound (confirmed exposure), oldest first.',
    params: [sessionPath],
    graphql: 'session(sessionId: $id) { messageAccesses(PAGE) { ROWS } }',
    shape: 'page',
    at: 'session.messageAccesses',
    columns: ACCESS_COLUMNS,
    notFound: { at: 'session', message: (p) => `No audit record carries session id ${JSON.stringify(p.id)}.` },
  },
  {
    operationId: 'getMailbox',
    path: '/mailboxes/{upn}',
    summary: 'A mailbox',
    description: 'A mailbox by owner UPN: its records, throttling, and the windows its Bind auditing was stopped.',
    params: [upnPath],
    graphql: 'mailbox(userPrincipalName: $upn) { ROWS }',
    shape: 'object',
    at: 'mailbox',
    columns: [
      { name: 'userPrincipalName', type: 'string', description: 'Lower-cased owner UPN.' },
      { name: 'mailboxGuid', type: 'string', nullable: true, description: 'MailboxGuid.' },
      { name: 'organizationId', type: 'string', nullable: true, description: 'The Microsoft 365 tenant.' },
      { name: 'firstSeen', type: 'date-time', nullable: true, description: 'Its first record.' },
      { name: 'lastSeen', type: 'date-time', nullable: true, description: 'Its last record.' },
      { name: 'recordCount', type: 'integer', description: 'Its records.' },
      { name: 'throttledRecordCount', type: 'integer', description: 'Records with IsThrottled=True.' },
      { name: 'unauditedWindows', type: 'object[]', select: `unauditedWindows { ${WINDOW} }`, schema: windowSchema, description: 'Windows Bind auditing was throttled (THROTTLED_FLAG) or likely throttled (THRESHOLD).' },
    ],
    notFound: { at: 'mailbox', message: (p) => `No audit records name mailbox ${JSON.stringify(p.upn)}: check the UPN, or import its audit log first.` },
  },
  {
    operationId: 'getMailboxExposure',
    path: '/mailboxes/{upn}/exposure',
    summary: 'What a mailbox exposed',
    description:
      'Confirmed exposure (distinct messages bound), paged, with the totals, what the window covers, the unaudited windows and warnings beside it. ' +
      'Actor filters combine with AND across kinds and OR within a kind. A window without data is a NO_DATA warning, never a bare "nothing exposed".',
    params: [
      upnPath,
      from,
      to,
      { name: 'sessionId', in: 'query', type: 'string', list: true, graphqlType: '[String!]', description: 'Only what these sessions bound (repeat or comma-separate).' },
      { name: 'clientIp', in: 'query', type: 'ip', list: true, graphqlType: '[String!]', description: 'Only what was bound from these addresses.' },
      { name: 'clientAppId', in: 'query', type: 'string', list: true, graphqlType: '[String!]', description: 'Only what these applications bound.' },
    ],
    graphql:
      'exposure(mailbox: $upn, from: $from, to: $to, sessionIds: $sessionId, clientIps: $clientIp, clientAppIds: $clientAppId) { META boundMessages(PAGE) { ROWS } }',
    shape: 'page',
    at: 'exposure.boundMessages',
    columns: [
      { name: 'internetMessageId', type: 'string', description: 'Canonical, with angle brackets.' },
      { name: 'firstAccessedAt', type: 'date-time', description: 'First bind in the window.' },
      { name: 'lastAccessedAt', type: 'date-time', description: 'Last bind in the window.' },
      { name: 'accessCount', type: 'integer', description: 'How many times Bind records listed it.' },
      { name: 'folders', path: 'folders.path', type: 'string[]', description: 'Folders it was bound in.' },
      { name: 'sessionIds', path: 'sessions.sessionId', type: 'string[]', description: 'Sessions that bound it.' },
    ],
    meta: {
      at: 'exposure',
      columns: [
        { name: 'from', type: 'date-time', nullable: true, description: 'The window asked for.' },
        { name: 'to', type: 'date-time', nullable: true, description: 'The window asked for.' },
        { name: 'boundMessageCount', type: 'integer', description: 'Confirmed: distinct messages bound.' },
        { name: 'bindOperationCount', type: 'integer', description: 'Sum of OperationCount over the matching Bind records.' },
        {
          name: 'coverage',
          type: 'object',
          select: `coverage { covered { ${WINDOW} } uncovered { ${WINDOW} } }`,
          schema: { type: 'object', properties: { covered: { type: 'array', items: windowSchema }, uncovered: { type: 'array', items: windowSchema } }, required: ['covered', 'uncovered'] },
          description: 'Parts of the window imported records of the mailbox cover, and do not.',
        },
        { name: 'unauditedWindows', type: 'object[]', select: `unauditedWindows { ${WINDOW} }`, schema: windowSchema, description: 'Unknown: windows Bind auditing was throttled.' },
        {
          name: 'warnings',
          type: 'object[]',
          select: 'warnings { code message values }',
          schema: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, values: { type: 'array', items: { type: 'string' } } }, required: ['code', 'message', 'values'] },
          description: 'What limits this answer (NO_DATA, PARTIAL_COVERAGE, UNKNOWN_SESSION_ID...).',
        },
        {
          name: 'syncedFolders',
          type: 'object[]',
          select: 'syncedFolders { syncedAt folder { path } session { sessionId } clientIp { address } }',
          schema: {
            type: 'object',
            properties: {
              syncedAt: { type: 'string', format: 'date-time' },
              folder: { type: 'object', properties: { path: { type: 'string' } } },
              session: { type: ['object', 'null'], properties: { sessionId: { type: 'string' } } },
              clientIp: { type: ['object', 'null'], properties: { address: { type: 'string' } } },
            },
          },
          description: 'Presumed: whole folders synced in the window.',
        },
      ],
    },
    notFound: {
      at: 'mailbox',
      probe: 'mailbox(userPrincipalName: $upn) { userPrincipalName }',
      message: (p) => `No audit records name mailbox ${JSON.stringify(p.upn)}: check the UPN, or import its audit log first.`,
    },
  },
  {
    operationId: 'listNotifications',
    path: '/notification-list',
    summary: 'Who must be told what: the notification list',
    description:
      'One row per (mailbox, message) with its tier, ordered by mailbox, tier (CONFIRMED, PRESUMED, UNKNOWN), InternetMessageId. ' +
      'CONFIRMED: bound in the window by the actors asked; PRESUMED: in a folder they synced, not confirmed; UNKNOWN: an unaudited window of the mailbox (internetMessageId "*"). ' +
      'Actor filters as exposure. An unknown mailbox is a 400 naming it. Same answer as GraphQL `notificationList` (XLSX: GET /exports/notification-list).',
    params: [
      { name: 'mailboxes', in: 'query', type: 'string', list: true, required: true, graphqlType: '[String!]!', description: 'Mailbox owner UPNs (repeat or comma-separate).' },
      from,
      to,
      { name: 'sessionIds', in: 'query', type: 'string', list: true, graphqlType: '[String!]', description: 'Only what these sessions bound or synced.' },
      { name: 'clientIps', in: 'query', type: 'ip', list: true, graphqlType: '[String!]', description: 'Only what was bound or synced from these addresses.' },
      { name: 'clientAppIds', in: 'query', type: 'string', list: true, graphqlType: '[String!]', description: 'Only what these applications bound or synced.' },
    ],
    graphql:
      'notificationList(PAGE, mailboxes: $mailboxes, from: $from, to: $to, sessionIds: $sessionIds, clientIps: $clientIps, clientAppIds: $clientAppIds) { ROWS }',
    shape: 'page',
    at: 'notificationList',
    columns: [
      { name: 'mailbox', path: 'mailbox.userPrincipalName', type: 'string', description: 'The mailbox owner.' },
      { name: 'internetMessageId', type: 'string', description: 'Canonical, with angle brackets; "*" for an UNKNOWN row.' },
      { name: 'tier', type: 'string', description: 'CONFIRMED, PRESUMED or UNKNOWN.' },
      { name: 'evidence', type: 'string', nullable: true, description: 'PRESUMED: INVENTORY, BOUND_BEFORE or BOUND_AFTER.' },
      { name: 'firstAccessedAt', type: 'date-time', nullable: true, description: 'First Bind, first matching Sync, or window start.' },
      { name: 'lastAccessedAt', type: 'date-time', nullable: true, description: 'Last Bind, last matching Sync, or window end.' },
      { name: 'subject', type: 'string', nullable: true, description: 'eDiscovery, then message trace, then the Bind records.' },
      { name: 'sender', type: 'string', nullable: true, description: 'eDiscovery (header From), then message trace (envelope sender).' },
      { name: 'recipients', type: 'string[]', description: 'From the imported message details.' },
      { name: 'folders', path: 'folders.path', type: 'string[]', description: 'Folders it was bound in or synced with.' },
      { name: 'sessions', path: 'sessions.sessionId', type: 'string[]', description: 'Sessions of the Binds or Syncs.' },
      { name: 'clientIps', path: 'clientIps.address', type: 'string[]', description: 'Client IPs of the Binds or Syncs.' },
      { name: 'apps', path: 'apps.appId', type: 'string[]', description: 'Apps of the Binds or Syncs.' },
      { name: 'evidenceRecordIds', type: 'string[]', description: 'AuditRecord ids behind the row.' },
      { name: 'unauditedReason', type: 'string', nullable: true, description: "UNKNOWN: the window's reason." },
      { name: 'unauditedDetail', type: 'string', nullable: true, description: 'UNKNOWN: the window in words.' },
    ],
  },
  {
    operationId: 'listMessageAccesses',
    path: '/messages/{id}',
    summary: 'Who read a message',
    description: 'Every bind of one InternetMessageId in every mailbox, oldest first: who, when, from where.',
    params: [{ name: 'id', in: 'path', type: 'string', required: true, graphqlType: 'String!', description: 'The InternetMessageId, with or without <angle brackets> (URL-encoded).' }],
    graphql: 'message(internetMessageId: $id) { accesses(PAGE) { ROWS } }',
    shape: 'page',
    at: 'message.accesses',
    columns: ACCESS_COLUMNS,
    notFound: { at: 'message', message: (p) => `No imported record names message ${JSON.stringify(p.id)}.` },
  },
  {
    operationId: 'pivot',
    path: '/pivot',
    summary: 'Everything connected to known-bad IPs or sessions',
    description:
      'IP -> sessions that used it -> their other IPs -> ..., one row per session or IP reached, with the hop it was first reached at. ' +
      'Addresses that are not PUBLIC are reached but not followed (followed=false) unless includeNonPublic=true.',
    params: [
      { name: 'ip', in: 'query', type: 'ip', list: true, graphqlType: '[String!]', description: 'Seed IPs (repeat or comma-separate).' },
      { name: 'sessionId', in: 'query', type: 'string', list: true, graphqlType: '[String!]', description: 'Seed SessionIds or AADSessionIds.' },
      { name: 'hops', in: 'query', type: 'integer', minimum: 0, maximum: 6, default: 3, graphqlType: 'Int', description: 'Hops to follow.' },
      { name: 'maxSessionsPerHop', in: 'query', type: 'integer', minimum: 1, maximum: 1000, default: 200, graphqlType: 'Int', description: 'New sessions (and IPs) followed per hop; beyond it the hop is truncated.' },
      { name: 'includeNonPublic', in: 'query', type: 'boolean', default: false, graphqlType: 'Boolean', description: 'Also follow MICROSOFT, PRIVATE... addresses.' },
    ],
    graphql:
      'pivot(seed: { clientIps: $ip, sessionIds: $sessionId }, maxHops: $hops, maxSessionsPerHop: $maxSessionsPerHop, includeNonPublic: $includeNonPublic) { META ROWS }',
    shape: 'list',
    at: 'pivot',
    columns: [
      { name: 'hop', type: 'integer', description: '0 = the seeds found in the data.' },
      { name: 'kind', type: 'string', description: 'SESSION or CLIENT_IP.' },
      { name: 'id', type: 'string', description: 'The SessionId, or the canonical address.' },
      { name: 'firstSeen', type: 'date-time', description: 'Its first record.' },
      { name: 'lastSeen', type: 'date-time', description: 'Its last record.' },
      { name: 'recordCount', type: 'integer', description: 'Its records.' },
      { name: 'ipKind', type: 'string', nullable: true, description: 'For an IP: PUBLIC, MICROSOFT, PRIVATE...' },
      { name: 'followed', type: 'boolean', description: 'Whether the pivot went on from it.' },
      { name: 'hopTruncated', type: 'boolean', description: 'A per-hop limit cut this hop short.' },
    ],
    rows: {
      select: `hops { hop truncated sessions { sessionId firstSeen lastSeen recordCount } clientIps { address kind firstSeen lastSeen recordCount } clientIpsNotFollowed { address } }`,
      of: (pivot: { hops: any[] }) =>
        pivot.hops.flatMap((h) => {
          const notFollowed = new Set(h.clientIpsNotFollowed.map((c: { address: string }) => c.address));
          return [
            ...h.sessions.map((s: any) => ({ hop: h.hop, kind: 'SESSION', id: s.sessionId, firstSeen: s.firstSeen, lastSeen: s.lastSeen, recordCount: s.recordCount, ipKind: null, followed: true, hopTruncated: h.truncated })),
            ...h.clientIps.map((c: any) => ({ hop: h.hop, kind: 'CLIENT_IP', id: c.address, firstSeen: c.firstSeen, lastSeen: c.lastSeen, recordCount: c.recordCount, ipKind: c.kind, followed: !notFollowed.has(c.address), hopTruncated: h.truncated })),
          ];
        }),
    },
    meta: {
      at: 'pivot',
      columns: [
        { name: 'truncated', type: 'boolean', description: 'A hop was cut short: raise maxSessionsPerHop or start from narrower seeds.' },
        { name: 'mailboxes', path: 'mailboxes.userPrincipalName', type: 'string[]', description: 'Mailboxes touched by the sessions reached.' },
      ],
    },
    check: (p) => {
      if (!(p.ip as string[] | undefined)?.length && !(p.sessionId as string[] | undefined)?.length) throw new ParamError('ip', 'Give at least one seed: ip or sessionId.');
    },
  },
  {
    operationId: 'timeline',
    path: '/timeline',
    summary: 'Audit records of a mailbox, a session or an IP, oldest first',
    description: 'The records in a window, oldest first. Name a mailbox, a sessionId or an ip (several narrow further). Timesketch formats: GET /exports/timeline.',
    params: [
      { name: 'mailbox', in: 'query', type: 'string', graphqlType: 'String', description: 'Mailbox owner UPN.' },
      { name: 'sessionId', in: 'query', type: 'string', graphqlType: 'String', description: 'SessionId.' },
      { name: 'ip', in: 'query', type: 'ip', graphqlType: 'String', description: 'Client IP, any spelling.' },
      from,
      to,
    ],
    graphql: 'auditRecords(PAGE, filter: { mailbox: $mailbox, sessionId: $sessionId, clientIp: $ip, from: $from, to: $to }) { ROWS }',
    shape: 'page',
    at: 'auditRecords',
    columns: RECORD_COLUMNS,
    check: (p) => {
      if (p.mailbox === undefined && p.sessionId === undefined && p.ip === undefined) throw new ParamError('mailbox', 'Name a mailbox, a sessionId or an ip (any combination narrows further).');
    },
  },
  {
    operationId: 'activity',
    path: '/activity',
    summary: 'Records, operations and messages per time bucket',
    description: 'One row per series and bucket (empty buckets included); series ordered by total records, at most `series`. Same answer as GraphQL `activity`.',
    params: [
      { name: 'interval', in: 'query', type: 'enum', enum: ACTIVITY_INTERVALS, required: true, graphqlType: 'Interval!', description: 'Bucket width, aligned in UTC.' },
      requiredFrom,
      requiredTo,
      { name: 'groupBy', in: 'query', type: 'enum', enum: ACTIVITY_GROUPS, default: 'NONE', graphqlType: 'ActivityGroup!', description: 'What one series stands for.' },
      ...ACTIVITY_FILTERS,
      { name: 'series', in: 'query', type: 'integer', minimum: 1, maximum: 100, default: 10, graphqlType: 'Int!', description: 'Series kept (GraphQL `top`).' },
    ],
    graphql:
      'activity(interval: $interval, from: $from, to: $to, groupBy: $groupBy, mailbox: $mailbox, clientIp: $clientIp, sessionId: $sessionId, appId: $appId, operation: $operation, top: $series) { ROWS }',
    shape: 'list',
    at: 'activity',
    columns: [
      { name: 'key', type: 'string', nullable: true, description: 'The group value; null for NONE.' },
      { name: 'label', type: 'string', nullable: true, description: 'APP display name or ASN organisation, where known.' },
      { name: 'start', type: 'date-time', description: 'Start of the bucket.' },
      { name: 'records', type: 'integer', description: 'Audit records in the bucket.' },
      { name: 'operations', type: 'integer', description: 'Operations they stand for.' },
      { name: 'messages', type: 'integer', description: 'Distinct messages bound.' },
    ],
    rows: {
      select: 'key label buckets { start records operations messages }',
      of: (series: { key: string | null; label: string | null; buckets: Record<string, unknown>[] }[]) =>
        series.flatMap((s) => s.buckets.map((b) => ({ key: s.key, label: s.label, ...b }))),
    },
  },
  {
    operationId: 'activityTop',
    path: '/activity/top',
    summary: 'Top-N table: what bound the most messages',
    description: 'The client IPs, apps, sessions, mailboxes, operations, countries or networks whose records in the window bound the most distinct messages, then the most records. Same answer as GraphQL `activityTop`.',
    params: [
      { name: 'groupBy', in: 'query', type: 'enum', enum: ACTIVITY_GROUPS, required: true, graphqlType: 'ActivityGroup!', description: 'What one row stands for.' },
      requiredFrom,
      requiredTo,
      ...ACTIVITY_FILTERS,
      { name: 'rows', in: 'query', type: 'integer', minimum: 1, maximum: 100, default: 10, graphqlType: 'Int!', description: 'Rows kept (GraphQL `first`).' },
    ],
    graphql:
      'activityTop(groupBy: $groupBy, from: $from, to: $to, mailbox: $mailbox, clientIp: $clientIp, sessionId: $sessionId, appId: $appId, operation: $operation, first: $rows) { ROWS }',
    shape: 'list',
    at: 'activityTop',
    columns: [
      { name: 'key', type: 'string', nullable: true, description: 'The group value.' },
      { name: 'label', type: 'string', nullable: true, description: 'APP display name or ASN organisation, where known.' },
      { name: 'messages', type: 'integer', description: 'Distinct messages bound in the window (the rank).' },
      { name: 'records', type: 'integer', description: 'Audit records in the window.' },
      { name: 'operations', type: 'integer', description: 'Operations they stand for.' },
      { name: 'firstSeen', type: 'date-time', description: 'First record in the window.' },
      { name: 'lastSeen', type: 'date-time', description: 'Last record in the window.' },
    ],
  },
  {
    operationId: 'listApps',
    path: '/apps',
    summary: 'Applications that acted on mail',
    description: 'Applications by firstSeen; mailbox and from/to keep those with records in that mailbox / window.',
    params: [{ name: 'mailbox', in: 'query', type: 'string', graphqlType: 'String', description: 'Only applications with records in this mailbox.' }, from, to],
    graphql: 'apps(PAGE, mailbox: $mailbox, from: $from, to: $to) { ROWS }',
    shape: 'page',
    at: 'apps',
    columns: APP_COLUMNS,
  },
  {
    operationId: 'getApp',
    path: '/apps/{id}',
    summary: 'An application',
    description: 'An application by ClientAppId / AppId (any case).',
    params: [{ name: 'id', in: 'path', type: 'string', required: true, graphqlType: 'String!', description: 'ClientAppId or AppId.' }],
    graphql: 'app(appId: $id) { ROWS }',
    shape: 'object',
    at: 'app',
    columns: APP_COLUMNS,
    notFound: { at: 'app', message: (p) => `No audit record names application ${JSON.stringify(p.id)}.` },
  },
  {
    operationId: 'listAccessLog',
    path: '/access-log',
    summary: 'The access log (admin keys)',
    description: 'Every API request of this organisation, oldest first.',
    params: [from, to, { name: 'keyName', in: 'query', type: 'string', graphqlType: 'String', description: 'Only requests made with this key.' }],
    graphql: 'accessLog(PAGE, from: $from, to: $to, keyName: $keyName) { ROWS }',
    shape: 'page',
    at: 'accessLog',
    columns: [
      { name: 'id', type: 'string', description: 'Row id.' },
      { name: 'at', type: 'date-time', description: 'When the answer was sent.' },
      { name: 'keyName', type: 'string', nullable: true, description: 'The API key used.' },
      { name: 'route', type: 'string', description: 'Method and route.' },
      { name: 'operation', type: 'string', nullable: true, description: 'GraphQL operation, or the REST operationId.' },
      { name: 'rowsReturned', type: 'integer', nullable: true, description: 'Rows in the answer.' },
      { name: 'status', type: 'integer', description: 'HTTP status.' },
      { name: 'durationMs', type: 'integer', description: 'Time to answer.' },
    ],
  },
];
