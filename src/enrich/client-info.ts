/**
 * ClientInfoString is free text (QUIRKS 35): `Client=OWA;Mozilla/5.0 (…)`, `Client=REST;Client=RESTSystem;;`,
 * `Client=MSExchangeRPC`, `Client=OutlookService;Outlook-iOS/2.0;`, `Client=ActiveSync;UserAgent=…;Action=…`,
 * `Client=WebServices;…`, `Client=POP3/IMAP4;Protocol=IMAP4`, or a bare user agent such as
 * `Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.…)`. The raw text stays stored; this only
 * derives what an investigator groups by. Unknown shapes give family OTHER; nothing here throws.
 */

/** The program family: by the user agent when it names an Outlook, else by the access protocol. */
export type ClientFamily =
  | 'OWA'
  | 'OUTLOOK_DESKTOP'
  | 'OUTLOOK_MOBILE'
  | 'REST'
  | 'EWS'
  | 'MAPI' // Client=MSExchangeRPC without a user agent: classic Outlook or another MAPI client
  | 'ACTIVESYNC'
  | 'POP_IMAP'
  | 'OTHER';

export const CLIENT_FAMILIES: readonly ClientFamily[] = [
  'OWA', 'OUTLOOK_DESKTOP', 'OUTLOOK_MOBILE', 'REST', 'EWS', 'MAPI', 'ACTIVESYNC', 'POP_IMAP', 'OTHER',
];

export interface ClientInfo {
  family: ClientFamily;
  /** The access protocol (`OWA`, `REST`, `MAPI`, `EWS`, `ActiveSync`, `OutlookService`, `Hx`, `POP3`, `IMAP4`, …). */
  protocol: string | null;
  /** The browser or client program with its version (`Chrome 120`, `Outlook-iOS 2.0`). */
  browser: string | null;
  os: string | null;
}

const MAX_LENGTH = 2000; // longer text is hostile or junk; what matters is at the start
const MAX_NAME = 64;

export function parseClientInfo(clientInfoString: string | null | undefined): ClientInfo {
  if (typeof clientInfoString !== 'string') return { family: 'OTHER', protocol: null, browser: null, os: null };
  const segments = splitOutsideParentheses(clientInfoString.slice(0, MAX_LENGTH));
  const clients: string[] = [];
  const properties = new Map<string, string>();
  let userAgent: string | null = null;
  for (const segment of segments) {
    const pair = /^([A-Za-z][A-Za-z0-9-]*)=(.*)$/.exec(segment);
    if (pair && pair[1]!.toLowerCase() === 'client') clients.push(pair[2]!.trim());
    else if (pair) properties.set(pair[1]!.toLowerCase(), pair[2]!.trim());
    else if (segment !== '' && userAgent === null) userAgent = segment;
  }
  userAgent = properties.get('useragent') ?? userAgent;

  const protocol = clients.length > 0 ? protocolOf(clients[0]!, properties.get('protocol')) : null;
  return {
    family: familyOf(protocol, userAgent ?? ''),
    protocol,
    browser: userAgent ? browserOf(userAgent) : null,
    os: userAgent ? osOf(userAgent) : null,
  };
}

/** `;` separates fields, but user agents hold `;` inside their parentheses. */
function splitOutsideParentheses(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (c === ';' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

function protocolOf(client: string, protocolProperty: string | undefined): string {
  const name = client.toLowerCase();
  if (name === 'owa') return 'OWA';
  if (name === 'rest' || name === 'restsystem') return 'REST';
  if (name === 'msexchangerpc') return 'MAPI';
  if (name === 'webservices') return 'EWS';
  if (name === 'activesync' || name === 'airsync') return 'ActiveSync';
  if (name === 'outlookservice') return 'OutlookService';
  if (name.startsWith('hx')) return 'Hx';
  if (name === 'pop3/imap4' || name === 'pop3' || name === 'imap4') {
    const p = (protocolProperty ?? name).toUpperCase();
    return p === 'POP3' || p === 'IMAP4' ? p : 'POP3/IMAP4';
  }
  return client.slice(0, MAX_NAME) || 'unknown';
}

const PROTOCOL_FAMILY: Readonly<Record<string, ClientFamily>> = {
  OWA: 'OWA',
  REST: 'REST',
  MAPI: 'MAPI',
  EWS: 'EWS',
  ActiveSync: 'ACTIVESYNC',
  OutlookService: 'OUTLOOK_MOBILE',
  Hx: 'OUTLOOK_MOBILE',
  POP3: 'POP_IMAP',
  IMAP4: 'POP_IMAP',
  'POP3/IMAP4': 'POP_IMAP',
};

function familyOf(protocol: string | null, userAgent: string): ClientFamily {
  if (/Outlook-(iOS|Android|iPad)|OutlookMobile/i.test(userAgent)) return 'OUTLOOK_MOBILE';
  if (/Microsoft Outlook|MacOutlook|^Outlook\/\d/i.test(userAgent)) return 'OUTLOOK_DESKTOP';
  return (protocol && PROTOCOL_FAMILY[protocol]) || 'OTHER';
}

/** Browsers by their distinguishing token (Edge and Opera also say Chrome; Chrome also says Safari). */
const BROWSERS: readonly [RegExp, string][] = [
  [/\bEdge?\/(\d+)/, 'Edge'],
  [/\bOPR\/(\d+)/, 'Opera'],
  [/\bFirefox\/(\d+)/, 'Firefox'],
  [/\bChrome\/(\d+)/, 'Chrome'],
  [/\bVersion\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
  [/\bMSIE (\d+)/, 'Internet Explorer'],
  [/\bTrident\/\d.*\brv:(\d+)/, 'Internet Explorer'],
];

function browserOf(userAgent: string): string | null {
  for (const [pattern, name] of BROWSERS) {
    const m = pattern.exec(userAgent);
    if (m) return `${name} ${m[1]}`;
  }
  const outlook = /\bMicrosoft Outlook ([\d.]+)/.exec(userAgent);
  if (outlook) return `Microsoft Outlook ${outlook[1]}`;
  if (userAgent.startsWith('Mozilla/')) return null; // a browser-like agent we do not recognise
  // Other programs name themselves first: `Outlook-iOS/2.0`, `python-requests/2.31.0`, `Apple-iPhone9C1/1602.92`.
  const program = /^([^\s/()]{1,64})\/([^\s()]{1,32})/.exec(userAgent);
  return program ? `${program[1]} ${program[2]}` : null;
}

const WINDOWS_NT: Readonly<Record<string, string>> = {
  '10.0': 'Windows 10/11', // Windows 11 still says NT 10.0
  '6.3': 'Windows 8.1',
  '6.2': 'Windows 8',
  '6.1': 'Windows 7',
  '6.0': 'Windows Vista',
  '5.1': 'Windows XP',
};

function osOf(userAgent: string): string | null {
  let m: RegExpExecArray | null;
  if (/Windows Phone/.test(userAgent)) return 'Windows Phone';
  if ((m = /Windows NT (\d+\.\d+)/.exec(userAgent))) return WINDOWS_NT[m[1]!] ?? `Windows NT ${m[1]}`;
  if ((m = /(?:iPhone|CPU) OS (\d+(?:_\d+)*)/.exec(userAgent))) return `iOS ${m[1]!.replace(/_/g, '.')}`;
  if (/Outlook-iOS|Outlook-iPad|iPhone|iPad|\biOS\b/.test(userAgent)) return 'iOS';
  if ((m = /Mac OS X (\d+(?:[_.]\d+)*)/.exec(userAgent))) return `macOS ${m[1]!.replace(/_/g, '.')}`;
  if (/Macintosh|MacOutlook/.test(userAgent)) return 'macOS';
  if ((m = /Android (\d+(?:\.\d+)*)/.exec(userAgent))) return `Android ${m[1]}`;
  if (/Android/.test(userAgent)) return 'Android';
  if (/CrOS/.test(userAgent)) return 'ChromeOS';
  if (/Linux/.test(userAgent)) return 'Linux';
  if (/Windows/.test(userAgent)) return 'Windows';
  return null;
}
