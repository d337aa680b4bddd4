package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// env is one database's run: its directory, server, provider and clients.
type env struct {
	o        Options
	kind     string
	dir      string
	dbURL    string // DATABASE_URL of the server
	dbTarget string // what openReadOnly opens
	p        *provider
	srv      *server
	w        *workload
}

// Run runs the crash test on one database ("sqlite" or "postgres") and
// returns an error listing every violated invariant.
func Run(ctx context.Context, kind string, o Options) (err error) {
	e := &env{o: o, kind: kind}
	if e.dir, err = os.MkdirTemp("", "crashtest-"+kind+"-"); err != nil {
		return err
	}
	defer func() {
		if err != nil || o.Keep {
			fmt.Fprintf(o.Log, "crashtest %s: files kept in %s (server log: server.log)\n", kind, e.dir)
			return
		}
		os.RemoveAll(e.dir)
	}()
	cleanup, err := e.setup(ctx)
	defer func() { err = errors.Join(err, cleanup()) }()
	if err != nil {
		return err
	}
	if err := e.rounds(ctx); err != nil {
		return err
	}
	return e.final(ctx)
}

// setup creates the database, starts the provider and prepares the server;
// cleanup undoes what it did.
func (e *env) setup(ctx context.Context) (cleanup func() error, err error) {
	var undo []func() error
	cleanup = func() error {
		var errs []error
		for i := len(undo) - 1; i >= 0; i-- {
			errs = append(errs, undo[i]())
		}
		return errors.Join(errs...)
	}
	if e.kind == "postgres" {
		url, drop, err := createDatabase(ctx, e.o.Postgres)
		if err != nil {
			return cleanup, err
		}
		e.dbURL, e.dbTarget = url, url
		if !e.o.Keep {
			undo = append(undo, drop)
		}
	} else {
		e.dbTarget = filepath.Join(e.dir, "fingraph.db")
		e.dbURL = "sqlite:" + e.dbTarget
	}
	if e.p, err = startProvider(e.o.Seed, filepath.Join(e.dir, "provider")); err != nil {
		return cleanup, err
	}
	undo = append(undo, e.p.close)
	e.srv, err = newServer(e.o.Binary, filepath.Join(e.dir, "server.log"),
		append(serverEnv(filepath.Join(e.dir, "data"), e.dbURL), e.p.env...))
	if err != nil {
		return cleanup, err
	}
	undo = append(undo, e.srv.close, e.srv.stop)
	return cleanup, nil
}

// rounds starts the server, loads it for a seeded random time, kills it
// with SIGKILL, and again, o.Rounds times.
func (e *env) rounds(ctx context.Context) error {
	h := fnv.New64a()
	h.Write([]byte(e.kind))
	rng := rand.New(rand.NewPCG(uint64(e.o.Seed), h.Sum64()))
	for r := 1; r <= e.o.Rounds; r++ {
		if err := e.srv.start(ctx); err != nil {
			return fmt.Errorf("round %d: %w", r, err)
		}
		if e.w == nil {
			if err := e.users(ctx); err != nil {
				return err
			}
		}
		load := e.o.MinLoad + time.Duration(rng.Int64N(int64(e.o.MaxLoad-e.o.MinLoad)+1))
		lctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { e.w.run(lctx, rng.Uint64(), e.o.Workers); close(done) }()
		sleep(ctx, load)
		err := e.srv.kill()
		cancel()
		<-done
		if err != nil {
			return fmt.Errorf("round %d: kill: %w", r, err)
		}
		links, hooks, acked, uploads, refreshes := e.w.l.summary()
		fmt.Fprintf(e.o.Log, "crashtest %s: round %d: killed after %v (so far %d links, %d webhooks (%d acked), %d uploads, %d refreshes)\n",
			e.kind, r, load.Round(time.Millisecond), links, hooks, acked, uploads, refreshes)
	}
	return ctx.Err()
}

// users mints tokens and makes the users known to the server.
func (e *env) users(ctx context.Context) error {
	w := &workload{c: newClient(e.srv.url()), p: e.p, l: &ledger{}, tokens: map[string]string{},
		users: []string{"crash-u1", "crash-u2", "crash-u3"}, upUser: "crash-uploader"}
	for _, u := range append(append([]string(nil), w.users...), w.upUser) {
		tok, err := e.srv.token(ctx, u)
		if err != nil {
			return err
		}
		w.tokens[u] = tok
		if err := w.c.graphql(ctx, tok, `{ me { id } }`, nil, nil); err != nil {
			return fmt.Errorf("first request of %s: %w", u, err)
		}
	}
	e.w = w
	return nil
}

// final restarts the server one last time, resends what was never
// acknowledged, waits for all work to end and checks the invariants.
func (e *env) final(ctx context.Context) error {
	if err := e.srv.start(ctx); err != nil {
		return fmt.Errorf("final start: %w", err)
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := e.w.drain(dctx); err != nil {
		return err
	}
	if err := e.w.announce(); err != nil {
		return err
	}
	if err := e.w.drain(dctx); err != nil {
		return err
	}
	db, err := openReadOnly(e.kind, e.dbTarget)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	s, open, err := settle(ctx, db, e.kind, e.o.Settle)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.o.Log, "crashtest %s: settled in %v\n", e.kind, time.Since(start).Round(100*time.Millisecond))
	var violations []string
	for _, o := range open {
		violations = append(violations, "stuck after "+e.o.Settle.String()+": "+o)
	}
	c := &checker{s: s, l: e.w.l, users: e.w.users, upUser: e.w.upUser, expect: expectFrom(e.p)}
	violations = append(violations, c.all()...)
	violations = append(violations, e.apiChecks(ctx, s)...)
	e.report(s)
	if len(violations) > 0 {
		return fmt.Errorf("%d violations:\n  %s", len(violations), strings.Join(violations, "\n  "))
	}
	return nil
}

// report prints what the run did and found.
func (e *env) report(s *snapshot) {
	links, hooks, acked, uploads, refreshes := e.w.l.summary()
	rerun := 0
	for _, j := range s.jobs {
		if j.attempt > 1 {
			rerun++
		}
	}
	fmt.Fprintf(e.o.Log, "crashtest %s: %d rounds; %d links, %d webhook bodies (%d acked), %d uploads acked, %d refreshes acked; "+
		"%d River jobs (%d ran more than once)\n", e.kind, e.o.Rounds, links, hooks, acked, uploads, refreshes, len(s.jobs), rerun)
}
