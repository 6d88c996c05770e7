package telnyxfake

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
)

// loaTemplate is GET /v2/porting_orders/{id}/loa_template: the order's LOA
// template as application/pdf. loa_configuration_id (optional) must name an
// LOA configuration; the fake's account has none, so any value is 404.
func (f *Fake) loaTemplate(w http.ResponseWriter, r *http.Request, args []string) {
	if cfg := r.URL.Query().Get("loa_configuration_id"); cfg != "" {
		if !isUUID(cfg) {
			writeErrs(w, http.StatusUnprocessableEntity, paramItem("10015", "Bad Request",
				"loa_configuration_id must be a UUID", "loa_configuration_id"))
			return
		}
		writeErrs(w, http.StatusNotFound, notFound("LOA configuration "+cfg))
		return
	}
	f.mu.Lock()
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		f.mu.Unlock()
		return
	}
	lines := []string{"Letter of Authorization", "Porting order " + o.id, "Telephone numbers:"}
	lines = append(lines, o.numbers...)
	lines = append(lines, "Authorized signature: ____________________", "Name and title: ____________________",
		"Date: ____________________")
	f.mu.Unlock()
	pdf := MinimalPDF(lines)
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Length", fmt.Sprint(len(pdf)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(pdf)
}

// MinimalPDF renders lines as a one-page PDF 1.4 document (Helvetica 12pt)
// with a correct cross-reference table.
func MinimalPDF(lines []string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 72 740 Td 16 TL\n")
	for _, l := range lines {
		l = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l)
		fmt.Fprintf(&content, "(%s) Tj T*\n", l)
	}
	content.WriteString("ET")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}
