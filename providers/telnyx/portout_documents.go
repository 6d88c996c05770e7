package telnyx

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/portgate/portgate/providers"
)

var _ providers.PortOutDocumentAttacher = (*Provider)(nil)

// portOutDocTypes are the documented types of a port-out supporting
// document (loa, invoice).
var portOutDocTypes = map[providers.DocumentType]string{
	providers.DocumentLOA:     "loa",
	providers.DocumentInvoice: "invoice",
}

// AttachPortOutDocument implements providers.PortOutDocumentAttacher:
// GET /portouts/{id} (an unknown port-out is NOT_FOUND before any upload),
// POST /documents (multipart), then POST /portouts/{id}/supporting_documents
// {documents:[{type, document_id}]}, answered 201 with the created records.
func (p *Provider) AttachPortOutDocument(ctx context.Context, id string, doc providers.DocumentUpload) (*providers.Document, error) {
	if err := PortOutID.Check(Name, "port-out", id); err != nil {
		return nil, err
	}
	typ, ok := portOutDocTypes[doc.Type]
	switch {
	case !ok:
		return nil, invalid("attach port-out document", []providers.FieldViolation{{Field: "document.type", Description: "telnyx takes loa or invoice"}})
	case len(doc.Content) == 0:
		return nil, invalid("attach port-out document", []providers.FieldViolation{{Field: "document.content", Description: "empty document"}})
	case len(doc.Content) > MaxDocumentBytes:
		return nil, invalid("attach port-out document", []providers.FieldViolation{{Field: "document.content",
			Description: fmt.Sprintf("telnyx accepts documents up to %d bytes", MaxDocumentBytes)}})
	}
	if _, err := p.GetPortOut(ctx, id); err != nil {
		return nil, err
	}
	up, err := p.uploadFile(ctx, doc)
	if err != nil {
		return nil, err
	}
	var out struct {
		Data []json.RawMessage `json:"data"`
	}
	body := map[string]any{"documents": []any{map[string]any{"type": typ, "document_id": up.ID}}}
	if err := p.call(ctx, http.MethodPost, portOutPath(id)+"/supporting_documents", nil, body, &out,
		portOutCtx("attach port-out document")); err != nil {
		return nil, err
	}
	d := providers.Document{ID: up.ID, Type: doc.Type, Filename: doc.Filename, ContentType: doc.ContentType,
		Status: up.Status, CreateTime: parseTime(up.CreatedAt)}
	// The attachment record (PortOutSupportingDocument: id, document_id,
	// type, created_at) names the child; an unreadable answer to an accepted
	// write keeps the uploaded document's id rather than failing.
	if len(out.Data) > 0 {
		var rec struct {
			ID        string  `json:"id"`
			CreatedAt *string `json:"created_at"`
		}
		if json.Unmarshal(out.Data[0], &rec) == nil && rec.ID != "" {
			d.ID = rec.ID
			if t := parseTime(rec.CreatedAt); !t.IsZero() {
				d.CreateTime = t
			}
		}
	}
	return &d, nil
}
