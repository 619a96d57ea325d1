// Checks recorded HTTP exchanges with the emulator against schema/openapi.yaml, with ajv (JSON
// Schema) doing the schema work. Usage: node validate_responses.mjs SPEC.yaml EXCHANGES.json
//
// An exchange is {method, path, query: [[name, value]...], request_body, status, headers
// (lower-case names), body}. For each one the operation is found by path template and method, and
// the response must use a status the operation documents, carry every required header, have a
// documented media type and a body valid against its schema. Object schemas are made closed
// (additionalProperties: false unless the document says otherwise), so a field the emulator
// returns but the document does not describe is a violation. Error bodies must match the
// document's x-error-codes table (status and type of each code) and the response's own
// x-error-codes list. Requests the emulator accepted (2xx) must be valid against the documented
// request body and query parameters, so the document is never stricter than the emulator. Requests
// to an unknown path or with an undefined method must get the x-router-errors answers.
//
// Prints {checked, violations: [{index, method, path, status, errors}], covered: {"METHOD
// template": [statuses]}, operations: ["METHOD template"...]} as JSON; exits 1 on any violation.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

const [specPath, exchangesPath] = process.argv.slice(2);
if (!specPath || !exchangesPath) {
  console.error('usage: node validate_responses.mjs SPEC.yaml EXCHANGES.json');
  process.exit(2);
}
const spec = YAML.parse(readFileSync(specPath, 'utf8'));
const exchanges = JSON.parse(readFileSync(exchangesPath, 'utf8'));

// The value at a local JSON pointer such as '#/components/responses/NotFound'.
function pointer(ref) {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  return ref.slice(2).split('/').reduce((node, key) => {
    const k = key.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === undefined || !(k in node)) throw new Error(`unresolvable $ref ${ref}`);
    return node[k];
  }, spec);
}
const deref = (obj) => (obj && obj.$ref ? deref(pointer(obj.$ref)) : obj);

// A copy of an OpenAPI schema that ajv can compile: refs to components/schemas point into the one
// registered document, and objects are closed unless they say otherwise.
function toJsonSchema(node) {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref') out.$ref = v.replace('#/components/schemas/', 'openapi.json#/definitions/');
    else if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toJsonSchema(s)]));
    else out[k] = toJsonSchema(v);
  }
  if (out.type === 'object' && out.properties && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv);
ajv.addVocabulary(['example', 'x-error-codes']);
ajv.addSchema({ $id: 'openapi.json', definitions: toJsonSchema(spec.components?.schemas ?? {}) });
const compiled = new Map();
function validator(schema) {
  if (!compiled.has(schema)) compiled.set(schema, ajv.compile(toJsonSchema(schema)));
  return compiled.get(schema);
}
function schemaErrors(schema, value, where) {
  const validate = validator(schema);
  if (validate(value)) return [];
  return validate.errors.map((e) => `${where}${e.instancePath || ''} ${e.message}` +
    (e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''));
}

// Path templates, the most literal first, as regular expressions.
const templates = Object.keys(spec.paths)
  .map((t) => ({
    template: t,
    params: (t.match(/\{[^}]+\}/g) || []).length,
    re: new RegExp('^' + t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+') + '$'),
  }))
  .sort((a, b) => a.params - b.params || b.template.length - a.template.length);
const matchPath = (path) => templates.find((t) => t.re.test(path));

const errorSchema = { $ref: '#/components/schemas/Error' };
const requestIdHeader = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };

function checkErrorBody(body, status, allowedCodes) {
  const errs = [];
  if (!body || typeof body !== 'object') return errs;
  // A code maps to one [status, type] row, or to a list of them (invalid_parameter is also the
  // code of 410 endpoint_retired).
  const entry = (spec['x-error-codes'] || {})[body.code];
  if (!entry) errs.push(`error code ${body.code} is not in x-error-codes`);
  else {
    const rows = Array.isArray(entry[0]) ? entry : [entry];
    const byStatus = rows.find((row) => row[0] === status);
    if (!byStatus) errs.push(`error code ${body.code} belongs to HTTP ${rows.map((r) => r[0]).join('/')}, answered with ${status}`);
    else if (byStatus[1] !== body.type) errs.push(`error code ${body.code} has type ${byStatus[1]}, body says ${body.type}`);
  }
  if (allowedCodes && !allowedCodes.includes(body.code)) {
    errs.push(`error code ${body.code} is not listed for this response (${allowedCodes.join(', ')})`);
  }
  return errs;
}

// Checks headers and body against a response object; returns the list of problems.
function checkResponse(response, ex) {
  const errs = [];
  for (const [name, h] of Object.entries(response.headers || {})) {
    const header = deref(h);
    const value = ex.headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) errs.push(`required header ${name} is missing`);
      continue;
    }
    if (header.schema) errs.push(...schemaErrors(header.schema, value, `header ${name}`));
  }
  const mediaType = (ex.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  const content = response.content || {};
  if (Object.keys(content).length === 0) {
    if (ex.body.length > 0) errs.push('the response has a body but the document describes none');
    return errs;
  }
  const media = content[mediaType];
  if (!media) {
    errs.push(`media type "${mediaType}" is not documented (${Object.keys(content).join(', ')})`);
    return errs;
  }
  let body = ex.body;
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    try {
      body = JSON.parse(ex.body);
    } catch (e) {
      errs.push(`body is not JSON: ${e.message}`);
      return errs;
    }
  }
  if (media.schema) errs.push(...schemaErrors(media.schema, body, 'body'));
  // 402 is x402's Payment Required (a paid resource): its body is the protocol's, not an error body.
  if (ex.status >= 400 && ex.status !== 402) errs.push(...checkErrorBody(body, ex.status, response['x-error-codes']));
  return errs;
}

// A 2xx means the emulator accepted the request: the document must accept it too.
function checkAcceptedRequest(operation, pathItem, ex) {
  const errs = [];
  const params = [...(pathItem.parameters || []), ...(operation.parameters || [])].map(deref);
  for (const [name, value] of ex.query || []) {
    const p = params.find((q) => q.in === 'query' && q.name === name);
    if (!p) {
      errs.push(`query parameter ${name} is not documented`);
      continue;
    }
    let v = value;
    if (p.schema?.type === 'integer' || p.schema?.type === 'number') v = /^-?[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : value;
    errs.push(...schemaErrors(p.schema || {}, v, `query ${name}`));
  }
  const rb = deref(operation.requestBody);
  const hasBody = ex.request_body !== null && ex.request_body !== undefined && ex.request_body.trim() !== '';
  if (!rb) {
    if (hasBody) errs.push('the request had a body but the operation documents none');
  } else if (!hasBody) {
    if (rb.required) errs.push('the operation requires a request body but an accepted request had none');
  } else {
    const schema = rb.content?.['application/json']?.schema;
    let parsed;
    try {
      parsed = JSON.parse(ex.request_body);
    } catch (e) {
      errs.push(`accepted request body is not JSON: ${e.message}`);
    }
    if (schema && parsed !== undefined) errs.push(...schemaErrors(schema, parsed, 'request body'));
  }
  return errs;
}

const operations = [];
for (const [template, item] of Object.entries(spec.paths)) {
  for (const m of METHODS) if (item[m]) operations.push(`${m.toUpperCase()} ${template}`);
}
const covered = {};
const violations = [];
exchanges.forEach((ex, index) => {
  let errs = [];
  ex.headers = Object.fromEntries(Object.entries(ex.headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
  ex.body = ex.body ?? '';
  const match = matchPath(ex.path);
  const item = match && spec.paths[match.template];
  const operation = item && item[ex.method.toLowerCase()];
  const routerCase = !match ? 'unknown-path' : !operation ? 'method-not-allowed' : null;
  try {
    if (routerCase) {
      const expected = spec['x-router-errors']?.[routerCase];
      const fake = { headers: requestIdHeader, content: { 'application/json': { schema: errorSchema } } };
      if (!expected) errs.push(`${routerCase}: the document has no x-router-errors entry`);
      else if (expected.status !== ex.status) errs.push(`${routerCase}: expected HTTP ${expected.status}, got ${ex.status}`);
      else errs = errs.concat(checkResponse({ ...fake, 'x-error-codes': [expected.code] }, ex));
      if (expected?.allow && routerCase === 'method-not-allowed') {
        // `Allow` lists exactly the methods the document defines for the path.
        const methods = ['get', 'put', 'post', 'delete', 'patch'].filter((m) => item[m]).map((m) => m.toUpperCase());
        const allow = (ex.headers.allow ?? '').split(',').map((m) => m.trim()).filter(Boolean);
        if (allow.slice().sort().join(', ') !== methods.slice().sort().join(', ')) {
          errs.push(`method-not-allowed: Allow is "${ex.headers.allow ?? ''}", the document defines ${methods.join(', ')}`);
        }
      }
    } else {
      const key = `${ex.method.toUpperCase()} ${match.template}`;
      (covered[key] ||= new Set()).add(ex.status);
      const responses = operation.responses || {};
      const documented = responses[String(ex.status)] || responses[`${String(ex.status)[0]}XX`] || responses.default;
      if (!documented) {
        errs.push(`HTTP ${ex.status} is not documented for ${key} (${Object.keys(responses).join(', ')})`);
      } else {
        errs = errs.concat(checkResponse(deref(documented), ex));
      }
      if (ex.status >= 200 && ex.status < 300) errs = errs.concat(checkAcceptedRequest(operation, item, ex));
    }
  } catch (e) {
    errs.push(`validator error: ${e.message}`);
  }
  if (errs.length) violations.push({ index, method: ex.method, path: ex.path, status: ex.status, errors: errs });
});

process.stdout.write(JSON.stringify({
  checked: exchanges.length,
  violations,
  covered: Object.fromEntries(Object.entries(covered).map(([k, v]) => [k, [...v].sort()])),
  operations,
}, null, 2) + '\n');
process.exit(violations.length ? 1 : 0);
