package flinks

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// UploadInput names one input of UploadConfig, so the server can map a ConfigError to its
// environment variable (FLINKS_UPLOAD_URL, _CLIENT_ID, _CLIENT_SECRET, _CERT, _KEY, _CA).
type UploadInput string

// The UploadConfig inputs.
const (
	InputUploadURL    UploadInput = "upload_url"
	InputClientID     UploadInput = "client_id"
	InputClientSecret UploadInput = "client_secret"
	InputCert         UploadInput = "cert"
	InputKey          UploadInput = "key"
	InputCA           UploadInput = "ca"
)

// Configuration sentinels, wrapped in a *ConfigError naming the input.
var (
	ErrConfigMissing    = errors.New("missing")
	ErrFileUnreadable   = errors.New("file missing or unreadable")
	ErrNotPEM           = errors.New("not PEM or no usable PEM block")
	ErrCertExpired      = errors.New("certificate expired")
	ErrCertNotYetValid  = errors.New("certificate not valid yet")
	ErrKeyMismatch      = errors.New("private key does not match the certificate")
	ErrKeyUnsupported   = errors.New("unsupported private key")
	ErrInvalidUploadURL = errors.New("not an absolute https URL")
)

// ConfigError is an invalid Upload API input. Its message names the input and, for files,
// the path, never a secret or file content.
type ConfigError struct {
	Input UploadInput
	Path  string // the file, for file inputs
	Err   error
}

// Error implements error.
func (e *ConfigError) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("flinks: upload %s %q: %v", e.Input, e.Path, e.Err)
	}
	return fmt.Sprintf("flinks: upload %s: %v", e.Input, e.Err)
}

// Unwrap returns the cause.
func (e *ConfigError) Unwrap() error { return e.Err }

func cfgErr(in UploadInput, path string, err error) error {
	return &ConfigError{Input: in, Path: path, Err: err}
}

// readFile reads an input file, mapping failures to ErrFileUnreadable without the OS
// error's text beyond its kind.
func readFile(in UploadInput, path string) ([]byte, error) {
	if path == "" {
		return nil, cfgErr(in, "", ErrConfigMissing)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, cfgErr(in, path, fmt.Errorf("%w: %w", ErrFileUnreadable, unwrapPathError(err)))
	}
	return b, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// keyMaterial is one loaded client certificate and trust root set.
type keyMaterial struct {
	cert   *tls.Certificate
	roots  *x509.CertPool // nil: the system roots
	digest [sha256.Size]byte
}

// loadKeyMaterial reads and validates the certificate, key and optional CA files.
func loadKeyMaterial(certFile, keyFile, caFile string, now time.Time) (*keyMaterial, error) {
	certPEM, err := readFile(InputCert, certFile)
	if err != nil {
		return nil, err
	}
	keyPEM, err := readFile(InputKey, keyFile)
	if err != nil {
		return nil, err
	}
	var caPEM []byte
	if caFile != "" {
		if caPEM, err = readFile(InputCA, caFile); err != nil {
			return nil, err
		}
	}
	cert, err := parseKeyPair(certFile, certPEM, keyFile, keyPEM, now)
	if err != nil {
		return nil, err
	}
	km := &keyMaterial{cert: cert, digest: sha256.Sum256(bytes.Join([][]byte{certPEM, keyPEM, caPEM}, []byte{0}))}
	if caFile != "" {
		km.roots = x509.NewCertPool()
		if !km.roots.AppendCertsFromPEM(caPEM) {
			return nil, cfgErr(InputCA, caFile, ErrNotPEM)
		}
	}
	return km, nil
}

// parseKeyPair checks the certificate chain's PEM, the leaf's validity at now, the key's
// format (PKCS#8, PKCS#1 or SEC 1) and that the key matches the leaf.
func parseKeyPair(certFile string, certPEM []byte, keyFile string, keyPEM []byte, now time.Time) (*tls.Certificate, error) {
	var ders [][]byte
	for rest := certPEM; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type == "CERTIFICATE" {
			ders = append(ders, block.Bytes)
		}
	}
	if len(ders) == 0 {
		return nil, cfgErr(InputCert, certFile, ErrNotPEM)
	}
	leaf, err := x509.ParseCertificate(ders[0])
	if err != nil {
		return nil, cfgErr(InputCert, certFile, fmt.Errorf("%w: invalid certificate", ErrNotPEM))
	}
	switch {
	case now.After(leaf.NotAfter):
		return nil, cfgErr(InputCert, certFile, fmt.Errorf("%w on %s", ErrCertExpired, leaf.NotAfter.UTC().Format(time.RFC3339)))
	case now.Before(leaf.NotBefore):
		return nil, cfgErr(InputCert, certFile, fmt.Errorf("%w until %s", ErrCertNotYetValid, leaf.NotBefore.UTC().Format(time.RFC3339)))
	}
	key, err := parsePrivateKey(keyPEM)
	if err != nil {
		return nil, cfgErr(InputKey, keyFile, err)
	}
	pub, ok := leaf.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(key.Public()) {
		return nil, cfgErr(InputKey, keyFile, ErrKeyMismatch)
	}
	return &tls.Certificate{Certificate: ders, PrivateKey: key, Leaf: leaf}, nil
}

// parsePrivateKey reads the first private key block: PKCS#8 ("PRIVATE KEY"), PKCS#1
// ("RSA PRIVATE KEY") or SEC 1 ("EC PRIVATE KEY"). Encrypted keys are refused.
func parsePrivateKey(keyPEM []byte) (crypto.Signer, error) {
	for rest := keyPEM; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, ErrNotPEM
		}
		if !strings.HasSuffix(block.Type, "PRIVATE KEY") {
			continue
		}
		if block.Type == "ENCRYPTED PRIVATE KEY" || block.Headers["Proc-Type"] != "" {
			return nil, fmt.Errorf("%w: encrypted keys are not supported", ErrKeyUnsupported)
		}
		var key any
		var err error
		switch block.Type {
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(block.Bytes)
		default:
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: cannot parse the %s block", ErrKeyUnsupported, block.Type)
		}
		signer, ok := key.(crypto.Signer)
		if !ok {
			return nil, ErrKeyUnsupported
		}
		return signer, nil
	}
}
