package app

import (
	"context"
	"errors"
	"io"

	"github.com/fingraph/fingraph/internal/provider"
)

// maintainProviders closes providers with the app and watches their
// client certificates, so a renewed certificate needs no restart.
func (a *App) maintainProviders(reg *provider.Registry) {
	ctx, cancel := context.WithCancel(context.Background())
	a.closers = append(a.closers, func() error { cancel(); return nil })
	for _, name := range reg.Names() {
		p, _ := reg.Get(name)
		if c, ok := p.(io.Closer); ok {
			a.closers = append(a.closers, c.Close)
		}
		if r, ok := p.(provider.CertificateReloader); ok {
			a.reloaders = append(a.reloaders, r)
			go r.WatchCertificates(ctx, func(err error) {
				a.logger.Error("certificate reload failed; the current one stays in use",
					"provider", string(name), "error", err.Error())
			})
		}
	}
}

// ReloadCertificates re-reads every provider's client certificates now
// (on SIGHUP); a failure keeps the current ones and is returned.
func (a *App) ReloadCertificates() error {
	var errs []error
	for _, r := range a.reloaders {
		errs = append(errs, r.ReloadCertificates())
	}
	return errors.Join(errs...)
}
