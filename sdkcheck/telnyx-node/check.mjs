// check.mjs: runs Telnyx's official Node SDK (npm `telnyx`, pinned in
// package.json) through a complete porting flow against the portgate Telnyx
// sandbox, and verifies the sandbox's signed webhooks with the SDK's own
// verifier. Only SDK calls talk to the sandbox; any mismatch exits non-zero.
//
// Environment:
//   TELNYX_BASE_URL       the sandbox, e.g. http://127.0.0.1:PORT/v2 (required)
//   TELNYX_API_KEY        the sandbox API key ("sandbox")               (required)
//   TELNYX_PUBLIC_KEY     base64 Ed25519 key printed by the sandbox     (required)
//   TELNYX_WEBHOOK_PORT   port for the local webhook receiver (default: any free port)
//
// Usage: see ../run.sh, which starts the sandbox and runs this file.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import Telnyx from 'telnyx';
import { VERSION } from 'telnyx/version';

const env = (k) => {
  const v = process.env[k];
  if (!v) fail(`environment variable ${k} is required`);
  return v;
};

function fail(msg) {
  console.error(`FAIL: ${msg}`);
  process.exit(1);
}

let stepNo = 0;
async function step(name, fn) {
  stepNo++;
  try {
    const note = await fn();
    console.log(`ok ${String(stepNo).padStart(2)}  ${name}${note ? `  (${note})` : ''}`);
  } catch (err) {
    const detail = err?.status ? ` [HTTP ${err.status}] ${JSON.stringify(err.error ?? err.message)}` : ` ${err?.stack ?? err}`;
    fail(`step ${stepNo} "${name}":${detail}`);
  }
}

function expect(cond, msg) {
  if (!cond) throw new Error(`expectation failed: ${msg}`);
}

function expectEq(got, want, what) {
  if (got !== want) throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

async function expectAPIError(promise, status, what) {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof Telnyx.APIError)) throw new Error(`${what}: want Telnyx.APIError, got ${err}`);
    expectEq(err.status, status, `${what}: HTTP status`);
    const errors = err.error?.errors;
    expect(Array.isArray(errors) && errors.length > 0 && errors[0].code, `${what}: {"errors":[{code,…}]} body, got ${JSON.stringify(err.error)}`);
    return err;
  }
  throw new Error(`${what}: the call succeeded, want HTTP ${status}`);
}

const baseURL = env('TELNYX_BASE_URL');
const apiKey = env('TELNYX_API_KEY');
const publicKey = env('TELNYX_PUBLIC_KEY');
const webhookPort = Number(process.env.TELNYX_WEBHOOK_PORT || 0);

// maxRetries 0: a wire mismatch must surface, not be papered over by retries.
const client = new Telnyx({ apiKey, publicKey, baseURL, maxRetries: 0, timeout: 15_000 });

// ---- webhook receiver: raw bodies, verified with the SDK as they arrive ----

const received = []; // {raw, headers, event?, verifyError?}
const waiters = [];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const rec = { raw, headers: req.headers };
    try {
      rec.event = await client.webhooks.unwrap(raw, { headers: req.headers });
    } catch (err) {
      rec.verifyError = err;
    }
    received.push(rec);
    res.writeHead(rec.verifyError ? 400 : 200).end();
    for (const w of waiters.splice(0)) w();
  });
});
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(webhookPort, '127.0.0.1', resolve);
});
const webhookURL = `http://127.0.0.1:${server.address().port}/webhooks`;

function eventType(rec) {
  const e = rec.event;
  return e?.data?.event_type ?? e?.event_type;
}

function eventPayload(rec) {
  const e = rec.event;
  return e?.data?.payload ?? e?.payload;
}

// waitFor resolves with the first verified webhook matching pred; bounded.
async function waitFor(pred, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const bad = received.find((r) => r.verifyError);
    if (bad) throw new Error(`webhook failed SDK verification: ${bad.verifyError.message}; body ${bad.raw}`);
    const hit = received.find((r) => r.event && pred(r));
    if (hit) return hit;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no ${what} webhook within ${ms} ms (got ${received.map(eventType).join(', ') || 'none'})`);
    await new Promise((resolve) => {
      const t = setTimeout(resolve, left);
      waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

// ---- the flow ----

const run = randomBytes(4).toString('hex');
const ref = `sdkcheck-${run}`;
// Numbers to port: any valid NANP numbers; the last four digits pick sandbox
// scenarios (providers/scenarios.go): 9901 = not portable.
const block = String(1000 + (parseInt(run.slice(0, 4), 16) % 8000)).padStart(4, '0');
const portable = `+1312555${block}`;
const notPortable = '+13125559901';
const secondNumber = `+1206555${block}`;

let orderID;
let secondOrderID;
let documentID;
let numberID;
// A requested FOC date well ahead (beyond the 48 h cancel cut-off).
let invoiceID;
// Set from GET …/allowed_foc_windows: a requested FOC date must fall inside one.
let focRequested;

await step('portabilityChecks.run', async () => {
  const res = await client.portabilityChecks.run({ phone_numbers: [portable, notPortable] });
  expect(Array.isArray(res.data) && res.data.length === 2, `data is an array of 2, got ${JSON.stringify(res)}`);
  const byNum = Object.fromEntries(res.data.map((d) => [d.phone_number, d]));
  expectEq(byNum[portable]?.portable, true, `${portable} portable`);
  expectEq(byNum[notPortable]?.portable, false, `${notPortable} portable`);
  expect(byNum[notPortable].not_portable_reason, 'not_portable_reason set');
  return `${portable} portable, ${notPortable}: ${byNum[notPortable].not_portable_reason}`;
});

await step('portingOrders.create (refuses a non-portable number)', async () => {
  const err = await expectAPIError(
    client.portingOrders.create({ phone_numbers: [notPortable] }),
    422,
    'create with a non-portable number',
  );
  expect(err instanceof Telnyx.UnprocessableEntityError, 'UnprocessableEntityError');
  return `422 ${err.error.errors[0].code}`;
});

await step('portingOrders.create', async () => {
  const res = await client.portingOrders.create({ phone_numbers: [portable], customer_reference: ref });
  expect(Array.isArray(res.data) && res.data.length === 1, `data is an array of 1 order, got ${JSON.stringify(res)}`);
  const o = res.data[0];
  orderID = o.id;
  expect(orderID, 'order id');
  expectEq(o.status?.value, 'draft', 'status.value');
  expectEq(o.customer_reference, ref, 'customer_reference');
  expectEq(o.phone_numbers?.[0]?.phone_number, portable, 'phone_numbers[0].phone_number');
  return `order ${orderID}`;
});

await step('portingOrders.create (a second draft)', async () => {
  const res = await client.portingOrders.create({ phone_numbers: [secondNumber], customer_reference: ref });
  secondOrderID = res.data?.[0]?.id;
  expect(secondOrderID, 'second order id');
  return `order ${secondOrderID}`;
});

await step('portingOrders.retrieve', async () => {
  const res = await client.portingOrders.retrieve(orderID);
  expectEq(res.data?.id, orderID, 'data.id');
  expectEq(res.data?.record_type, 'porting_order', 'record_type');
  expect(res.meta?.phone_numbers_url, 'meta.phone_numbers_url');
  const slim = await client.portingOrders.retrieve(orderID, { include_phone_numbers: false });
  expect(slim.data?.phone_numbers === undefined, 'include_phone_numbers=false omits phone_numbers');
  return res.data.status.value;
});

await step('portingOrders.list (filter[customer_reference], auto-paginated, page[size]=1)', async () => {
  const ids = [];
  for await (const o of client.portingOrders.list({ filter: { customer_reference: ref }, 'page[size]': 1 })) {
    ids.push(o.id);
  }
  expectEq(ids.length, 2, 'orders listed');
  expect(ids.includes(orderID) && ids.includes(secondOrderID), `both orders listed, got ${ids}`);
  const page = await client.portingOrders.list({ filter: { customer_reference: ref }, 'page[size]': 1 });
  expectEq(page.meta?.total_results, 2, 'meta.total_results');
  expectEq(page.meta?.total_pages, 2, 'meta.total_pages');
  expect(page.hasNextPage(), 'hasNextPage');
  return `${ids.length} orders over 2 pages`;
});

await step('portingOrders.list (filter[phone_numbers][phone_number][contains], sort[value])', async () => {
  const page = await client.portingOrders.list({
    filter: { phone_numbers: { phone_number: { contains: portable.slice(2) } } },
    sort: { value: '-created_at' },
  });
  const ids = page.data.map((o) => o.id);
  expect(ids.includes(orderID), `order listed, got ${ids}`);
  expect(!ids.includes(secondOrderID), `second order not listed, got ${ids}`);
  const asc = await client.portingOrders.list({ filter: { customer_reference: ref }, sort: { value: 'created_at' } });
  expectEq(asc.data[0]?.id, orderID, 'oldest first with sort[value]=created_at');
  return `${ids.length} match`;
});

await step('portingOrders.delete (draft) and retrieve → 404', async () => {
  const res = await client.portingOrders.delete(secondOrderID);
  expect(res === undefined || res === null || res === '', `delete returns nothing, got ${JSON.stringify(res)}`);
  const err = await expectAPIError(client.portingOrders.retrieve(secondOrderID), 404, 'retrieve deleted order');
  expect(err instanceof Telnyx.NotFoundError, 'NotFoundError');
  return 'NotFoundError';
});

await step('documents.uploadJson', async () => {
  const pdf = Buffer.from('%PDF-1.4\n% portgate sdkcheck LOA\n%%EOF\n');
  const res = await client.documents.uploadJson({
    document: { file: pdf.toString('base64'), filename: 'loa.pdf', customer_reference: ref },
  });
  documentID = res.data?.id;
  expect(documentID, `data.id, got ${JSON.stringify(res)}`);
  expectEq(res.data.filename, 'loa.pdf', 'filename');
  expectEq(res.data.size?.amount, pdf.length, 'size.amount');
  const got = await client.documents.retrieve(documentID);
  expectEq(got.data?.id, documentID, 'retrieve data.id');
  return `document ${documentID}`;
});

await step('documents.upload, documents.download', async () => {
  const text = Buffer.from('%PDF-1.4\n% portgate sdkcheck invoice\n%%EOF\n');
  const res = await client.documents.upload({ document: { file: text.toString('base64'), filename: 'invoice.pdf' } });
  expect(res.data?.id, `data.id, got ${JSON.stringify(res)}`);
  invoiceID = res.data.id;
  const dl = await client.documents.download(res.data.id);
  const got = Buffer.from(await dl.arrayBuffer());
  expect(got.equals(text), 'downloaded bytes equal the upload');
  return `document ${res.data.id}, ${got.length} bytes back`;
});

await step('portingOrders.update (end user, location, misc, documents.loa/invoice, FOC in an allowed window, webhook_url)', async () => {
  const windows = await client.portingOrders.retrieveAllowedFocWindows(orderID);
  focRequested = windows.data?.[0]?.started_at;
  expect(focRequested, `an allowed FOC window, got ${JSON.stringify(windows)}`);
  const res = await client.portingOrders.update(orderID, {
    end_user: {
      admin: {
        entity_name: 'Acme Widgets LLC',
        auth_person_name: 'Jane Doe',
        billing_phone_number: portable,
        account_number: '123456789',
        pin_passcode: '1234',
      },
      location: {
        street_address: '311 W Superior St',
        locality: 'Chicago',
        administrative_area: 'IL',
        postal_code: '60654',
        country_code: 'US',
      },
    },
    misc: { type: 'full' },
    activation_settings: { foc_datetime_requested: focRequested },
    documents: { loa: documentID, invoice: invoiceID },
    webhook_url: webhookURL,
  });
  const o = res.data;
  expectEq(o?.id, orderID, 'data.id');
  expectEq(o.end_user?.admin?.entity_name, 'Acme Widgets LLC', 'end_user.admin.entity_name');
  expectEq(o.end_user?.location?.locality, 'Chicago', 'end_user.location.locality');
  expectEq(o.misc?.type, 'full', 'misc.type');
  expectEq(o.documents?.loa, documentID, 'documents.loa');
  expectEq(o.activation_settings?.foc_datetime_requested, focRequested, 'activation_settings.foc_datetime_requested');
  expectEq(o.webhook_url, webhookURL, 'webhook_url');
  return o.status.value;
});

await step('portingOrders.list (SDK deepObject filters and sorts are applied, not ignored)', async () => {
  const count = async (filter, sort) => {
    const page = await client.portingOrders.list({ filter: { customer_reference: ref, ...filter }, ...(sort ? { sort } : {}) });
    return page.data.length;
  };
  const cases = [
    [{ misc: { type: 'full' } }, 1],
    [{ misc: { type: 'partial' } }, 0],
    [{ end_user: { admin: { entity_name: 'Acme Widgets LLC' } } }, 1],
    [{ end_user: { admin: { entity_name: 'Someone Else Inc' } } }, 0],
    [{ end_user: { admin: { auth_person_name: 'Jane Doe' } } }, 1],
    [{ activation_settings: { fast_port_eligible: false } }, 1],
    [{ activation_settings: { fast_port_eligible: true } }, 0],
    [{ activation_settings: { foc_datetime_requested: { gt: '2000-01-01T00:00:00Z' } } }, 1],
    [{ activation_settings: { foc_datetime_requested: { lt: '2000-01-01T00:00:00Z' } } }, 0],
    [{ phone_numbers: { country_code: 'US' } }, 1],
    [{ phone_numbers: { country_code: 'CA' } }, 0],
    [{ phone_numbers: { carrier_name: 'No Such Carrier' } }, 0],
  ];
  for (const [filter, want] of cases) {
    expectEq(await count(filter), want, `orders matching filter ${JSON.stringify(filter)}`);
  }
  for (const value of ['activation_settings.foc_datetime_requested', '-activation_settings.foc_datetime_requested']) {
    expectEq(await count({}, { value }), 1, `orders listed with sort[value]=${value}`);
  }
  return `${cases.length} filters, 2 sorts`;
});

await step('portingOrders.update (invalid field → 422 with a source pointer)', async () => {
  const err = await expectAPIError(
    client.portingOrders.update(orderID, { misc: { type: 'sideways' } }),
    422,
    'update with an invalid misc.type',
  );
  expectEq(err.error.errors[0].source?.pointer, '/misc/type', 'errors[0].source.pointer');
  return 'pointer /misc/type';
});

await step('portingOrders sub-resources (requirements, FOC windows, exception types, additional documents)', async () => {
  const reqs = [];
  for await (const r of client.portingOrders.retrieveRequirements(orderID)) reqs.push(r);
  const loa = reqs.find((r) => r.field_value === documentID);
  expect(loa && loa.requirement_type?.name, `a requirement holds the LOA document, got ${JSON.stringify(reqs)}`);
  const windows = await client.portingOrders.retrieveAllowedFocWindows(orderID);
  expect(windows.data?.length > 0 && windows.data[0].started_at && windows.data[0].ended_at, 'FOC windows');
  const types = await client.portingOrders.retrieveExceptionTypes();
  expect(types.data?.some((t) => t.code === 'PASSCODE_PIN_INVALID'), 'exception types include PASSCODE_PIN_INVALID');
  const created = await client.portingOrders.additionalDocuments.create(orderID, {
    additional_documents: [{ document_id: documentID, document_type: 'invoice' }],
  });
  const addID = created.data?.[0]?.id;
  expect(addID, `additional document id, got ${JSON.stringify(created)}`);
  const listed = [];
  for await (const a of client.portingOrders.additionalDocuments.list(orderID)) listed.push(a.id);
  expect(listed.includes(addID), 'additional document listed');
  await client.portingOrders.additionalDocuments.delete(addID, { id: orderID });
  const after = await client.portingOrders.additionalDocuments.list(orderID);
  expectEq(after.data.length, 0, 'additional documents after delete');
  return `${reqs.length} requirements, ${windows.data.length} FOC windows, ${types.data.length} exception types`;
});

await step('portingOrders.comments.create', async () => {
  const res = await client.portingOrders.comments.create(orderID, { body: `hello from sdkcheck ${run}` });
  expectEq(res.data?.body, `hello from sdkcheck ${run}`, 'data.body');
  expectEq(res.data?.porting_order_id, orderID, 'data.porting_order_id');
  return `comment ${res.data.id}`;
});

await step('portingOrders.comments.list', async () => {
  const bodies = [];
  for await (const c of client.portingOrders.comments.list(orderID)) bodies.push(c.body);
  expect(bodies.includes(`hello from sdkcheck ${run}`), `comment listed, got ${JSON.stringify(bodies)}`);
  return `${bodies.length} comment(s)`;
});

await step('portingOrders.actions.confirm', async () => {
  const res = await client.portingOrders.actions.confirm(orderID);
  expectEq(res.data?.id, orderID, 'data.id');
  expectEq(res.data?.status?.value, 'in-process', 'status.value');
  expect(res.data.support_key, 'support_key assigned');
  return `${res.data.status.value}, ${res.data.support_key}`;
});

await step('portingOrders.actions.confirm again → 422', async () => {
  const err = await expectAPIError(client.portingOrders.actions.confirm(orderID), 422, 'second confirm');
  return `422 ${err.error.errors[0].code}`;
});

await step('portingOrders.retrieveSubRequest, portingPhoneNumbers.list', async () => {
  const sub = await client.portingOrders.retrieveSubRequest(orderID);
  expect(sub.data?.sub_request_id && sub.data?.port_request_id, `sub request ids, got ${JSON.stringify(sub)}`);
  const pns = [];
  for await (const p of client.portingPhoneNumbers.list({ filter: { porting_order_status: 'in-process' } })) pns.push(p);
  const mine = pns.find((p) => p.porting_order_id === orderID);
  expect(mine && mine.phone_number === portable, `porting phone number listed, got ${JSON.stringify(pns)}`);
  const none = await client.portingPhoneNumbers.list({ filter: { porting_order_status: 'ported' } });
  expect(!none.data.some((p) => p.porting_order_id === orderID), 'status filter applied');
  return `${mine.phone_number} ${mine.portability_status}`;
});

await step('portingOrders.actions.cancel', async () => {
  const res = await client.portingOrders.actions.cancel(orderID);
  expectEq(res.data?.status?.value, 'cancel-pending', 'status.value');
  const got = await client.portingOrders.retrieve(orderID);
  expectEq(got.data?.status?.value, 'cancel-pending', 'retrieved status.value');
  return res.data.status.value;
});

await step('phoneNumbers.list (filter[phone_number])', async () => {
  const nums = [];
  for await (const n of client.phoneNumbers.list({ filter: { phone_number: '312555' }, 'page[size]': 2 })) {
    nums.push(n);
  }
  const hit = nums.find((n) => n.phone_number === '+13125550100');
  expect(hit, `+13125550100 listed, got ${nums.map((n) => n.phone_number)}`);
  expect(nums.every((n) => n.phone_number.includes('312555')), 'every listed number matches the filter');
  numberID = hit.id;
  return `${nums.length} numbers, +13125550100 is ${numberID}`;
});

await step('phoneNumbers.retrieve', async () => {
  const res = await client.phoneNumbers.retrieve(numberID);
  expectEq(res.data?.id, numberID, 'data.id');
  expectEq(res.data?.phone_number, '+13125550100', 'data.phone_number');
  return res.data.status;
});

await step('phoneNumbers.update (customer_reference, tags)', async () => {
  const res = await client.phoneNumbers.update(numberID, { customer_reference: ref, tags: ['sdkcheck', run] });
  expectEq(res.data?.customer_reference, ref, 'data.customer_reference');
  expect(JSON.stringify(res.data?.tags) === JSON.stringify(['sdkcheck', run]), `tags, got ${JSON.stringify(res.data?.tags)}`);
  const page = await client.phoneNumbers.list({ filter: { tag: run } });
  expect(page.data.length === 1 && page.data[0].id === numberID, `filter[tag] finds it, got ${JSON.stringify(page.data.map((n) => n.id))}`);
  const again = await client.phoneNumbers.retrieve(numberID);
  expectEq(again.data?.customer_reference, ref, 'retrieved customer_reference');
  return `tags ${res.data.tags.join(',')}`;
});

await step('phoneNumbers.messaging.retrieve/update/list', async () => {
  const got = await client.phoneNumbers.messaging.retrieve(numberID);
  expectEq(got.data?.phone_number, '+13125550100', 'data.phone_number');
  // A profile the account holds (the sandbox, like Telnyx, refuses an unknown id with 422).
  const profiles = [];
  for await (const p of client.messagingProfiles.list()) profiles.push(p);
  expect(profiles.length > 0, 'messagingProfiles.list finds the account\'s profiles');
  const profileID = profiles[profiles.length - 1].id;
  const upd = await client.phoneNumbers.messaging.update(numberID, { messaging_profile_id: profileID });
  expectEq(upd.data?.messaging_profile_id, profileID, 'data.messaging_profile_id');
  const all = [];
  for await (const m of client.phoneNumbers.messaging.list()) all.push(m);
  expect(all.some((m) => m.id === numberID && m.messaging_profile_id === profileID), `listed, got ${JSON.stringify(all)}`);
  let refused = false;
  try {
    await client.phoneNumbers.messaging.update(numberID, { messaging_profile_id: `mp-${run}` });
  } catch (e) {
    refused = e?.status === 422;
  }
  expect(refused, 'an unknown messaging profile is refused with 422');
  return `${all.length} numbers' messaging settings, ${profiles.length} profiles`;
});

await step('phoneNumbers.list (SDK filters and sorts are applied, not ignored)', async () => {
  const count = async (query) => {
    let n = 0;
    for await (const _ of client.phoneNumbers.list(query)) n++;
    return n;
  };
  const listed = [];
  for await (const n of client.phoneNumbers.list()) listed.push(n);
  const all = listed.length;
  expect(all >= 3, `at least 3 seeded numbers, got ${all}`);
  // Seeded port-outs leave some numbers port-out-pending: count by status.
  const withStatus = (st) => listed.filter((n) => n.status === st).length;
  expect(withStatus('active') >= 1 && withStatus('active') + withStatus('port-out-pending') === all,
    `statuses active/port-out-pending, got ${JSON.stringify(listed.map((n) => n.status))}`);
  const cases = [
    [{ filter: { status: 'active' } }, withStatus('active')],
    [{ filter: { status: 'port-out-pending' } }, withStatus('port-out-pending')],
    [{ filter: { status: 'deleted' } }, 0],
    [{ filter: { country_iso_alpha2: ['US', 'CA'] } }, all],
    [{ filter: { country_iso_alpha2: 'CA' } }, 0],
    [{ filter: { number_type: { eq: 'toll_free' } } }, 1],
    [{ filter: { source: 'purchased' } }, all],
    [{ filter: { source: 'ported' } }, 0],
    [{ filter: { customer_reference: ref } }, 1],
    [{ filter: { without_tags: 'true' } }, all - 1],
    [{ filter: { billing_group_id: 'null' } }, all],
    [{ filter: { 'voice.connection_name': { contains: 'nothing-like-this' } } }, 0],
  ];
  for (const [query, want] of cases) {
    expectEq(await count(query), want, `numbers matching ${JSON.stringify(query)}`);
  }
  const sorted = [];
  for await (const n of client.phoneNumbers.list({ sort: 'phone_number' })) sorted.push(n.phone_number);
  expect(sorted.every((p, i) => i === 0 || sorted[i - 1] <= p), `sort=phone_number orders by number, got ${sorted}`);
  for (const sort of ['purchased_at', 'connection_name', 'usage_payment_method']) {
    expectEq(await count({ sort }), all, `numbers listed with sort=${sort}`);
  }
  return `${cases.length} filters, 4 sorts over ${all} numbers`;
});

await step('webhooks: porting_order.status_changed verified by client.webhooks.unwrap', async () => {
  const inProcess = await waitFor(
    (r) => eventType(r) === 'porting_order.status_changed' && eventPayload(r)?.status?.value === 'in-process',
    'status_changed → in-process',
  );
  expectEq(eventPayload(inProcess).id, orderID, 'payload.id');
  await waitFor(
    (r) => eventType(r) === 'porting_order.status_changed' && eventPayload(r)?.status?.value === 'cancel-pending',
    'status_changed → cancel-pending',
  );
  await waitFor((r) => eventType(r) === 'porting_order.new_comment', 'new_comment');
  return `${received.length} webhooks, all signatures valid`;
});

await step('webhooks: a tampered body fails verification', async () => {
  const rec = received.find((r) => eventType(r) === 'porting_order.status_changed' && eventPayload(r)?.id === orderID);
  const tampered = rec.raw.replace(orderID, '00000000-0000-4000-8000-000000000000');
  expect(tampered !== rec.raw, 'body changed');
  for (const [what, body, headers] of [
    ['tampered body', tampered, rec.headers],
    ['tampered timestamp', rec.raw, { ...rec.headers, 'telnyx-timestamp': String(Number(rec.headers['telnyx-timestamp']) - 1) }],
  ]) {
    let threw = null;
    try {
      await client.webhooks.unwrap(body, { headers });
    } catch (err) {
      threw = err;
    }
    expect(threw, `${what}: unwrap accepted it`);
    expect(threw instanceof Telnyx.TelnyxError, `${what}: want a TelnyxError, got ${threw}`);
  }
  return 'rejected';
});

server.closeAllConnections();
server.close();
console.log(`PASS: Telnyx Node SDK ${VERSION} completed the porting flow against ${baseURL}`);
