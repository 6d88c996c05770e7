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
	f.Add(pt.encode(b, map[string]int{"flowroute": 5, "telnyx": 0}), 5)
	f.Add(pt.encode(b, map[string]int{"telnyx": maxTokenOffset}), 1)
	f.Add("eyJ2IjoxLCJiIjoiIiwibyI6eyJ0ZWxueXgiOjQ2MTE2ODYwMTg0MjczODc5MDR9fQ", 1<<40)
	f.Add("", 0)
	f.Add("!!!", -1)
	f.Fuzz(func(t *testing.T, tok string, off int) {
		offs, err := pt.decode(tok, b, allowed)
		if err == nil {
			for k, v := range offs {
				if !contains(allowed, k) || v < 0 || v > maxTokenOffset {
					t.Fatalf("accepted %q: %v", tok, offs)
				}
			}
		}
		if off < 0 || off > maxTokenOffset {
			return
		}
		want := map[string]int{"telnyx": off}
		got, err := pt.decode(pt.encode(b, want), b, allowed)
		if err != nil || len(got) != 1 || got["telnyx"] != off {
			t.Fatalf("round trip of %v: %v %v", want, got, err)
		}
		if _, err := pt.decode(pt.encode(b, want), binding{kind: "numbers", parent: "providers/-"}, allowed); err == nil {
			t.Fatal("token accepted for another list")
		}
	})
}
