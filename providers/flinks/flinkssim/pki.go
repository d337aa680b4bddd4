package flinkssim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"time"
)

// pki is the simulator's throw-away certificate authority: it signs the Upload API's
// server certificate and the client certificates handed to tests and sandboxes, as Flinks'
// CA signs its customers' CSRs.
type pki struct {
	caCert *x509.Certificate
	caKey  *ecdsa.PrivateKey
	caPEM  []byte
	server tls.Certificate
	pool   *x509.CertPool
}

func newPKI(now time.Time) (*pki, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: "flinkssim test CA", Organization: []string{"flinkssim"}},
		NotBefore: now.Add(-24 * time.Hour), NotAfter: now.AddDate(10, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	p := &pki{caCert: ca, caKey: key, caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	certPEM, keyPEM, err := p.issue(ClientCertOptions{CommonName: "localhost", NotBefore: now.Add(-24 * time.Hour),
		NotAfter: now.AddDate(5, 0, 0)}, true)
	if err != nil {
		return nil, err
	}
	if p.server, err = tls.X509KeyPair(certPEM, keyPEM); err != nil {
		return nil, err
	}
	return p, nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}

// ClientCertOptions describes a client certificate to issue.
type ClientCertOptions struct {
	// CommonName defaults to "flinkssim client".
	CommonName string
	// NotBefore and NotAfter default to Now-1h and Now+1 year.
	NotBefore, NotAfter time.Time
	// RSA issues a 2048-bit RSA key instead of ECDSA P-256.
	RSA bool
	// PKCS1 writes an RSA key as "RSA PRIVATE KEY" (PKCS#1) instead of PKCS#8.
	PKCS1 bool
}

// CACertPEM returns the simulator CA's certificate: the trust root of the Upload API's
// server certificate (FLINKS_UPLOAD_CA), and the issuer of IssueClientCertificate.
func (s *Server) CACertPEM() []byte { return append([]byte(nil), s.pki.caPEM...) }

// IssueClientCertificate returns a client certificate signed by the simulator CA and its
// private key, both PEM (the key PKCS#8 unless o.PKCS1), for FLINKS_UPLOAD_CERT and
// FLINKS_UPLOAD_KEY.
func (s *Server) IssueClientCertificate(o ClientCertOptions) (certPEM, keyPEM []byte, err error) {
	if o.NotBefore.IsZero() {
		o.NotBefore = s.now().Add(-time.Hour)
	}
	if o.NotAfter.IsZero() {
		o.NotAfter = s.now().AddDate(1, 0, 0)
	}
	if o.CommonName == "" {
		o.CommonName = "flinkssim client"
	}
	return s.pki.issue(o, false)
}

// issue signs a leaf certificate for a server (127.0.0.1, ::1, localhost) or a client.
func (p *pki) issue(o ClientCertOptions, server bool) (certPEM, keyPEM []byte, err error) {
	if o.PKCS1 && !o.RSA {
		return nil, nil, errors.New("flinkssim: PKCS#1 needs an RSA key")
	}
	var key crypto.Signer
	if o.RSA {
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: o.CommonName, Organization: []string{"flinkssim"}},
		NotBefore: o.NotBefore, NotAfter: o.NotAfter, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if _, isRSA := key.(*rsa.PrivateKey); isRSA {
		tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.DNSNames = []string{"localhost"}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.caCert, key.Public(), p.caKey)
	if err != nil {
		return nil, nil, err
	}
	var block *pem.Block
	if rk, ok := key.(*rsa.PrivateKey); ok && o.PKCS1 {
		block = &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)}
	} else {
		b, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, nil, err
		}
		block = &pem.Block{Type: "PRIVATE KEY", Bytes: b}
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(block), nil
}

// UploadTLSConfig is the Upload listener's TLS configuration: TLS 1.2 at least, and a
// client certificate signed by the simulator CA on every connection.
func (s *Server) UploadTLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{s.pki.server},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    s.pki.pool,
		Time:         s.now,
	}
}

// StartUpload serves the Upload API over mutual TLS on addr ("127.0.0.1:0" when empty)
// and returns its base URL, "https://127.0.0.1:port" (FLINKS_UPLOAD_URL). Close stops it.
func (s *Server) StartUpload(addr string) (string, error) {
	return s.serve(addr, s.upload, s.UploadTLSConfig())
}
