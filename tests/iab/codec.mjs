// The IAB's own codecs behind a JSON-lines pipe, for the Python test suite.
//
// One request per line on stdin: {"id", "op", ...}; one answer per line on stdout:
// {"id", "ok": true, "result"} or {"id", "ok": false, "error"}. Operations:
//   tcf.decode {string}           -> the TCModel's fields (ids as sorted arrays, dates in ms)
//   tcf.encode {fields, gvl}      -> {string}, made by TCString.encode with that vendor list
//   gpp.decode {string}           -> {sectionIds, usnat, gpcIncluded, tcfeuv2}
//   gpp.encode {usnat, tcfeuv2}   -> {string}, made by GppModel (usnat: field values by name)
import { createInterface } from 'node:readline';
import {
  Base64Url, GVL, PurposeRestriction, SegmentIDs, TCModel, TCString,
} from '@iabtechlabtcf/core';
import { GppModel } from '@iabgpp/cmpapi';

const ids = (vector) => {
  const out = [];
  vector.forEach((value, id) => { if (value) out.push(id); });
  return out;
};

const segmentsOf = (text) => text.split('.').map((segment) => {
  const type = parseInt(Base64Url.decode(segment.charAt(0)).substring(0, 3), 2);
  return SegmentIDs.ID_TO_KEY[String(type)];
});

function tcfDecode({ string }) {
  const m = TCString.decode(string);
  const restrictions = m.publisherRestrictions.getRestrictions().map((r) => ({
    purposeId: r.purposeId,
    restrictionType: r.restrictionType,
    vendors: m.publisherRestrictions.getVendors(r),
  }));
  return {
    segments: segmentsOf(string),
    version: m.version,
    created: m.created.getTime(),
    lastUpdated: m.lastUpdated.getTime(),
    cmpId: m.cmpId,
    cmpVersion: m.cmpVersion,
    consentScreen: m.consentScreen,
    consentLanguage: m.consentLanguage,
    vendorListVersion: m.vendorListVersion,
    policyVersion: m.policyVersion,
    isServiceSpecific: m.isServiceSpecific,
    useNonStandardTexts: m.useNonStandardTexts,
    specialFeatureOptins: ids(m.specialFeatureOptins),
    purposeConsents: ids(m.purposeConsents),
    purposeLegitimateInterests: ids(m.purposeLegitimateInterests),
    purposeOneTreatment: m.purposeOneTreatment,
    publisherCountryCode: m.publisherCountryCode,
    vendorConsents: ids(m.vendorConsents),
    vendorLegitimateInterests: ids(m.vendorLegitimateInterests),
    publisherRestrictions: restrictions,
    vendorsDisclosed: ids(m.vendorsDisclosed),
    publisherConsents: ids(m.publisherConsents),
    publisherLegitimateInterests: ids(m.publisherLegitimateInterests),
    numCustomPurposes: m.numCustomPurposes,
    publisherCustomConsents: ids(m.publisherCustomConsents),
    publisherCustomLegitimateInterests: ids(m.publisherCustomLegitimateInterests),
  };
}

const VECTORS = [
  'specialFeatureOptins', 'purposeConsents', 'purposeLegitimateInterests', 'vendorConsents',
  'vendorLegitimateInterests', 'vendorsDisclosed', 'publisherConsents',
  'publisherLegitimateInterests', 'publisherCustomConsents', 'publisherCustomLegitimateInterests',
];
const SCALARS = [
  'cmpId', 'cmpVersion', 'consentScreen', 'publisherCountryCode', 'useNonStandardTexts',
  'purposeOneTreatment', 'numCustomPurposes',
];

function tcfEncode({ fields, gvl }) {
  const model = new TCModel(new GVL(gvl, { language: fields.consentLanguage }));
  for (const name of SCALARS) if (name in fields) model[name] = fields[name];
  for (const name of VECTORS) model[name].set(fields[name] ?? []);
  for (const r of fields.publisherRestrictions ?? []) {
    const restriction = new PurposeRestriction(r.purposeId, r.restrictionType);
    for (const vendor of r.vendors) model.publisherRestrictions.add(vendor, restriction);
  }
  model.created = new Date(fields.created);
  model.lastUpdated = new Date(fields.lastUpdated);
  return { string: TCString.encode(model) };
}

function gppDecode({ string }) {
  const model = new GppModel(string);
  const has = (name) => model.hasSection(name);
  return {
    sectionIds: model.getSectionIds(),
    usnat: has('usnat') ? model.getSection('usnat') : null,
    gpcIncluded: has('usnat') ? model.getFieldValue('usnat', 'GpcSegmentIncluded') : null,
    tcfeuv2: has('tcfeuv2') ? model.getSection('tcfeuv2') : null,
  };
}

function gppEncode({ usnat, tcfeuv2 }) {
  const model = new GppModel();
  for (const [name, value] of Object.entries(usnat ?? {})) model.setFieldValue('usnat', name, value);
  if (tcfeuv2) model.decodeSection('tcfeuv2', tcfeuv2);
  return { string: model.encode() };
}

const OPERATIONS = {
  'tcf.decode': tcfDecode,
  'tcf.encode': tcfEncode,
  'gpp.decode': gppDecode,
  'gpp.encode': gppEncode,
};

createInterface({ input: process.stdin }).on('line', (line) => {
  let request = {};
  let answer;
  try {
    request = JSON.parse(line);
    const operation = OPERATIONS[request.op];
    if (!operation) throw new Error(`unknown op ${request.op}`);
    answer = { id: request.id, ok: true, result: operation(request) };
  } catch (error) {
    answer = { id: request.id, ok: false, error: String(error?.message ?? error) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
});
