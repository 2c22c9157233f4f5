package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"linkfin/engine"
	lfhttp "linkfin/http"
)

const metaOperatorKey = "operator_key_sha256"

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var sf storeFlags
	fs := newFlags("serve", "serve [--addr HOST:PORT] [--db DSN] [--data DIR]", stderr)
	sf.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	verbose := fs.Bool("v", false, "log every request")
	if err := parse(fs, args); err != nil {
		return err
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	signer, err := sf.signer(ctx, s)
	if err != nil {
		return err
	}
	keyHash, err := s.Meta(ctx, metaOperatorKey)
	if err != nil {
		return err
	}
	if keyHash == "" {
		key := newSecret("lf_op_")
		keyHash = fmt.Sprintf("%x", sha256Sum(key))
		if err := s.SetMeta(ctx, metaOperatorKey, keyHash); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "operator API key (shown once; keep it safe):\n  %s\n", key)
	}
	var hash []byte
	fmt.Sscanf(keyHash, "%x", &hash)

	e, err := engine.Open(ctx, engine.Config{Store: s, Signer: signer, Origin: Origin, Logger: logger})
	if err != nil {
		return err
	}
	srv := lfhttp.NewServer(e, s, hash, logger)
	if err := srv.Open(*addr); err != nil {
		e.Close()
		return err
	}
	fmt.Fprintf(stdout, "linkfin listening on http://%s (%s store)\n", srv.Addr(), s.Dialect())
	<-ctx.Done()
	logger.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = srv.Close(sctx)
	e.Close() // finishes the batch in flight
	return err
}
