package scenarios

import "testing"

func TestReservedCallbackURL(t *testing.T) {
	for u, want := range map[string]bool{
		"https://hooks.example.com/po":        true,
		"https://example.com/hook":            true,
		"http://cb.example/po":                true,
		"http://user:pw@api.example.org:8443": true,
		"https://EXAMPLE.NET./x":              true,
		"http://svc.test/x":                   true,
		"http://nowhere.invalid":              true,
		"http://127.0.0.1:8080/hook":          false,
		"http://localhost:9000/flowroute":     false,
		"https://example.com.evil.io/x":       false,
		"https://myexample.com/x":             false,
		"http://[::1]:8080/hook":              false,
	} {
		if got := ReservedCallbackURL(u); got != want {
			t.Errorf("ReservedCallbackURL(%q) = %v, want %v", u, got, want)
		}
	}
}
