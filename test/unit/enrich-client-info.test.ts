import fc from 'fast-check';
import { parseClientInfo } from '../../src/enrich';

describe('which client was it: ClientInfoString → family, protocol, browser, OS', () => {
  test.each([
    // [ClientInfoString as recorded, family, protocol, browser, os]
    ['Client=OWA;Action=ViaProxy', 'OWA', 'OWA', null, null],
    [
      'Client=OWA;Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; Touch; rv:11.0) like Gecko;',
      'OWA',
      'OWA',
      'Internet Explorer 11',
      'Windows 10/11',
    ],
    [
      'Client=OWA;Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36;',
      'OWA',
      'OWA',
      'Chrome 120',
      'Windows 10/11',
    ],
    [
      'Client=OWA;Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0;',
      'OWA',
      'OWA',
      'Edge 124',
      'Windows 10/11',
    ],
    [
      'Client=OWA;Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15;',
      'OWA',
      'OWA',
      'Safari 17',
      'macOS 10.15.7',
    ],
    [
      'Client=OWA;Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0;',
      'OWA',
      'OWA',
      'Firefox 121',
      'Linux',
    ],
    ['Client=REST;Client=RESTSystem;;', 'REST', 'REST', null, null],
    ['Client=REST;Client=RESTSystem;python-requests/2.31.0;', 'REST', 'REST', 'python-requests 2.31.0', null],
    ['Client=MSExchangeRPC', 'MAPI', 'MAPI', null, null],
    ['Client=OutlookService;Outlook-iOS/2.0;', 'OUTLOOK_MOBILE', 'OutlookService', 'Outlook-iOS 2.0', 'iOS'],
    ['Client=OutlookService;Outlook-Android/2.0;', 'OUTLOOK_MOBILE', 'OutlookService', 'Outlook-Android 2.0', 'Android'],
    ['Client=Hx;Outlook-iOS/2.0;', 'OUTLOOK_MOBILE', 'Hx', 'Outlook-iOS 2.0', 'iOS'],
    [
      'Client=ActiveSync;UserAgent=Apple-iPhone9C1/1602.92;Action=/Microsoft-Server-ActiveSync/default.eas?Cmd=Sync',
      'ACTIVESYNC',
      'ActiveSync',
      'Apple-iPhone9C1 1602.92',
      'iOS',
    ],
    ['Client=ActiveSync;UserAgent=Android-Mail/2023.01.01;', 'ACTIVESYNC', 'ActiveSync', 'Android-Mail 2023.01.01', 'Android'],
    ['Client=WebServices;Action=ConfigureGroupMailbox', 'EWS', 'EWS', null, null],
    ['Client=WebServices;ExchangeServicesClient/15.01.0225.041;', 'EWS', 'EWS', 'ExchangeServicesClient 15.01.0225.041', null],
    [
      'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.14326; Pro)',
      'OUTLOOK_DESKTOP',
      null,
      'Microsoft Outlook 16.0.14326',
      'Windows 10/11',
    ],
    [
      'Client=MSExchangeRPC;Microsoft Office/16.0 (Windows NT 6.1; Microsoft Outlook 16.0.5413; Pro)',
      'OUTLOOK_DESKTOP',
      'MAPI',
      'Microsoft Outlook 16.0.5413',
      'Windows 7',
    ],
    [
      'MacOutlook/16.80.23121017 (Intelx64 Mac OS X 14.2.1 (Build 23C71))',
      'OUTLOOK_DESKTOP',
      null,
      'MacOutlook 16.80.23121017',
      'macOS 14.2.1',
    ],
    [
      'Client=REST;Client=RESTSystem;Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro);',
      'OUTLOOK_DESKTOP',
      'REST',
      'Microsoft Outlook 16.0.17328',
      'Windows 10/11',
    ],
    ['Client=POP3/IMAP4;Protocol=IMAP4', 'POP_IMAP', 'IMAP4', null, null],
    ['Client=POP3/IMAP4;Protocol=POP3', 'POP_IMAP', 'POP3', null, null],
    [
      'Client=OWA;Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
      'OWA',
      'OWA',
      'Safari 17',
      'iOS 17.1',
    ],
  ])('%s', (text, family, protocol, browser, os) => {
    expect(parseClientInfo(text)).toEqual({ family, protocol, browser, os });
  });

  test.each([
    ['', { family: 'OTHER', protocol: null, browser: null, os: null }],
    ['garbage', { family: 'OTHER', protocol: null, browser: null, os: null }],
    ['Client=SomethingNew;', { family: 'OTHER', protocol: 'SomethingNew', browser: null, os: null }],
    ['Client=;', { family: 'OTHER', protocol: 'unknown', browser: null, os: null }],
    ['((((;;;', { family: 'OTHER', protocol: null, browser: null, os: null }],
  ])('unknown shape %p is OTHER', (text, info) => {
    expect(parseClientInfo(text)).toEqual(info);
  });

  test('never throws and stays bounded on any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })), (text) => {
        const info = parseClientInfo(text);
        expect(typeof info.family).toBe('string');
        for (const v of [info.protocol, info.browser, info.os]) if (v !== null) expect(v.length).toBeLessThanOrEqual(100);
      }),
      { numRuns: 500 },
    );
    expect(parseClientInfo(null).family).toBe('OTHER');
    const started = Date.now();
    parseClientInfo('Client=OWA;Mozilla/5.0 (' + 'Trident/7.0 '.repeat(20000) + ')');
    parseClientInfo('Client=OWA;Version/1' + '.1'.repeat(50000));
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
