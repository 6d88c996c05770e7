package server

import (
	"crypto/tls"
	"testing"
)

// The gateway's hop pins the server's own certificate: a listener that
// presents any other certificate (even a valid one) is refused.
func TestHopPinsOwnCertificate(t *testing.T) {
	own, _, err := hopCertificate() // any certificate will do as "ours"
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := hopCertificate()
	if err != nil {
		t.Fatal(err)
	}
	st, err := newServerTLS(&tls.Config{Certificates: []tls.Certificate{own}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		served tls.Certificate
		ok     bool
	}{{"own certificate", own, true}, {"another certificate", other, false}} {
		t.Run(tc.name, func(t *testing.T) {
			lis, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{tc.served}})
			if err != nil {
				t.Fatal(err)
			}
			defer lis.Close()
			go func() {
				c, err := lis.Accept()
				if err == nil {
					_ = c.(*tls.Conn).Handshake()
					c.Close()
				}
			}()
			c, err := tls.Dial("tcp", lis.Addr().String(), st.hop)
			if err == nil {
				c.Close()
			}
			if (err == nil) != tc.ok {
				t.Errorf("hop handshake err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
	if _, err := newServerTLS(&tls.Config{}); err == nil {
		t.Error("TLS config without a certificate accepted")
	}
}
