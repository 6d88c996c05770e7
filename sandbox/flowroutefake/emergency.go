package flowroutefake

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// E911 and CNAM records (reference §3 "E911", "CNAM"). Rules the fake
// enforces (docs/mapping/flowroute.md, "Emergency addresses and CNAM"):
//   - POST /v2/e911s and /v2/e911s/validate refuse an address with a missing
//     attribute, a country other than US/CA, a state that is not two
//     letters, a US zip that is not 5 or 5+4 digits, an address_type without
//     its number, or the sandbox's unknown street (zip "00000"): 422 keyed by
//     attribute. validate answers 204.
//   - DELETE /v2/e911s/{id} of a record still assigned to a number: 403.
//   - PATCH /v2/numbers/{n}/relationships/e911s/{id} on a toll-free number:
//     422 "Cannot assign an E911 record to a number that does not support
//     emergency services." (reference §2.4).
//   - POST /v2/cnams: value 1–15 letters, digits and spaces, else 422. A new
//     record is unapproved; Advance approves it (Flowroute: 5–7 business
//     days), or rejects one whose value starts with "REJECT".
//   - DELETE /v2/cnams/{id} of a record still assigned: 403.

type e911Rec struct {
	id      string
	attrs   map[string]string
	created time.Time
}

type cnamRec struct {
	id                  string
	value               string
	approved            bool
	rejection           string
	created, approvedAt time.Time
}

type emergencyState struct {
	e911s    map[string]*e911Rec
	e911Seq  []string
	cnams    map[string]*cnamRec
	cnamSeq  []string
	numE911  map[string]string // number (11 digits) → e911 id
	numCNAM  map[string]string // number → cnam id
	nextE911 int
	nextCNAM int
}

func (f *Fake) emLocked() *emergencyState {
	if f.em == nil {
		f.em = &emergencyState{e911s: map[string]*e911Rec{}, cnams: map[string]*cnamRec{},
			numE911: map[string]string{}, numCNAM: map[string]string{}, nextE911: 20930, nextCNAM: 11200}
	}
	return f.em
}

var e911Fields = []string{"label", "first_name", "last_name", "street_number", "street_name", "address_type", "address_type_number", "city", "state", "country", "zip"}

var (
	usZip    = regexp.MustCompile(`^\d{5}(-\d{4})?$`)
	twoAlpha = regexp.MustCompile(`^[A-Za-z]{2}$`)
	cnamOK   = regexp.MustCompile(`^[A-Za-z0-9 ]{1,15}$`)
)

// readE911 reads {"data":{"type":"e911","attributes":{…}}} and checks it.
func (f *Fake) readE911(w http.ResponseWriter, r *http.Request, partial map[string]string) (map[string]string, bool) {
	var body struct {
		Data struct {
			Type       string                     `json:"type"`
			Attributes map[string]json.RawMessage `json:"attributes"`
		} `json:"data"`
	}
	if err := readBody(r, &body); err != nil {
		f.badRequest(w, r, "Malformed JSON body.")
		return nil, false
	}
	errs := map[string][]string{}
	if body.Data.Type != "e911" {
		errs["type"] = []string{"Must be e911."}
	}
	attrs := map[string]string{}
	for k, v := range partial {
		attrs[k] = v
	}
	for k, raw := range body.Data.Attributes {
		known := false
		for _, name := range e911Fields {
			known = known || name == k
		}
		if !known {
			errs[k] = []string{"Unknown field."}
			continue
		}
		var s string
		if string(raw) != "null" && json.Unmarshal(raw, &s) != nil {
			errs[k] = []string{"Not a valid string."}
			continue
		}
		attrs[k] = strings.TrimSpace(s)
	}
	for _, k := range []string{"first_name", "last_name", "street_number", "street_name", "city", "state", "country", "zip"} {
		if attrs[k] == "" && errs[k] == nil {
			errs[k] = []string{"Missing data for required field."}
		}
	}
	country := strings.ToUpper(attrs["country"])
	if attrs["country"] != "" && country != "US" && country != "CA" {
		errs["country"] = []string{"E911 addresses must be in the US or Canada."}
	}
	if attrs["state"] != "" && !twoAlpha.MatchString(attrs["state"]) {
		errs["state"] = []string{"Must be a two-letter state or province code."}
	}
	if country == "US" && attrs["zip"] != "" && !usZip.MatchString(attrs["zip"]) {
		errs["zip"] = []string{"Must be a 5-digit ZIP code or ZIP+4."}
	}
	if (attrs["address_type"] == "") != (attrs["address_type_number"] == "") {
		errs["address_type_number"] = []string{"address_type and address_type_number go together."}
	}
	if len(errs) == 0 && attrs["zip"] == "00000" {
		errs["street_name"] = []string{"The address could not be validated: no such street address."}
	}
	if len(errs) > 0 {
		f.validation(w, r, errs)
		return nil, false
	}
	return attrs, true
}

func e911Obj(base string, e *e911Rec) map[string]any {
	attrs := map[string]any{}
	for _, k := range e911Fields {
		if v := e.attrs[k]; v != "" {
			attrs[k] = v
		} else {
			attrs[k] = nil
		}
	}
	return map[string]any{"id": e.id, "type": "e911", "attributes": attrs, "links": map[string]any{"self": base + "/v2/e911s/" + e.id}}
}

func cnamObj(base string, c *cnamRec) map[string]any {
	var approvedAt, rejection any
	if c.approved {
		approvedAt = ts(c.approvedAt)
	}
	if c.rejection != "" {
		rejection = c.rejection
	}
	return map[string]any{"id": c.id, "type": "cnam", "attributes": map[string]any{
		"value": c.value, "is_approved": c.approved, "rejection_reason": rejection,
		"creation_datetime": ts(c.created), "approval_datetime": approvedAt,
	}, "links": map[string]any{"self": base + "/v2/cnams/" + c.id}}
}

func (f *Fake) recordNotFound(w http.ResponseWriter, r *http.Request) {
	f.writeErr(w, r, http.StatusNotFound, map[string]any{"detail": "Could not find that resource on your account.", "id": f.traceID(), "status": 404})
}

// routeE911s serves /v2/e911s[...].
func (f *Fake) routeE911s(w http.ResponseWriter, r *http.Request, seg []string) {
	base := baseURL(r)
	switch {
	case len(seg) == 0 && r.Method == http.MethodGet:
		f.mu.Lock()
		em := f.emLocked()
		var all []*e911Rec
		for _, id := range em.e911Seq {
			all = append(all, em.e911s[id])
		}
		body, ok := pageBodyLocked(f, w, r, all, func(e *e911Rec) any { return e911Obj(base, e) })
		f.mu.Unlock()
		if ok {
			writeJSON(w, r, http.StatusOK, body)
		}
	case len(seg) == 0 && r.Method == http.MethodPost:
		attrs, ok := f.readE911(w, r, nil)
		if !ok {
			return
		}
		f.mu.Lock()
		em := f.emLocked()
		em.nextE911++
		e := &e911Rec{id: strconv.Itoa(em.nextE911), attrs: attrs, created: time.Now().UTC()}
		em.e911s[e.id] = e
		em.e911Seq = append(em.e911Seq, e.id)
		obj := e911Obj(base, e)
		f.mu.Unlock()
		writeJSON(w, r, http.StatusCreated, map[string]any{"data": obj})
	case len(seg) == 1 && seg[0] == "validate":
		if r.Method != http.MethodPost {
			f.methodNotAllowed(w, r)
			return
		}
		if _, ok := f.readE911(w, r, nil); ok {
			w.WriteHeader(http.StatusNoContent)
		}
	case len(seg) == 0:
		f.methodNotAllowed(w, r)
	case len(seg) == 1 || (len(seg) == 3 && seg[1] == "relationships" && seg[2] == "numbers"):
		f.mu.Lock()
		em := f.emLocked()
		e, ok := em.e911s[seg[0]]
		f.mu.Unlock()
		if !ok {
			f.recordNotFound(w, r)
			return
		}
		if len(seg) == 3 {
			f.e911Numbers(w, r, e)
			return
		}
		switch r.Method {
		case http.MethodGet:
			f.mu.Lock()
			obj := e911Obj(base, e)
			f.mu.Unlock()
			writeJSON(w, r, http.StatusOK, map[string]any{"data": obj})
		case http.MethodPatch:
			f.mu.Lock()
			cur := map[string]string{}
			for k, v := range e.attrs {
				cur[k] = v
			}
			f.mu.Unlock()
			attrs, ok := f.readE911(w, r, cur)
			if !ok {
				return
			}
			f.mu.Lock()
			e.attrs = attrs
			obj := e911Obj(base, e)
			f.mu.Unlock()
			writeJSON(w, r, http.StatusOK, map[string]any{"data": obj})
		case http.MethodDelete:
			deleteRecord(f, w, r, em.e911s, &em.e911Seq, em.numE911, e.id,
				"This E911 address is assigned to one or more phone numbers. Unassign it before deleting it.")
		default:
			f.methodNotAllowed(w, r)
		}
	default:
		f.urlNotFound(w)
	}
}

// deleteRecord answers DELETE of record id, which numbers can point at
// (assigned: number → record id): 403 with msg while any number does, else
// the record leaves records and seq, 204.
func deleteRecord[T any](f *Fake, w http.ResponseWriter, r *http.Request, records map[string]T, seq *[]string, assigned map[string]string, id, msg string) {
	f.mu.Lock()
	for _, a := range assigned {
		if a == id {
			f.mu.Unlock()
			f.forbidden(w, r, "Forbidden", msg)
			return
		}
	}
	delete(records, id)
	*seq = removeID(*seq, id)
	f.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (f *Fake) e911Numbers(w http.ResponseWriter, r *http.Request, e *e911Rec) {
	if r.Method != http.MethodGet {
		f.methodNotAllowed(w, r)
		return
	}
	base := baseURL(r)
	f.mu.Lock()
	data := []any{}
	for _, v := range f.numberSeq {
		if f.emLocked().numE911[v] == e.id {
			data = append(data, f.renderNumberLocked(f.numbers[v], base))
		}
	}
	f.mu.Unlock()
	writeJSON(w, r, http.StatusOK, map[string]any{"data": data, "links": map[string]any{"self": selfLink(r)}})
}

func removeID(seq []string, id string) []string {
	out := seq[:0]
	for _, s := range seq {
		if s != id {
			out = append(out, s)
		}
	}
	return out
}

// routeCNAMs serves /v2/cnams[/{id}].
func (f *Fake) routeCNAMs(w http.ResponseWriter, r *http.Request, seg []string) {
	base := baseURL(r)
	switch {
	case len(seg) == 0 && r.Method == http.MethodGet:
		f.mu.Lock()
		em := f.emLocked()
		var all []*cnamRec
		for _, id := range em.cnamSeq {
			all = append(all, em.cnams[id])
		}
		body, ok := pageBodyLocked(f, w, r, all, func(c *cnamRec) any { return cnamObj(base, c) })
		f.mu.Unlock()
		if ok {
			writeJSON(w, r, http.StatusOK, body)
		}
	case len(seg) == 0 && r.Method == http.MethodPost:
		var body map[string]json.RawMessage
		if err := readBody(r, &body); err != nil {
			f.badRequest(w, r, "Malformed JSON body.")
			return
		}
		var value string
		errs := map[string][]string{}
		for k, raw := range body {
			if k != "value" {
				errs[k] = []string{"Unknown field."}
				continue
			}
			if json.Unmarshal(raw, &value) != nil {
				errs[k] = []string{"Not a valid string."}
			}
		}
		if errs["value"] == nil && !cnamOK.MatchString(value) {
			errs["value"] = []string{"Must be 1 to 15 characters: letters, numbers and spaces only."}
		}
		if len(errs) > 0 {
			f.validation(w, r, errs)
			return
		}
		f.mu.Lock()
		em := f.emLocked()
		em.nextCNAM++
		c := &cnamRec{id: strconv.Itoa(em.nextCNAM), value: value, created: time.Now().UTC()}
		em.cnams[c.id] = c
		em.cnamSeq = append(em.cnamSeq, c.id)
		obj := cnamObj(base, c)
		f.mu.Unlock()
		writeJSON(w, r, http.StatusCreated, map[string]any{"data": obj})
	case len(seg) == 0:
		f.methodNotAllowed(w, r)
	case len(seg) == 1:
		f.mu.Lock()
		em := f.emLocked()
		c, ok := em.cnams[seg[0]]
		f.mu.Unlock()
		if !ok {
			f.recordNotFound(w, r)
			return
		}
		switch r.Method {
		case http.MethodGet:
			f.mu.Lock()
			obj := cnamObj(base, c)
			f.mu.Unlock()
			writeJSON(w, r, http.StatusOK, map[string]any{"data": obj})
		case http.MethodDelete:
			deleteRecord(f, w, r, em.cnams, &em.cnamSeq, em.numCNAM, c.id,
				"This CNAM record is assigned to one or more phone numbers. Unassign it before deleting it.")
		default:
			f.methodNotAllowed(w, r)
		}
	default:
		f.urlNotFound(w)
	}
}

// numberRelationship serves /v2/numbers/{n}/relationships/{e911s|cnam}[/{id}]
// (seg starts after the number).
func (f *Fake) numberRelationship(w http.ResponseWriter, r *http.Request, n *number, seg []string) {
	kind := seg[1]
	switch {
	case len(seg) == 3 && r.Method == http.MethodPatch:
		f.mu.Lock()
		defer f.mu.Unlock()
		em := f.emLocked()
		if kind == "e911s" {
			if _, ok := em.e911s[seg[2]]; !ok {
				f.writeErrLocked(w, r, http.StatusNotFound, map[string]any{"detail": "Could not find that resource on your account.", "status": 404})
				return
			}
			if isTollFree(n.value) {
				f.writeErrLocked(w, r, http.StatusUnprocessableEntity, map[string]any{"detail": "Cannot assign an E911 record to a number that does not support emergency services.",
					"status": 422, "title": "Unprocessable Entity"})
				return
			}
			em.numE911[n.value] = seg[2]
		} else {
			if _, ok := em.cnams[seg[2]]; !ok {
				f.writeErrLocked(w, r, http.StatusNotFound, map[string]any{"detail": "Could not find that resource on your account.", "status": 404})
				return
			}
			em.numCNAM[n.value] = seg[2]
		}
		w.WriteHeader(http.StatusNoContent)
	case len(seg) == 2 && r.Method == http.MethodDelete:
		f.mu.Lock()
		em := f.emLocked()
		if kind == "e911s" {
			delete(em.numE911, n.value)
		} else {
			delete(em.numCNAM, n.value)
		}
		f.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case len(seg) <= 3:
		f.methodNotAllowed(w, r)
	default:
		f.urlNotFound(w)
	}
}

// writeErrLocked is writeErr for callers holding f.mu.
func (f *Fake) writeErrLocked(w http.ResponseWriter, r *http.Request, status int, e map[string]any) {
	e["id"] = f.traceIDLocked()
	writeJSON(w, r, status, map[string]any{"errors": []any{e}})
}

func isTollFree(v string) bool {
	switch v[1:4] {
	case "800", "833", "844", "855", "866", "877", "888":
		return true
	}
	return false
}

// numberEmergencyLocked is the number's e911_address and cnam_preset
// relationships and their records for "included".
func (f *Fake) numberEmergencyLocked(n *number, base string) (rels map[string]any, included []any) {
	em := f.emLocked()
	rels = map[string]any{"cnam_preset": map[string]any{"data": nil}, "e911_address": map[string]any{"data": nil}}
	if id, ok := em.numE911[n.value]; ok {
		rels["e911_address"] = map[string]any{"data": map[string]any{"id": id, "type": "e911"}}
		if e := em.e911s[id]; e != nil {
			included = append(included, e911Obj(base, e))
		}
	}
	if id, ok := em.numCNAM[n.value]; ok {
		rels["cnam_preset"] = map[string]any{"data": map[string]any{"id": id, "type": "cnam"}}
		if c := em.cnams[id]; c != nil {
			included = append(included, cnamObj(base, c))
		}
	}
	return rels, included
}

// advanceEmergencyLocked approves (or rejects) pending CNAM records.
func (f *Fake) advanceEmergencyLocked(now time.Time) {
	if f.em == nil {
		return
	}
	for _, id := range f.em.cnamSeq {
		c := f.em.cnams[id]
		if c.approved || c.rejection != "" {
			continue
		}
		if strings.HasPrefix(strings.ToUpper(c.value), "REJECT") {
			c.rejection = "The CNAM value was not accepted by the CNAM database."
			continue
		}
		c.approved, c.approvedAt = true, now
	}
}
