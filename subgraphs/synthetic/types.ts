/**
 * The shapes of the synthetic records. They mirror the GraphQL types of the subgraphs one-to-one, so a
 * resolver can return them as they are. Dates are ISO strings (`YYYY-MM-DD`, or full ISO date-times).
 */

export interface Coding {
  readonly system: string;
  readonly code: string;
  readonly display: string;
}

export type SecurityLabel = 'U' | 'R' | 'V';

export interface Demographics {
  readonly nhsNumber: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly gender: 'female' | 'male' | 'other' | 'unknown';
  readonly birthDate: string;
  readonly deceasedDate: string | null;
  readonly addressLines: readonly string[];
  readonly postcode: string;
  readonly telecom: string;
  readonly registeredPracticeOds: string;
  /** PDS confidentiality: U unrestricted, R restricted, V very restricted. */
  readonly securityLabel: SecurityLabel;
}

export interface Medication {
  readonly id: string;
  readonly medication: Coding;
  readonly dosage: string;
  readonly quantity: string;
  readonly status: 'ACTIVE' | 'COMPLETED' | 'STOPPED';
  readonly prescriptionType: 'ACUTE' | 'REPEAT';
  readonly startDate: string;
  readonly endDate: string | null;
  readonly lastIssuedDate: string | null;
}

export interface Allergy {
  readonly id: string;
  readonly code: Coding;
  readonly reaction: string;
  readonly severity: 'MILD' | 'MODERATE' | 'SEVERE';
  readonly status: 'ACTIVE' | 'RESOLVED';
  readonly recordedDate: string;
}

export interface Problem {
  readonly id: string;
  readonly code: Coding;
  readonly status: 'ACTIVE' | 'INACTIVE';
  readonly significance: 'MAJOR' | 'MINOR';
  readonly onsetDate: string;
}

export interface Immunisation {
  readonly id: string;
  readonly vaccine: Coding;
  readonly date: string;
  readonly batchNumber: string;
}

export interface Consultation {
  readonly id: string;
  readonly date: string;
  readonly clinician: string;
  readonly type: 'FACE_TO_FACE' | 'TELEPHONE' | 'VIDEO' | 'HOME_VISIT';
  readonly summary: string;
}

export interface Observation {
  readonly id: string;
  readonly test: Coding;
  readonly value: number;
  readonly unit: string;
  readonly referenceRange: string;
  readonly abnormal: boolean;
  readonly date: string;
}

export interface Referral {
  readonly id: string;
  readonly specialty: string;
  readonly priority: 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT';
  readonly status: 'SENT' | 'ACCEPTED' | 'COMPLETED';
  readonly date: string;
}

export interface Organisation {
  readonly odsCode: string;
  readonly name: string;
}

export type GpRecordWarning = 'CONFIDENTIAL_ITEMS' | 'DATA_IN_TRANSIT' | 'DATA_AWAITING_FILING';

export interface GpRecord {
  readonly nhsNumber: string;
  readonly registeredPractice: Organisation;
  readonly warnings: readonly GpRecordWarning[];
  readonly medications: readonly Medication[];
  readonly allergies: readonly Allergy[];
  readonly problems: readonly Problem[];
  readonly immunisations: readonly Immunisation[];
  readonly consultations: readonly Consultation[];
  readonly investigations: readonly Observation[];
  readonly referrals: readonly Referral[];
}

/** Every item of a hospital record names the trust whose system holds it. */
export interface FromTrust {
  readonly source: Organisation;
}

export interface Encounter extends FromTrust {
  readonly id: string;
  readonly class: 'INPATIENT' | 'EMERGENCY' | 'DAY_CASE';
  readonly reason: Coding;
  readonly specialty: string;
  readonly ward: string;
  readonly admittedAt: string;
  readonly dischargedAt: string | null;
}

export interface DischargeSummary extends FromTrust {
  readonly id: string;
  readonly encounterId: string;
  readonly date: string;
  readonly diagnoses: readonly Coding[];
  readonly summary: string;
  readonly followUp: string;
}

export interface Procedure extends FromTrust {
  readonly id: string;
  readonly code: Coding;
  readonly date: string;
  readonly surgeon: string;
}

export interface OutpatientAppointment extends FromTrust {
  readonly id: string;
  readonly specialty: string;
  readonly date: string;
  readonly status: 'BOOKED' | 'ATTENDED' | 'DID_NOT_ATTEND' | 'CANCELLED';
}

export interface HospitalRecord {
  readonly nhsNumber: string;
  readonly trust: Organisation;
  readonly encounters: readonly Encounter[];
  readonly dischargeSummaries: readonly DischargeSummary[];
  readonly labResults: readonly (Observation & FromTrust)[];
  readonly procedures: readonly Procedure[];
  readonly outpatientAppointments: readonly OutpatientAppointment[];
}

export interface SyntheticPatient {
  readonly demographics: Demographics;
  /** null: the practice's system holds no record yet (newly registered, GP2GP transfer pending). */
  readonly gp: GpRecord | null;
  /** One record per trust that has seen the patient (none, one, or several), in locator order. */
  readonly hospital: readonly HospitalRecord[];
}
