package server

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"os"
	"time"
)

// LoadTLS builds the server TLS config from PEM files: certFile/keyFile is
// the server certificate (chain) and key; clientCAFile, when set, turns on
// mutual TLS: every client must present a certificate signed by one of its
// CAs, on both listeners.
func LoadTLS(certFile, keyFile, clientCAFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("server: TLS certificate: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if clientCAFile != "" {
		pem, err := os.ReadFile(clientCAFile)
		if err != nil {
			return nil, fmt.Errorf("server: TLS client CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("server: TLS client CA %s: no PEM certificate found", clientCAFile)
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// serverTLS holds the three TLS configs derived from Config.TLS.
type serverTLS struct {
	grpc, http *tls.Config
	// hop is the gateway's client config for its loopback hop to the gRPC
	// listener.
	hop    *tls.Config
	mutual bool
}

// newServerTLS derives the listeners' configs and the loopback hop's.
//
// The hop pins the server's own leaf certificate (byte for byte), so it
// needs no CA and no host name that matches the loopback address. With
// mutual TLS it needs a client certificate the gRPC listener accepts: a
// self-signed certificate made here, whose key exists only in this
// process's memory, is added to the gRPC listener's client CAs (not the HTTP
// listener's). It proves only "this process"; the auth interceptor still
// requires the REST caller's own API key on every call.
func newServerTLS(base *tls.Config) (*serverTLS, error) {
	if len(base.Certificates) == 0 || len(base.Certificates[0].Certificate) == 0 {
		return nil, errors.New("server: TLS config needs a certificate (Certificates[0])")
	}
	leaf := base.Certificates[0].Certificate[0]
	st := &serverTLS{grpc: base.Clone(), http: base.Clone()}
	if st.grpc.MinVersion < tls.VersionTLS12 {
		st.grpc.MinVersion, st.http.MinVersion = tls.VersionTLS12, tls.VersionTLS12
	}
	st.hop = &tls.Config{
		MinVersion: tls.VersionTLS12,
		// Verification is the pin below, not the CA chain and host name.
		InsecureSkipVerify: true, //nolint:gosec // replaced by VerifyConnection's pin
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 || !bytes.Equal(cs.PeerCertificates[0].Raw, leaf) {
				return errors.New("server: gateway hop: the gRPC listener did not present this server's certificate")
			}
			return nil
		},
	}
	if base.ClientAuth == tls.RequireAndVerifyClientCert || base.ClientAuth == tls.VerifyClientCertIfGiven {
		st.mutual = base.ClientAuth == tls.RequireAndVerifyClientCert
		hopCert, hopX509, err := hopCertificate()
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if base.ClientCAs != nil {
			pool = base.ClientCAs.Clone()
		}
		pool.AddCert(hopX509)
		st.grpc.ClientCAs = pool
		st.hop.Certificates = []tls.Certificate{hopCert}
	}
	return st, nil
}

// hopCertificate makes the in-memory client certificate of the gateway's
// loopback hop (ECDSA P-256, self-signed, client auth only).
func hopCertificate() (tls.Certificate, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("server: gateway hop key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "portgate gateway loopback hop"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("server: gateway hop certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, cert, nil
}
