package app_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/app"
	"github.com/portgate/portgate/internal/auth"
	"github.com/portgate/portgate/internal/config"
)

// testCA is a throw-away CA made in the test; nothing is committed.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns a leaf's certificate and key PEM; server leaves are valid
// for 127.0.0.1 and localhost.
func (ca *testCA) issue(t *testing.T, name string, server bool) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
		tmpl.DNSNames = []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

type tlsEnv struct {
	a        *app.App
	roots    *x509.CertPool
	key      string // a valid API key
	grpcAddr string
	httpURL  string
}

// startTLS runs the whole app on loopback TCP with TLS (and mTLS when
// clientCA is set) and one API key.
func startTLS(t *testing.T, clientCA *testCA) *tlsEnv {
	t.Helper()
	dir := t.TempDir()
	serverCA := newCA(t, "server CA")
	certPEM, keyPEM := serverCA.issue(t, "portgate", true)
	secret := auth.NewKey()
	h, _ := auth.HashKey(secret)
	keys, err := auth.ParseKeys("ops:" + h + ":porting.read:")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{
		GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", ShutdownGrace: time.Second, Keys: keys,
		TLSCertFile: writeFile(t, dir, "cert.pem", certPEM), TLSKeyFile: writeFile(t, dir, "key.pem", keyPEM),
	}
	if clientCA != nil {
		cfg.TLSClientCAFile = writeFile(t, dir, "clientca.pem", clientCA.pem)
	}
	a, err := app.Build(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Server.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := a.Server.Shutdown(context.Background()); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	roots := x509.NewCertPool()
	roots.AddCert(serverCA.cert)
	return &tlsEnv{a: a, roots: roots, key: secret, grpcAddr: a.Server.GRPCAddr(), httpURL: "https://" + a.Server.HTTPAddr()}
}

// listProviders calls ListProviders over gRPC with creds and the API key.
func (e *tlsEnv) listProviders(t *testing.T, creds credentials.TransportCredentials) error {
	t.Helper()
	conn, err := grpc.NewClient("passthrough:///"+e.grpcAddr, grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+e.key)
	_, err = pb.NewProvidersClient(conn).ListProviders(ctx, &pb.ListProvidersRequest{})
	return err
}

// get fetches /v1/providers over HTTPS with client certs and, when withKey,
// the API key.
func (e *tlsEnv) get(t *testing.T, certs []tls.Certificate, withKey bool) (int, error) {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: e.roots, Certificates: certs, ServerName: "127.0.0.1"}}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	req, _ := http.NewRequest("GET", e.httpURL+"/v1/providers", nil)
	if withKey {
		req.Header.Set("x-api-key", e.key)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

func TestTLS(t *testing.T) {
	e := startTLS(t, nil)
	if err := e.listProviders(t, credentials.NewTLS(&tls.Config{RootCAs: e.roots, ServerName: "127.0.0.1"})); err != nil {
		t.Errorf("gRPC over TLS: %v", err)
	}
	if err := e.listProviders(t, insecure.NewCredentials()); status.Code(err) != codes.Unavailable {
		t.Errorf("plaintext gRPC to a TLS listener: %v, want Unavailable", err)
	}
	if err := e.listProviders(t, credentials.NewTLS(&tls.Config{ServerName: "127.0.0.1"})); status.Code(err) != codes.Unavailable {
		t.Errorf("gRPC client not trusting the server CA: %v, want Unavailable", err)
	}
	// REST through the gateway's TLS loopback hop: the caller's key still
	// decides (the hop is no way around auth).
	if code, err := e.get(t, nil, true); err != nil || code != 200 {
		t.Errorf("HTTPS with a key: %d %v", code, err)
	}
	if code, err := e.get(t, nil, false); err != nil || code != 401 {
		t.Errorf("HTTPS without a key: %d %v, want 401", code, err)
	}
	resp, err := http.Get("http://" + strings.TrimPrefix(e.httpURL, "https://") + "/healthz")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Errorf("plain HTTP to the TLS listener answered 200")
		}
	}
}

func TestMutualTLS(t *testing.T) {
	clientCA := newCA(t, "client CA")
	e := startTLS(t, clientCA)
	certPEM, keyPEM := clientCA.issue(t, "client", false)
	good, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	rogueCert, rogueKey := newCA(t, "rogue CA").issue(t, "rogue", false)
	rogue, _ := tls.X509KeyPair(rogueCert, rogueKey)

	tlsWith := func(certs ...tls.Certificate) credentials.TransportCredentials {
		return credentials.NewTLS(&tls.Config{RootCAs: e.roots, ServerName: "127.0.0.1", Certificates: certs})
	}
	if err := e.listProviders(t, tlsWith(good)); err != nil {
		t.Errorf("gRPC with a client certificate: %v", err)
	}
	if err := e.listProviders(t, tlsWith()); status.Code(err) != codes.Unavailable {
		t.Errorf("gRPC without a client certificate: %v, want Unavailable", err)
	}
	if err := e.listProviders(t, tlsWith(rogue)); status.Code(err) != codes.Unavailable {
		t.Errorf("gRPC with a certificate of another CA: %v, want Unavailable", err)
	}
	// REST: the client certificate opens the HTTP listener, the gateway's
	// hop presents its own in-memory certificate to the gRPC listener, and
	// the caller's key is still required.
	if code, err := e.get(t, []tls.Certificate{good}, true); err != nil || code != 200 {
		t.Errorf("HTTPS with a client certificate and a key: %d %v", code, err)
	}
	if code, err := e.get(t, []tls.Certificate{good}, false); err != nil || code != 401 {
		t.Errorf("HTTPS with a client certificate, no key: %d %v, want 401", code, err)
	}
	if _, err := e.get(t, nil, true); err == nil {
		t.Errorf("HTTPS without a client certificate: handshake succeeded")
	}
	if _, err := e.get(t, []tls.Certificate{rogue}, true); err == nil {
		t.Errorf("HTTPS with a certificate of another CA: handshake succeeded")
	}
}

// A missing or wrong certificate file stops Build, naming the settings.
func TestTLSFileErrors(t *testing.T) {
	dir := t.TempDir()
	ca := newCA(t, "ca")
	certPEM, keyPEM := ca.issue(t, "portgate", true)
	cert, key := writeFile(t, dir, "c.pem", certPEM), writeFile(t, dir, "k.pem", keyPEM)
	for _, c := range []config.Config{
		{TLSCertFile: filepath.Join(dir, "missing.pem"), TLSKeyFile: key},
		{TLSCertFile: cert, TLSKeyFile: cert},                      // not a key
		{TLSCertFile: cert, TLSKeyFile: key, TLSClientCAFile: key}, // no certificate in the CA file
	} {
		c.GRPCAddr = "bufconn"
		if _, err := app.Build(c, nil); err == nil || !strings.Contains(err.Error(), "PORTGATE_TLS_CERT_FILE") {
			t.Errorf("%+v: Build = %v", c, err)
		}
	}
}
