package telnyx

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/portgate/portgate/providers"
)

var docTypeWire = map[providers.DocumentType]string{
	providers.DocumentUnspecified: "other",
	providers.DocumentLOA:         "loa",
	providers.DocumentInvoice:     "invoice",
	providers.DocumentCSR:         "csr",
	providers.DocumentOther:       "other",
}

func docTypeOf(s string) providers.DocumentType {
	switch s {
	case "loa":
		return providers.DocumentLOA
	case "invoice":
		return providers.DocumentInvoice
	case "csr":
		return providers.DocumentCSR
	case "other":
		return providers.DocumentOther
	}
	return providers.DocumentUnspecified
}

type wireDocument struct {
	ID          string  `json:"id"`
	Filename    string  `json:"filename"`
	ContentType string  `json:"content_type"`
	Status      string  `json:"status"`
	CreatedAt   *string `json:"created_at"`
}

func (p *Provider) toDocument(w *wireDocument, t providers.DocumentType) providers.Document {
	return providers.Document{ID: w.ID, Type: t, Filename: w.Filename, ContentType: w.ContentType,
		Status: w.Status, CreateTime: parseTime(w.CreatedAt)}
}

var _ providers.DocumentLinker = (*Provider)(nil)

// DocumentDownloadLink implements providers.DocumentLinker with
// GET /documents/{id}/download_link, answered {"data":{"url":…}}: a
// pre-signed URL that serves the file without the API key. The answer
// carries no expiry; Telnyx documents the link's hour (DownloadLinkLifetime),
// counted here from before the request, so ExpireTime is never later than
// the real expiry.
func (p *Provider) DocumentDownloadLink(ctx context.Context, _, documentID string) (providers.DocumentLink, bool, error) {
	var none providers.DocumentLink
	if !providers.UUIDShape.Valid(documentID) {
		return none, false, nil // not a document id Telnyx issues (listed bare): no link to ask for
	}
	var out struct {
		Data struct {
			URL string `json:"url"`
		} `json:"data"`
	}
	asked := time.Now()
	if err := p.call(ctx, http.MethodGet, "/documents/"+url.PathEscape(documentID)+"/download_link", nil, nil, &out,
		errCtx{op: "get document download link"}); err != nil {
		return none, false, err
	}
	if out.Data.URL == "" {
		return none, false, nil
	}
	return providers.DocumentLink{URL: out.Data.URL, ExpireTime: asked.Add(DownloadLinkLifetime)}, true, nil
}

// DownloadLinkLifetime is how long a download_link URL works (Telnyx
// documents one hour).
const DownloadLinkLifetime = time.Hour

// UploadDocument implements providers.Provider: POST /documents (multipart),
// then attach: LOA/invoice via PATCH documents.loa/invoice while the order is
// editable, every other type (and LOA/invoice after submit) via
// additional_documents.
func (p *Provider) UploadDocument(ctx context.Context, orderID string, doc providers.DocumentUpload) (*providers.Document, error) {
	if err := OrderID.Check(Name, "port order", orderID); err != nil {
		return nil, err
	}
	switch {
	case len(doc.Content) == 0:
		return nil, invalid("upload document", []providers.FieldViolation{{Field: "document.content", Description: "empty document"}})
	case len(doc.Content) > MaxDocumentBytes:
		return nil, invalid("upload document", []providers.FieldViolation{{Field: "document.content",
			Description: fmt.Sprintf("telnyx accepts documents up to %d bytes", MaxDocumentBytes)}})
	}
	cur, err := p.getOrder(ctx, orderID)
	if err != nil {
		return nil, err
	}
	up, err := p.uploadFile(ctx, doc)
	if err != nil {
		return nil, err
	}
	typ := docTypeWire[doc.Type]
	attach := orderCtx("attach document")
	attach.stateful, attach.current = true, cur.State
	if (typ == "loa" || typ == "invoice") && cur.State.Editable() {
		patch := map[string]any{"documents": map[string]any{typ: up.ID}}
		if err := p.call(ctx, http.MethodPatch, orderPath(orderID), nil, patch, nil, attach); err != nil {
			return nil, err
		}
	} else {
		body := map[string]any{"additional_documents": []any{map[string]any{"document_id": up.ID, "document_type": typ}}}
		if err := p.call(ctx, http.MethodPost, orderPath(orderID)+"/additional_documents", nil, body, nil, attach); err != nil {
			return nil, err
		}
	}
	d := p.toDocument(up, doc.Type)
	if doc.Type == providers.DocumentUnspecified {
		d.Type = providers.DocumentOther
	}
	if d.ContentType == "" {
		d.ContentType = doc.ContentType
	}
	return &d, nil
}

// ListDocuments implements providers.Provider: documents.loa and
// documents.invoice of the order, then its additional_documents.
func (p *Provider) ListDocuments(ctx context.Context, orderID string) ([]providers.Document, error) {
	if err := OrderID.Check(Name, "port order", orderID); err != nil {
		return nil, err
	}
	var out orderEnvelope
	if err := p.call(ctx, http.MethodGet, orderPath(orderID), url.Values{"include_phone_numbers": {"false"}}, nil, &out,
		orderCtx("get port order")); err != nil {
		return nil, err
	}
	docs := []providers.Document{}
	seen := map[string]bool{}
	for _, ref := range []struct {
		id *string
		t  providers.DocumentType
	}{{out.Data.Documents.LOA, providers.DocumentLOA}, {out.Data.Documents.Invoice, providers.DocumentInvoice}} {
		id := s(ref.id)
		if id == "" || seen[id] {
			continue
		}
		var d struct {
			Data wireDocument `json:"data"`
		}
		if !providers.UUIDShape.Valid(id) {
			d.Data = wireDocument{ID: id} // not a document id Telnyx issues: listed bare, never fetched
		} else if err := p.call(ctx, http.MethodGet, "/documents/"+url.PathEscape(id), nil, nil, &d, errCtx{op: "get document"}); err != nil {
			if providers.ErrorCode(err) != providers.CodeNotFound {
				return nil, err
			}
			d.Data = wireDocument{ID: id} // referenced but not readable: list it bare
		}
		seen[id] = true
		docs = append(docs, p.toDocument(&d.Data, ref.t))
	}
	raws, err := p.all(ctx, orderPath(orderID)+"/additional_documents", nil, orderCtx("list additional documents"))
	if err != nil {
		return nil, err
	}
	for _, raw := range raws {
		var a struct {
			DocumentID   string  `json:"document_id"`
			DocumentType string  `json:"document_type"`
			Filename     string  `json:"filename"`
			ContentType  string  `json:"content_type"`
			CreatedAt    *string `json:"created_at"`
		}
		if err := json.Unmarshal(raw, &a); err != nil || a.DocumentID == "" {
			return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, Message: "undecodable additional document", Err: err}
		}
		if seen[a.DocumentID] {
			continue
		}
		seen[a.DocumentID] = true
		docs = append(docs, p.toDocument(&wireDocument{ID: a.DocumentID, Filename: a.Filename, ContentType: a.ContentType,
			Status: "attached", CreatedAt: a.CreatedAt}, docTypeOf(a.DocumentType)))
	}
	return docs, nil
}

// uploadFile is POST /documents (multipart, field "file"): the uploaded
// document, not yet attached to anything.
func (p *Provider) uploadFile(ctx context.Context, doc providers.DocumentUpload) (*wireDocument, error) {
	filename := doc.Filename
	if filename == "" {
		filename = "document"
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, strings.ReplaceAll(filename, `"`, "")))
	ct := doc.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	part, err := mw.CreatePart(h)
	if err == nil {
		_, err = part.Write(doc.Content)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return nil, &providers.Error{Code: providers.CodeUnknown, Provider: Name, Message: "encode upload", Err: err}
	}
	var up struct {
		Data wireDocument `json:"data"`
	}
	ec := errCtx{op: "upload document", pointers: func(string) string { return "document.content" }}
	if err := p.call(ctx, http.MethodPost, "/documents", nil, rawBody{mw.FormDataContentType(), buf.Bytes()}, &up, ec); err != nil {
		return nil, err
	}
	if up.Data.ID == "" {
		return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, Message: "upload returned no document id"}
	}
	return &up.Data, nil
}
