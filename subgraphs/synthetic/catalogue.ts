/**
 * Coded vocabulary for the synthetic records. Codes follow the systems a real record would use
 * (SNOMED CT, dm+d, OPCS-4, ODS); they were chosen to look and read like real entries and are meant for
 * test data only — they have not been checked against a terminology server.
 */
import type { Coding } from './types.js';

export const SNOMED = 'http://snomed.info/sct';
export const DMD = 'https://dmd.nhs.uk';
export const OPCS4 = 'https://digital.nhs.uk/opcs-4';
export const ODS = 'https://fhir.nhs.uk/Id/ods-organization-code';

const snomed = (code: string, display: string): Coding => ({ system: SNOMED, code, display });

export const PROBLEMS: readonly Coding[] = [
  snomed('59621000', 'Essential hypertension'),
  snomed('44054006', 'Type 2 diabetes mellitus'),
  snomed('195967001', 'Asthma'),
  snomed('13645005', 'Chronic obstructive lung disease'),
  snomed('40930008', 'Hypothyroidism'),
  snomed('49436004', 'Atrial fibrillation'),
  snomed('396275006', 'Osteoarthritis'),
  snomed('35489007', 'Depressive disorder'),
  snomed('433144002', 'Chronic kidney disease stage 3'),
  snomed('55822004', 'Hyperlipidaemia'),
];

export const ALLERGENS: readonly { readonly coding: Coding; readonly reaction: string }[] = [
  { coding: snomed('91936005', 'Allergy to penicillin'), reaction: 'Urticarial rash' },
  { coding: snomed('91935009', 'Allergy to peanut'), reaction: 'Anaphylaxis' },
  { coding: snomed('300916003', 'Latex allergy'), reaction: 'Contact dermatitis' },
  { coding: snomed('293586001', 'Allergy to aspirin'), reaction: 'Bronchospasm' },
  { coding: snomed('294505008', 'Allergy to sulfonamide'), reaction: 'Maculopapular rash' },
];

export interface MedicineEntry {
  readonly coding: Coding;
  readonly dosage: string;
  readonly quantity: string;
  /** A problem this medicine is usually prescribed for, by SNOMED code. */
  readonly indication: string;
}

const dmd = (code: string, display: string, dosage: string, quantity: string, indication: string) => ({
  coding: { system: DMD, code, display },
  dosage,
  quantity,
  indication,
});

export const MEDICINES: readonly MedicineEntry[] = [
  dmd('319283006', 'Amlodipine 5mg tablets', 'One tablet once a day', '28 tablet', '59621000'),
  dmd('318859008', 'Ramipril 5mg capsules', 'One capsule once a day', '28 capsule', '59621000'),
  dmd('325278007', 'Metformin 500mg tablets', 'One tablet twice a day with meals', '56 tablet', '44054006'),
  dmd(
    '320164008',
    'Salbutamol 100micrograms/dose inhaler',
    'Two puffs when required',
    '1 inhaler',
    '195967001',
  ),
  dmd(
    '317896006',
    'Levothyroxine sodium 50microgram tablets',
    'One tablet each morning',
    '28 tablet',
    '40930008',
  ),
  dmd('703908002', 'Apixaban 5mg tablets', 'One tablet twice a day', '56 tablet', '49436004'),
  dmd(
    '322236009',
    'Paracetamol 500mg tablets',
    'Two tablets up to four times a day',
    '100 tablet',
    '396275006',
  ),
  dmd('321946000', 'Sertraline 50mg tablets', 'One tablet once a day', '28 tablet', '35489007'),
  dmd('320000009', 'Atorvastatin 20mg tablets', 'One tablet at night', '28 tablet', '55822004'),
  dmd('317331004', 'Omeprazole 20mg gastro-resistant capsules', 'One capsule once a day', '28 capsule', ''),
  dmd('323509004', 'Amoxicillin 500mg capsules', 'One capsule three times a day', '21 capsule', ''),
];

export const VACCINES: readonly Coding[] = [
  snomed('86198006', 'Influenza vaccination'),
  snomed('12866006', 'Pneumococcal vaccination'),
  snomed('1324681000000101', 'Administration of first dose of SARS-CoV-2 vaccine'),
  snomed('1324691000000104', 'Administration of second dose of SARS-CoV-2 vaccine'),
  snomed('868241000000108', 'Shingles vaccination'),
];

export interface TestEntry {
  readonly coding: Coding;
  readonly unit: string;
  readonly low: number;
  readonly high: number;
  readonly decimals: number;
}

const test = (code: string, display: string, unit: string, low: number, high: number, decimals = 0) => ({
  coding: snomed(code, display),
  unit,
  low,
  high,
  decimals,
});

/** Tests a GP requests (investigations section). */
export const GP_TESTS: readonly TestEntry[] = [
  test('999791000000106', 'Haemoglobin A1c level - IFCC standardised', 'mmol/mol', 20, 41),
  test('1005671000000105', 'Serum cholesterol level', 'mmol/L', 2.5, 5.0, 1),
  test('1011481000000105', 'eGFR using creatinine (CKD-EPI)', 'mL/min/1.73m2', 60, 120),
  test('1000731000000107', 'Serum creatinine level', 'umol/L', 60, 110),
  test('1022431000000105', 'Haemoglobin estimation', 'g/L', 130, 170),
];

/** Tests a hospital laboratory runs (lab results). */
export const LAB_TESTS: readonly TestEntry[] = [
  test('1022451000000103', 'Red blood cell count', '10*12/L', 4.5, 5.5, 1),
  test('1022541000000102', 'Total white blood cell count', '10*9/L', 4.0, 11.0, 1),
  test('1022651000000100', 'Platelet count', '10*9/L', 150, 400),
  test('1000661000000107', 'Serum sodium level', 'mmol/L', 135, 145),
  test('1000651000000109', 'Serum potassium level', 'mmol/L', 3.5, 5.3, 1),
  test('1001371000000100', 'Serum C reactive protein level', 'mg/L', 0, 5),
  test('1022431000000105', 'Haemoglobin estimation', 'g/L', 130, 170),
];

export const SPECIALTIES: readonly string[] = [
  'Cardiology',
  'Respiratory medicine',
  'Trauma and orthopaedics',
  'Gastroenterology',
  'Endocrinology',
  'Dermatology',
  'Ophthalmology',
  'General surgery',
];

export const ADMISSION_REASONS: readonly Coding[] = [
  snomed('29857009', 'Chest pain'),
  snomed('233604007', 'Pneumonia'),
  snomed('5913000', 'Fracture of neck of femur'),
  snomed('74400008', 'Appendicitis'),
  snomed('195662009', 'Acute viral pharyngitis'),
  snomed('22298006', 'Myocardial infarction'),
  snomed('230690007', 'Cerebrovascular accident'),
];

export const PROCEDURES: readonly Coding[] = [
  { system: OPCS4, code: 'W37.1', display: 'Primary total prosthetic replacement of hip joint using cement' },
  {
    system: OPCS4,
    code: 'W40.1',
    display: 'Primary total prosthetic replacement of knee joint using cement',
  },
  { system: OPCS4, code: 'H22.9', display: 'Unspecified diagnostic endoscopic examination of colon' },
  { system: OPCS4, code: 'H01.1', display: 'Emergency excision of abnormal appendix and drainage HFQ' },
  { system: OPCS4, code: 'K63.1', display: 'Contrast radiology of heart using catheter' },
  { system: OPCS4, code: 'C71.2', display: 'Phacoemulsification of lens' },
];

export const CLINICIANS: readonly string[] = [
  'Dr A Patel',
  'Dr S Okafor',
  'Dr J Whitfield',
  'Dr M Nowak',
  'Dr L Chen',
  'Nurse K Evans',
];

export const GIVEN_NAMES = {
  female: ['Olivia', 'Amelia', 'Isla', 'Ava', 'Mia', 'Grace', 'Freya', 'Aisha', 'Zara', 'Evelyn'],
  male: ['Oliver', 'George', 'Noah', 'Arthur', 'Muhammad', 'Leo', 'Harry', 'Oscar', 'Jack', 'Ravi'],
} as const;

export const FAMILY_NAMES: readonly string[] = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Wilson',
  'Johnson',
  'Davies',
  'Khan',
  'Patel',
  'Robinson',
  'Wright',
  'Thompson',
  'Evans',
  'Walker',
  'Nowak',
  'Okafor',
  'Hughes',
  'Green',
  'Hall',
];

export const TOWNS: readonly { readonly town: string; readonly postcodeArea: string }[] = [
  { town: 'Leeds', postcodeArea: 'LS' },
  { town: 'Nottingham', postcodeArea: 'NG' },
  { town: 'Newcastle upon Tyne', postcodeArea: 'NE' },
  { town: 'Bradford', postcodeArea: 'BD' },
  { town: 'Derby', postcodeArea: 'DE' },
];

export const STREETS: readonly string[] = [
  'Church Lane',
  'Station Road',
  'Victoria Street',
  'Mill Lane',
  'Park Avenue',
  'The Green',
  'Chapel Row',
];
