package server

import (
	"net/url"
	"strings"
	"testing"
)

func TestLoneSurrogate(t *testing.T) {
	for in, bad := range map[string]bool{
		`{"a":"\ud800"}`:               true,
		`{"a":"\udc00"}`:               true,
		`{"a":"\ud800\u0041"}`:         true,
		`{"a":"x\ud800"}`:              true,
		`{"a":"\ud83d\ude00"}`:         false, // a pair: U+1F600
		`{"a":"\\ud800"}`:              false, // an escaped backslash, then text
		`{"a":"\\\ud800"}`:             true,
		`{"a":"\u0041\n\"\ud800\""}`:   true,
		`{"\ud800":1}`:                 true,
		`{"a":"plain","b":"\u00e9"}`:   false,
		`{"a":"\uD83D\uDE00","b":"x"}`: false,
	} {
		msg := loneSurrogate([]byte(in))
		if (msg != "") != bad {
			t.Errorf("loneSurrogate(%s) = %q, want bad=%v", in, msg, bad)
		}
		if bad && !strings.Contains(msg, "surrogate") {
			t.Errorf("loneSurrogate(%s) = %q does not say what is wrong", in, msg)
		}
	}
}

func TestCheckPath(t *testing.T) {
	for raw, ok := range map[string]bool{
		"/v1/providers": true,
		"/":             true,
		"/v1/providers/telnyx/numbers/%2B1312555": true,
		"/v1//providers":                       false,
		"/v1/providers/":                       false,
		"/v1/./providers":                      false,
		"/v1/%2e%2e/providers":                 false,
		"/v1/providers/%ff":                    false,
		"/v1/providers?filter=%ff":             false,
		"/v1/providers?%ff=1":                  false,
		"/v1/providers?filter=%zz":             false,
		"/v1/providers?filter=state%20%3D%20X": true,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if msg := checkPath(u); (msg == "") != ok {
			t.Errorf("checkPath(%s) = %q, want ok=%v", raw, msg, ok)
		}
	}
}
