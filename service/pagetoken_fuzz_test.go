package service

import (
	"testing"
)

// FuzzPageToken decodes arbitrary tokens: no panic; anything accepted is
// within bounds and names only the list's providers; genuine tokens
// round-trip. Seeds: testdata/fuzz/FuzzPageToken.
func FuzzPageToken(f *testing.F) {
	pt, _, err := newPageTokens([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		f.Fatal(err)
	}
	b := binding{kind: "portOrders", parent: "providers/-", filter: `state = DRAFT`}
	allowed := []string{"flowroute", "telnyx"}
	f.Add(pt.encode(b, map[string]cursorPos{"flowroute": {C: "5"}, "telnyx": {C: "2.50.3", S: 1}}), 5)
	f.Add(pt.encode(b, map[string]cursorPos{"telnyx": {S: maxTokenOffset}}), 1)
	f.Add("eyJ2IjoxLCJiIjoiIiwibyI6eyJ0ZWxueXgiOjQ2MTE2ODYwMTg0MjczODc5MDR9fQ", 1<<40)
	f.Add("", 0)
	f.Add("!!!", -1)
	f.Fuzz(func(t *testing.T, tok string, off int) {
		offs, err := pt.decode(tok, b, allowed)
		if err == nil {
			for k, v := range offs {
				if !contains(allowed, k) || v.S < 0 || v.S > maxTokenOffset || len(v.C) > maxTokenCursor {
					t.Fatalf("accepted %q: %v", tok, offs)
				}
			}
		}
		if off < 0 || off > maxTokenOffset {
			return
		}
		want := map[string]cursorPos{"telnyx": {C: "1.50.7", S: off}}
		got, err := pt.decode(pt.encode(b, want), b, allowed)
		if err != nil || len(got) != 1 || got["telnyx"] != want["telnyx"] {
			t.Fatalf("round trip of %v: %v %v", want, got, err)
		}
		if _, err := pt.decode(pt.encode(b, want), binding{kind: "numbers", parent: "providers/-"}, allowed); err == nil {
			t.Fatal("token accepted for another list")
		}
	})
}
