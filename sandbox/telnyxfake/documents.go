package telnyxfake

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"time"

	"github.com/portgate/portgate/internal/uuid"
)

// MaxDocumentBytes is the largest file POST /v2/documents accepts (10 MiB).
const MaxDocumentBytes = 10 << 20

type document struct {
	id          string
	filename    string
	contentType string
	content     []byte
	customerRef any
	createdAt   time.Time
}

func (d *document) render() map[string]any {
	sum := sha256.Sum256(d.content)
	m := map[string]any{"id": d.id, "record_type": "document", "filename": d.filename,
		"content_type": d.contentType, "size": map[string]any{"amount": len(d.content), "unit": "bytes"},
		"sha256": hex.EncodeToString(sum[:]), "status": "pending",
		"created_at": ts(d.createdAt), "updated_at": ts(d.createdAt)}
	if ref, ok := d.customerRef.(string); ok { // customer_reference is a string, never null
		m["customer_reference"] = ref
	}
	return m
}

func (f *Fake) uploadDocument(w http.ResponseWriter, r *http.Request, _ []string) {
	d := &document{id: uuid.New(), createdAt: f.now()}
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" && params["boundary"] != "" {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if err := r.ParseMultipartForm(maxBody); err != nil {
			writeErrs(w, http.StatusUnprocessableEntity, badRequest("could not parse multipart body", "/file"))
			return
		}
		file, hdr, err := r.FormFile("file")
		if err != nil {
			writeErrs(w, http.StatusUnprocessableEntity, errItem("10004", "Missing required parameter", "file is required", "/file"))
			return
		}
		defer file.Close()
		d.content, _ = io.ReadAll(io.LimitReader(file, MaxDocumentBytes+1))
		d.filename = hdr.Filename
		d.contentType = hdr.Header.Get("Content-Type")
		if v := r.FormValue("customer_reference"); v != "" {
			d.customerRef = v
		}
	} else {
		body, ok := decodeBody(w, r)
		if !ok {
			return
		}
		b64, _ := body["file"].(string)
		if b64 == "" {
			if _, ok := body["url"]; ok {
				writeErrs(w, http.StatusUnprocessableEntity, badRequest("the sandbox cannot fetch documents by url; send file", "/url"))
				return
			}
			writeErrs(w, http.StatusUnprocessableEntity, errItem("10004", "Missing required parameter", "file is required", "/file"))
			return
		}
		content, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			writeErrs(w, http.StatusUnprocessableEntity, badRequest("file must be base64", "/file"))
			return
		}
		d.content = content
		d.filename, _ = body["filename"].(string)
		d.customerRef = body["customer_reference"]
	}
	if len(d.content) == 0 {
		writeErrs(w, http.StatusUnprocessableEntity, badRequest("file is empty", "/file"))
		return
	}
	if len(d.content) > MaxDocumentBytes {
		writeErrs(w, http.StatusRequestEntityTooLarge, badRequest(fmt.Sprintf("file exceeds %d bytes", MaxDocumentBytes), "/file"))
		return
	}
	if d.filename == "" {
		d.filename = "document"
	}
	if d.contentType == "" || d.contentType == "application/octet-stream" {
		if byExt := mime.TypeByExtension(path.Ext(d.filename)); byExt != "" {
			d.contentType = byExt
		} else {
			d.contentType = http.DetectContentType(d.content)
		}
	}
	f.mu.Lock()
	f.docs[d.id] = d
	out := d.render()
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": out}) // spec: POST /documents answers 200
}

func (f *Fake) getDocument(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.docs[args[0]]
	if !ok {
		writeErrs(w, http.StatusNotFound, notFound("Document "+args[0]))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": d.render()})
}

func (f *Fake) downloadDocument(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	d, ok := f.docs[args[0]]
	f.mu.Unlock()
	if !ok {
		writeErrs(w, http.StatusNotFound, notFound("Document "+args[0]))
		return
	}
	w.Header().Set("Content-Type", d.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(d.content)))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.filename}))
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, bytes.NewReader(d.content))
}

// signedPrefix is the path of the fake's pre-signed download URLs (the real
// API hands out storage URLs on another host; the fake serves them itself).
const signedPrefix = "/_signed/documents/"

// linkTTL is how long a download_link URL works (Telnyx documents one hour).
const linkTTL = time.Hour

type signedLink struct {
	docID   string
	expires time.Time
}

// documentLink is GET /documents/{id}/download_link: {"data":{"url":…}}, a
// URL that serves the file without the API key, carrying an unguessable
// token that expires after linkTTL.
func (f *Fake) documentLink(w http.ResponseWriter, r *http.Request, args []string) {
	token := randHex(24)
	f.mu.Lock()
	_, ok := f.docs[args[0]]
	if ok {
		now := f.now()
		for t, l := range f.links { // drop expired links so the map stays bounded by live ones
			if !now.Before(l.expires) {
				delete(f.links, t)
			}
		}
		f.links[token] = signedLink{docID: args[0], expires: now.Add(linkTTL)}
	}
	f.mu.Unlock()
	if !ok {
		writeErrs(w, http.StatusNotFound, notFound("Document "+args[0]))
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"url": scheme + "://" + r.Host + signedPrefix + token}})
}

// serveSigned serves a pre-signed download URL: GET only, known and unexpired
// token, else 403 (as storage answers a bad or expired signature).
func (f *Fake) serveSigned(w http.ResponseWriter, r *http.Request, token string) {
	f.mu.Lock()
	l, ok := f.links[token]
	var d *document
	if ok && f.now().Before(l.expires) {
		d = f.docs[l.docID]
	}
	f.mu.Unlock()
	if r.Method != http.MethodGet || d == nil {
		http.Error(w, "AccessDenied: Request has expired or the signature is invalid", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", d.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(d.content)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(d.content)
}

var docTypes = map[string]bool{"loa": true, "invoice": true, "csr": true, "other": true}

func (f *Fake) listAdditionalDocs(w http.ResponseWriter, r *http.Request, args []string) {
	num, size, ok := page(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		return
	}
	writePage(w, num, size, o.additional, func(a map[string]any) any { return a })
}

func (f *Fake) createAdditionalDocs(w http.ResponseWriter, r *http.Request, args []string) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		return
	}
	items, _ := body["additional_documents"].([]any)
	if len(items) == 0 || len(items) > 100 {
		writeErrs(w, http.StatusUnprocessableEntity, errItem("10004", "Missing required parameter",
			"additional_documents must hold 1 to 100 items", "/additional_documents"))
		return
	}
	var errs []apiError
	var add []map[string]any
	now := f.now()
	for i, it := range items {
		m, _ := it.(map[string]any)
		docID, typ := str(m["document_id"]), str(m["document_type"])
		d := f.docs[docID]
		if d == nil {
			errs = append(errs, errItem("10005", "Resource not found", "document "+docID+" not found",
				fmt.Sprintf("/additional_documents/%d/document_id", i)))
			continue
		}
		if !docTypes[typ] {
			errs = append(errs, badRequest("document_type must be one of loa, invoice, csr, other",
				fmt.Sprintf("/additional_documents/%d/document_type", i)))
			continue
		}
		add = append(add, map[string]any{"id": uuid.New(), "document_id": docID, "document_type": typ,
			"filename": d.filename, "content_type": d.contentType, "porting_order_id": o.id,
			"created_at": ts(now), "updated_at": ts(now), "record_type": "porting_additional_document"})
	}
	if len(errs) > 0 {
		writeErrs(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	o.additional = append(o.additional, add...)
	data := []any{}
	for _, a := range add {
		data = append(data, a)
	}
	writeJSON(w, http.StatusCreated, map[string]any{"data": data})
}

func (f *Fake) deleteAdditionalDoc(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		return
	}
	for i, a := range o.additional {
		if a["id"] == args[1] {
			o.additional = append(o.additional[:i], o.additional[i+1:]...)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeErrs(w, http.StatusNotFound, notFound("Additional document "+args[1]))
}
