package telnyxfake

import (
	"net/http"
	"strings"
	"time"

	"github.com/portgate/portgate/internal/uuid"
)

// Port-out comments (ListPortOutComments, CreatePortOutComment) and
// supporting documents (CreatePortOutDocument). Kept per port-out in
// portOutExtras.

type portOutComment struct {
	id, body  string
	createdAt time.Time
}

type portOutDoc struct {
	id, documentID, typ string
	createdAt           time.Time
}

type portOutExtras struct {
	comments []portOutComment
	docs     []portOutDoc
}

func (f *Fake) extras(id string) *portOutExtras {
	if f.portOuts.extras == nil {
		f.portOuts.extras = map[string]*portOutExtras{}
	}
	x, ok := f.portOuts.extras[id]
	if !ok {
		x = &portOutExtras{}
		f.portOuts.extras[id] = x
	}
	return x
}

func renderPortOutComment(poID string, c portOutComment) map[string]any {
	return map[string]any{"id": c.id, "body": c.body, "created_at": ts(c.createdAt), "user_id": fakeUserID,
		"portout_id": poID, "record_type": "portout_comment"}
}

func renderPortOutDoc(poID string, d portOutDoc) map[string]any {
	return map[string]any{"id": d.id, "document_id": d.documentID, "type": d.typ, "portout_id": poID,
		"record_type": "portout_supporting_document", "created_at": ts(d.createdAt), "updated_at": ts(d.createdAt)}
}

// listPortOutComments is GET /v2/portouts/{id}/comments.
func (f *Fake) listPortOutComments(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.lookupPortOut(w, args[0]); !ok {
		return
	}
	data := []any{}
	for _, c := range f.extras(args[0]).comments {
		data = append(data, renderPortOutComment(args[0], c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data})
}

// createPortOutComment is POST /v2/portouts/{id}/comments {body}: 201. A
// missing or blank body is refused (422 /body).
func (f *Fake) createPortOutComment(w http.ResponseWriter, r *http.Request, args []string) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	text, isStr := body["body"].(string)
	if !isStr || strings.TrimSpace(text) == "" {
		writeErrs(w, http.StatusUnprocessableEntity, errItem("10015", "Bad Request", "body is required", "/body"))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.lookupPortOut(w, args[0]); !ok {
		return
	}
	c := portOutComment{id: uuid.New(), body: text, createdAt: f.now()}
	x := f.extras(args[0])
	x.comments = append(x.comments, c)
	writeJSON(w, http.StatusCreated, map[string]any{"data": renderPortOutComment(args[0], c)})
}

// listPortOutDocs is GET /v2/portouts/{id}/supporting_documents.
func (f *Fake) listPortOutDocs(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.lookupPortOut(w, args[0]); !ok {
		return
	}
	data := []any{}
	for _, d := range f.extras(args[0]).docs {
		data = append(data, renderPortOutDoc(args[0], d))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data})
}

// createPortOutDocs is POST /v2/portouts/{id}/supporting_documents
// {documents:[{document_id (a document uploaded with POST /documents),
// type: loa|invoice}]}: 201 with the created records.
func (f *Fake) createPortOutDocs(w http.ResponseWriter, r *http.Request, args []string) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	list, isList := body["documents"].([]any)
	if !isList || len(list) == 0 {
		writeErrs(w, http.StatusUnprocessableEntity, errItem("10015", "Bad Request", "documents is required", "/documents"))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.lookupPortOut(w, args[0]); !ok {
		return
	}
	var errs []apiError
	var docs []portOutDoc
	now := f.now()
	for i, it := range list {
		m, _ := it.(map[string]any)
		ptr := "/documents/" + itoa(i)
		docID, typ := str(m["document_id"]), str(m["type"])
		if _, known := f.docs[docID]; !isUUID(docID) || !known {
			errs = append(errs, errItem("10015", "Bad Request", "document_id must name an uploaded document", ptr+"/document_id"))
		}
		if typ != "loa" && typ != "invoice" {
			errs = append(errs, errItem("10015", "Bad Request", "type must be one of loa, invoice", ptr+"/type"))
		}
		docs = append(docs, portOutDoc{id: uuid.New(), documentID: docID, typ: typ, createdAt: now})
	}
	if len(errs) > 0 {
		writeErrs(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	x := f.extras(args[0])
	x.docs = append(x.docs, docs...)
	data := []any{}
	for _, d := range docs {
		data = append(data, renderPortOutDoc(args[0], d))
	}
	writeJSON(w, http.StatusCreated, map[string]any{"data": data})
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// PortOutSupportingDocuments returns the types of the supporting documents
// attached to a port-out, oldest first (a test hook, like CreatePortOut).
func (f *Fake) PortOutSupportingDocuments(id string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, d := range f.extras(id).docs {
		out = append(out, d.typ)
	}
	return out
}
