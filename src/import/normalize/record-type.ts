import { nonNegativeInt } from './values';

/**
 * AuditLogRecordType names -> ints, from the Office 365 Management Activity API schema. Search-UnifiedAuditLog
 * and Graph give the name (`ExchangeItemAggregated`, `exchangeItemAggregated`), AuditData and Purview the int.
 */
const RECORD_TYPES: Record<string, number> = {
  ExchangeAdmin: 1,
  ExchangeItem: 2,
  ExchangeItemGroup: 3,
  SharePoint: 4,
  SharePointFileOperation: 6,
  OneDrive: 7,
  AzureActiveDirectory: 8,
  AzureActiveDirectoryAccountLogon: 9,
  DataCenterSecurityCmdlet: 10,
  ComplianceDLPSharePoint: 11,
  ComplianceDLPExchange: 13,
  SharePointSharingOperation: 14,
  AzureActiveDirectoryStsLogon: 15,
  SkypeForBusinessPSTNUsage: 16,
  SkypeForBusinessUsersBlocked: 17,
  SecurityComplianceCenterEOPCmdlet: 18,
  ExchangeAggregatedOperation: 19,
  PowerBIAudit: 20,
  CRM: 21,
  Yammer: 22,
  SkypeForBusinessCmdlets: 23,
  Discovery: 24,
  MicrosoftTeams: 25,
  ThreatIntelligence: 28,
  MailSubmission: 29,
  MicrosoftFlow: 30,
  AeD: 31,
  MicrosoftStream: 32,
  ComplianceDLPSharePointClassification: 33,
  ThreatFinder: 34,
  Project: 35,
  SharePointListOperation: 36,
  SharePointCommentOperation: 37,
  DataGovernance: 38,
  Kaizala: 39,
  SecurityComplianceAlerts: 40,
  ThreatIntelligenceUrl: 41,
  SecurityComplianceInsights: 42,
  MIPLabel: 43,
  WorkplaceAnalytics: 44,
  PowerAppsApp: 45,
  PowerAppsPlan: 46,
  ThreatIntelligenceAtpContent: 47,
  LabelContentExplorer: 48,
  TeamsHealthcare: 49,
  ExchangeItemAggregated: 50,
  HygieneEvent: 51,
  DataInsightsRestApiAudit: 52,
  InformationBarrierPolicyApplication: 53,
  SharePointListItemOperation: 54,
  SharePointContentTypeOperation: 55,
  SharePointFieldOperation: 56,
  MicrosoftTeamsAdmin: 57,
  HRSignal: 58,
  MicrosoftTeamsDevice: 59,
  MicrosoftTeamsAnalytics: 60,
  InformationWorkerProtection: 61,
  Campaign: 62,
  DLPEndpoint: 63,
  AirInvestigation: 64,
  Quarantine: 65,
  MicrosoftForms: 66,
  ApplicationAudit: 67,
  ComplianceSupervisionExchange: 68,
  CustomerKeyServiceEncryption: 69,
  OfficeNative: 70,
  MipAutoLabelSharePointItem: 71,
  MipAutoLabelSharePointPolicyLocation: 72,
  MicrosoftTeamsShifts: 73,
  MipAutoLabelExchangeItem: 75,
  CortanaBriefing: 76,
  WDATPAlerts: 78,
  SensitivityLabelPolicyMatch: 82,
  SensitivityLabelAction: 83,
  SensitivityLabeledFileAction: 84,
  AttackSim: 85,
  AirManualInvestigation: 86,
  SecurityComplianceRBAC: 87,
  UserTraining: 88,
  AirAdminActionInvestigation: 89,
  MSTIC: 90,
  PhysicalBadgingSignal: 91,
  AipDiscover: 93,
  AipSensitivityLabelAction: 94,
  AipProtectionAction: 95,
  AipFileDeleted: 96,
  AipHeartBeat: 97,
  MCASAlerts: 98,
  OnPremisesFileShareScannerDlp: 99,
  OnPremisesSharePointScannerDlp: 100,
  ExchangeSearch: 101,
  SharePointSearch: 102,
  PrivacyInsights: 103,
  MyAnalyticsSettings: 105,
  SecurityComplianceUserChange: 106,
  ComplianceDLPExchangeClassification: 107,
  MipExactDataMatch: 109,
  MS365DCustomDetection: 113,
  CoreReportingSettings: 147,
  ComplianceConnector: 148,
  OMEPortal: 154,
  CopilotInteraction: 261,
};

const BY_LOWER_NAME = new Map(Object.entries(RECORD_TYPES).map(([name, value]) => [name.toLowerCase(), value]));

/** An int, a numeric string, or an enum name in any case; unknown names -> null. */
export function recordTypeValue(value: unknown): number | null {
  const n = nonNegativeInt(value);
  if (n !== null) return n;
  if (typeof value !== 'string') return null;
  return BY_LOWER_NAME.get(value.trim().toLowerCase()) ?? null;
}

/** Search-MailboxAuditLog renders LogonType as a name (quirk 33). */
const LOGON_TYPES = new Map<string, number>(Object.entries({
  owner: 0,
  admin: 1,
  delegate: 2,
  delegated: 2,
  transport: 3,
  systemservice: 4,
  bestaccess: 5,
  delegatedadmin: 6,
}));

export function logonTypeValue(value: unknown): number | null {
  const n = nonNegativeInt(value);
  if (n !== null) return n;
  if (typeof value !== 'string') return null;
  return LOGON_TYPES.get(value.trim().toLowerCase()) ?? null; // a Map: `constructor` is not a logon type
}

/** AuditData.UserType names (Office 365 Management Activity API schema). */
const USER_TYPES = new Map<string, number>(Object.entries({
  regular: 0,
  reserved: 1,
  admin: 2,
  dcadmin: 3,
  system: 4,
  application: 5,
  serviceprincipal: 6,
  custompolicy: 7,
  systempolicy: 8,
}));

export function userTypeValue(value: unknown): number | null {
  const n = nonNegativeInt(value);
  if (n !== null) return n;
  if (typeof value !== 'string') return null;
  return USER_TYPES.get(value.trim().toLowerCase()) ?? null;
}
