/**
 * The audit trail: one record per patient asked about (allowed, not found or invalid) and one per refused
 * request, as JSON lines to AUDIT_LOG. Always on.
 */
export { auditPlugin } from './plugin.js';
export { createAuditSink, type AuditSink, type AuditSinkOptions } from './sink.js';
export { requestedPatientFields } from './fields.js';
export type { AccessDenied, PatientLookup, RecordAccess } from './record.js';
